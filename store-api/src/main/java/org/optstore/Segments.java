package org.optstore;

import java.nio.Buffer;
import java.util.Arrays;
import java.util.List;

/**
 * The storage of a fixed-width column: one or more read-only buffers laid end to end. A heap column
 * is one buffer over an array; a memory-mapped column over 2 GiB is several mappings.
 */
final class Segments<B extends Buffer> {
  private final B[] segs; // read-only, position 0, limit = rows in the segment
  private final int[] starts; // starts[k] = first row of segment k; starts[n] = size

  private Segments(B[] segs, int[] starts) {
    this.segs = segs;
    this.starts = starts;
  }

  /**
   * Views each buffer from its position to its limit; the buffers must already be read-only.
   * Empty buffers are dropped (an empty segment would make two segments start at the same row),
   * keeping one when all are empty.
   */
  @SuppressWarnings("unchecked")
  static <B extends Buffer> Segments<B> of(List<B> given, B[] type) {
    List<B> buffers = new java.util.ArrayList<>(given.size());
    for (B b : given) {
      if (b.hasRemaining()) {
        buffers.add(b);
      }
    }
    if (buffers.isEmpty() && !given.isEmpty()) {
      buffers.add(given.get(0));
    }
    B[] segs = Arrays.copyOf(type, buffers.size());
    int[] starts = new int[buffers.size() + 1];
    long total = 0;
    for (int k = 0; k < segs.length; k++) {
      B b = buffers.get(k);
      if (!b.isReadOnly()) {
        throw new IllegalArgumentException("segment buffers must be read-only");
      }
      segs[k] = (B) b.slice();
      starts[k] = (int) total;
      total += segs[k].limit();
      if (total > Integer.MAX_VALUE) {
        throw new InvalidArgumentException("a column holds at most " + Integer.MAX_VALUE
            + " rows; got at least " + total);
      }
    }
    starts[segs.length] = (int) total;
    return new Segments<>(segs, starts);
  }

  int size() {
    return starts[segs.length];
  }

  int count() {
    return segs.length;
  }

  /** The segment buffer itself (shared: callers must use absolute gets only). */
  B raw(int k) {
    return segs[k];
  }

  /** A private view whose position and limit the caller may change. */
  @SuppressWarnings("unchecked")
  B view(int k) {
    return (B) segs[k].duplicate();
  }

  int start(int k) {
    return starts[k];
  }

  /** The segment holding {@code row}, for columns with more than one segment. */
  int segmentOf(int row) {
    if (row < 0 || row >= size()) {
      throw new IndexOutOfBoundsException("row " + row + " out of [0, " + size() + ")");
    }
    int i = Arrays.binarySearch(starts, 0, segs.length, row);
    return i >= 0 ? i : -i - 2;
  }

  @SuppressWarnings("unchecked")
  Segments<B> slice(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + size() + " rows");
    }
    if (from == 0 && to == size()) {
      return this;
    }
    if (from == to) {
      B[] out = Arrays.copyOf(segs, 1);
      out[0] = (B) segs[0].slice(0, 0);
      return new Segments<>(out, new int[] {0, 0});
    }
    int first = segmentOf(from);
    int last = segmentOf(to - 1);
    B[] out = Arrays.copyOf(segs, last - first + 1);
    int[] st = new int[out.length + 1];
    for (int k = first; k <= last; k++) {
      int lo = Math.max(from, starts[k]) - starts[k];
      int hi = Math.min(to, starts[k + 1]) - starts[k];
      out[k - first] = (B) segs[k].slice(lo, hi - lo);
      st[k - first] = Math.max(from, starts[k]) - from;
    }
    st[out.length] = to - from;
    return new Segments<>(out, st);
  }

  boolean isHeap() {
    for (B b : segs) {
      if (b.isDirect()) {
        return false;
      }
    }
    return true;
  }
}
