package org.optstore;

/**
 * A snapshot of a store's cache counters since it opened.
 *
 * @param hitCount lookups answered from memory
 * @param missCount lookups that had to load
 * @param evictionCount entries evicted by size, weight or expiry
 * @param totalLoadTimeNanos time spent loading on misses, in nanoseconds
 * @param bytesHeld the estimated bytes of the entries held now
 * @param entries the number of entries held now
 */
public record CacheStats(long hitCount, long missCount, long evictionCount,
    long totalLoadTimeNanos, long bytesHeld, long entries) {

  /** @return hits / (hits + misses), or 1 when nothing was looked up */
  public double hitRate() {
    long n = hitCount + missCount;
    return n == 0 ? 1.0 : (double) hitCount / n;
  }
}
