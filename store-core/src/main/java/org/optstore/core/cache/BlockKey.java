package org.optstore.core.cache;

/**
 * One column of one block of an open reader. The owner is compared by identity: the blocks of a
 * reader entry that was evicted or superseded can never be found again.
 *
 * @param owner the reader entry the block was read through
 * @param column the column name
 * @param block the block's number in the reader
 */
record BlockKey(ReaderEntry owner, String column, int block) {}
