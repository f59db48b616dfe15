package org.optstore.core.cache;

import org.optstore.Column;

/**
 * A cached column block and the bytes it is charged for.
 *
 * @param column the decoded values
 * @param weight the bytes the cache counts for it
 */
record CachedBlock(Column column, int weight) {}
