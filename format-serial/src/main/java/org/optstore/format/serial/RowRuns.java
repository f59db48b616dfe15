package org.optstore.format.serial;

import java.util.Arrays;

/** Ascending, disjoint row ranges {@code [from, to)}: the rows a read returns. Not thread-safe. */
final class RowRuns {
  private int[] from = new int[8];
  private int[] to = new int[8];
  private int size;
  private long rows;

  /** Appends {@code [a, b)} after every run so far, merging with the last when adjacent. */
  void add(int a, int b) {
    if (a >= b) {
      return;
    }
    if (size > 0 && to[size - 1] == a) {
      to[size - 1] = b;
    } else {
      if (size == from.length) {
        from = Arrays.copyOf(from, size * 2);
        to = Arrays.copyOf(to, size * 2);
      }
      from[size] = a;
      to[size] = b;
      size++;
    }
    rows += b - a;
  }

  int size() {
    return size;
  }

  long rows() {
    return rows;
  }

  int from(int i) {
    return from[i];
  }

  int to(int i) {
    return to[i];
  }

  /** Keeps the first {@code n} rows. */
  void truncate(long n) {
    if (n >= rows) {
      return;
    }
    long left = n;
    int i = 0;
    while (i < size && left > to[i] - from[i]) {
      left -= to[i] - from[i];
      i++;
    }
    if (left == 0) {
      size = i;
    } else {
      to[i] = from[i] + (int) left;
      size = i + 1;
    }
    rows = n;
  }

  /** Removes and returns the first {@code n} rows (all when fewer). */
  RowRuns take(long n) {
    RowRuns out = new RowRuns();
    int i = 0;
    while (i < size && out.rows < n) {
      long want = n - out.rows;
      if (to[i] - from[i] <= want) {
        out.add(from[i], to[i]);
        i++;
      } else {
        int cut = from[i] + (int) want;
        out.add(from[i], cut);
        from[i] = cut;
      }
    }
    System.arraycopy(from, i, from, 0, size - i);
    System.arraycopy(to, i, to, 0, size - i);
    size -= i;
    rows -= out.rows;
    return out;
  }
}
