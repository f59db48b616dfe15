package org.optstore.format.parquet;

import java.util.Arrays;

/** Sorted, disjoint half-open row intervals within one row group. Immutable. */
final class RowRanges {
  final long[] bounds; // start0, end0, start1, end1, ...

  private RowRanges(long[] bounds) {
    this.bounds = bounds;
  }

  static RowRanges of(long from, long to) {
    return from >= to ? new RowRanges(new long[0]) : new RowRanges(new long[] {from, to});
  }

  /** Ranges of the pages flagged in {@code keep} (page i spans firstRow[i] .. firstRow[i+1]). */
  static RowRanges ofPages(boolean[] keep, long[] firstRow, int pages, long rows) {
    long[] b = new long[pages * 2];
    int n = 0;
    for (int i = 0; i < pages; i++) {
      if (!keep[i]) {
        continue;
      }
      long s = firstRow[i];
      long e = i + 1 < pages ? firstRow[i + 1] : rows;
      if (n > 0 && b[n - 1] == s) {
        b[n - 1] = e;
      } else {
        b[n++] = s;
        b[n++] = e;
      }
    }
    return new RowRanges(Arrays.copyOf(b, n));
  }

  int count() {
    return bounds.length / 2;
  }

  boolean isEmpty() {
    return bounds.length == 0;
  }

  long rowCount() {
    long c = 0;
    for (int i = 0; i < bounds.length; i += 2) {
      c += bounds[i + 1] - bounds[i];
    }
    return c;
  }

  RowRanges intersect(RowRanges o) {
    long[] a = bounds;
    long[] b = o.bounds;
    long[] out = new long[a.length + b.length];
    int n = 0;
    int i = 0;
    int j = 0;
    while (i < a.length && j < b.length) {
      long s = Math.max(a[i], b[j]);
      long e = Math.min(a[i + 1], b[j + 1]);
      if (s < e) {
        out[n++] = s;
        out[n++] = e;
      }
      if (a[i + 1] < b[j + 1]) {
        i += 2;
      } else {
        j += 2;
      }
    }
    return new RowRanges(Arrays.copyOf(out, n));
  }

  RowRanges union(RowRanges o) {
    long[] a = bounds;
    long[] b = o.bounds;
    long[] out = new long[a.length + b.length];
    int n = 0;
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      long s;
      long e;
      if (j >= b.length || (i < a.length && a[i] <= b[j])) {
        s = a[i];
        e = a[i + 1];
        i += 2;
      } else {
        s = b[j];
        e = b[j + 1];
        j += 2;
      }
      if (n > 0 && out[n - 1] >= s) {
        out[n - 1] = Math.max(out[n - 1], e);
      } else {
        out[n++] = s;
        out[n++] = e;
      }
    }
    return new RowRanges(Arrays.copyOf(out, n));
  }
}
