package org.optstore.core.filter;

import org.optstore.LongColumn;

/**
 * The minimum, maximum and sortedness of a time column, accumulated batch by batch as a dataset is
 * written (they go into its manifest). Not thread-safe.
 */
public final class TimeStats {
  private final long[] buf = new long[Kernels.CHUNK];
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;
  private long prev = Long.MIN_VALUE;
  private long descents;
  private long count;

  /** @param column the next rows of the time column (no nulls) */
  public void add(LongColumn column) {
    int n = column.size();
    long lo = min;
    long hi = max;
    long p = prev;
    long d = descents;
    for (int base = 0; base < n; base += Kernels.CHUNK) {
      int len = Math.min(Kernels.CHUNK, n - base);
      column.copyTo(base, buf, 0, len);
      for (int i = 0; i < len; i++) {
        long x = buf[i];
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
        d |= Kernels.lessThan(x, p);
        p = x;
      }
    }
    min = lo;
    max = hi;
    prev = p;
    descents = d;
    count += n;
  }

  /** @return the smallest value, or null when no rows were added */
  public Long min() {
    return count == 0 ? null : min;
  }

  /** @return the largest value, or null when no rows were added */
  public Long max() {
    return count == 0 ? null : max;
  }

  /** @return whether the values were non-decreasing (true for no rows) */
  public boolean sorted() {
    return descents == 0;
  }
}
