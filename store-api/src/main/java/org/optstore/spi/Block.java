package org.optstore.spi;

/**
 * A run of consecutive rows that a {@link FormatReader} reads as a unit (a row group, a chunk, a
 * block), which the engine may cache per column.
 *
 * @param firstRow the first row's index in the file
 * @param rowCount the number of rows
 * @param minTimeMicros the smallest time value in the block (Long.MIN_VALUE when unknown or no
 *     time column)
 * @param maxTimeMicros the largest time value in the block (Long.MAX_VALUE when unknown or no time
 *     column)
 */
public record Block(long firstRow, int rowCount, long minTimeMicros, long maxTimeMicros) {}
