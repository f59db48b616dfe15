package org.optstore.core.filter;

import org.optstore.LongColumn;
import org.optstore.TimeRange;

/** Cuts a time range out of a time column: binary search when sorted, a kernel when not. */
final class TimeIndex {
  private TimeIndex() {}

  /** @return the first row in {@code [0, size)} whose value is {@code >= key} (size if none) */
  static int lowerBound(LongColumn sorted, long key) {
    int lo = 0;
    int hi = sorted.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted.get(mid) < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** @return {@code {from, to}}: the rows of a sorted column inside the range */
  static int[] cut(LongColumn sorted, TimeRange range) {
    int from = range.hasFrom() ? lowerBound(sorted, range.fromMicros()) : 0;
    int to = range.hasTo() ? lowerBound(sorted, range.toMicros()) : sorted.size();
    return new int[] {from, Math.max(from, to)};
  }

  /** @return the bitmap of the rows of an unsorted column inside the range */
  static long[] scan(LongColumn column, TimeRange range) {
    int n = column.size();
    long[] out = new long[Kernels.words(n)];
    long[] buf = new long[Math.min(Kernels.CHUNK, Math.max(n, 1))];
    long[] words = new long[Kernels.WORDS];
    for (int base = 0; base < n; base += Kernels.CHUNK) {
      int len = Math.min(Kernels.CHUNK, n - base);
      column.copyTo(base, buf, 0, len);
      Kernels.inRange(buf, len, range.fromMicros(), range.toMicros(), range.hasTo(), words);
      System.arraycopy(words, 0, out, base >>> 6, Kernels.words(len));
    }
    return out;
  }
}
