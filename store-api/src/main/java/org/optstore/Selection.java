package org.optstore;

import java.util.Arrays;

/**
 * A subset of the rows {@code [0, size)} of a frame: the output of filters, the input of {@link
 * Frame#select(Selection)}. Immutable and thread-safe.
 *
 * <p>Held in the cheapest form that fits: a contiguous range (what a binary search on a sorted
 * time column yields, and what {@link Frame#select} turns into a zero-copy slice), ascending
 * positions, or a bitmap (bit {@code r % 64} of word {@code r / 64} set when row {@code r} is
 * selected).
 */
public final class Selection {
  private final int size;
  private final int from; // range form
  private final int to;
  private final int[] positions; // positions form, exactly count long
  private final long[] bits; // bitmap form
  private final int count;

  private Selection(int size, int from, int to, int[] positions, long[] bits, int count) {
    this.size = size;
    this.from = from;
    this.to = to;
    this.positions = positions;
    this.bits = bits;
    this.count = count;
  }

  /**
   * @param size the number of rows
   * @return all rows
   */
  public static Selection all(int size) {
    return range(size, 0, size);
  }

  /**
   * @param size the number of rows
   * @return no rows
   */
  public static Selection none(int size) {
    return range(size, 0, 0);
  }

  /**
   * @param size the number of rows
   * @param from first selected row, inclusive
   * @param to last selected row, exclusive
   * @return the rows {@code [from, to)}
   */
  public static Selection range(int size, int from, int to) {
    if (size < 0 || from < 0 || to > size || from > to) {
      throw new InvalidArgumentException(
          "selection range [" + from + ", " + to + ") is not within [0, " + size + ")");
    }
    return new Selection(size, from, to, null, null, to - from);
  }

  /**
   * @param size the number of rows
   * @param positions strictly ascending row positions in {@code [0, size)}; the first {@code count}
   *     are used and copied
   * @param count how many positions to use
   * @return the selection
   */
  public static Selection ofPositions(int size, int[] positions, int count) {
    if (count < 0 || count > positions.length) {
      throw new InvalidArgumentException(
          "count " + count + " is outside [0, " + positions.length + "] positions");
    }
    int prev = -1;
    for (int i = 0; i < count; i++) {
      int p = positions[i];
      if (p <= prev || p >= size) {
        throw new InvalidArgumentException("position " + p + " at index " + i
            + " is not strictly ascending within [0, " + size + ")");
      }
      prev = p;
    }
    return new Selection(size, 0, 0, Arrays.copyOf(positions, count), null, count);
  }

  /**
   * @param size the number of rows
   * @param words the bitmap ({@code ceil(size / 64)} words or more; bits past {@code size}
   *     ignored); copied
   * @return the selection
   */
  public static Selection ofBitmap(int size, long[] words) {
    int n = NullMask.wordCount(size);
    if (words.length < n) {
      throw new InvalidArgumentException(
          "bitmap of " + words.length + " words is too short for " + size + " rows");
    }
    return wrapBitmap(size, Arrays.copyOf(words, n));
  }

  /** Takes ownership of {@code w}. */
  static Selection wrapBitmap(int size, long[] w) {
    int tail = size & 63;
    if (tail != 0 && w.length > 0) {
      w[w.length - 1] &= (1L << tail) - 1;
    }
    int c = 0;
    for (long x : w) {
      c += Long.bitCount(x);
    }
    if (c == size) {
      return all(size);
    }
    return new Selection(size, 0, 0, null, w, c);
  }

  /** @return the number of rows the selection chooses from */
  public int size() {
    return size;
  }

  /** @return the number of selected rows */
  public int count() {
    return count;
  }

  /** @return whether every row is selected */
  public boolean isAll() {
    return count == size;
  }

  /** @return whether the selection is one contiguous range (see {@link #rangeFrom()}) */
  public boolean isRange() {
    return positions == null && bits == null;
  }

  /** @return the first row of a range selection */
  public int rangeFrom() {
    requireRange();
    return from;
  }

  /** @return the end (exclusive) of a range selection */
  public int rangeTo() {
    requireRange();
    return to;
  }

  private void requireRange() {
    if (!isRange()) {
      throw new InvalidArgumentException(this + " is not a range; check isRange() first or use "
          + "toPositions()");
    }
  }

  /**
   * @param row a row in {@code [0, size)}
   * @return whether it is selected
   */
  public boolean contains(int row) {
    if (row < 0 || row >= size) {
      return false;
    }
    if (bits != null) {
      return (bits[row >>> 6] & (1L << row)) != 0;
    }
    if (positions != null) {
      return Arrays.binarySearch(positions, row) >= 0;
    }
    return row >= from && row < to;
  }

  /** @return the selected rows, ascending, as a new array of {@link #count()} elements */
  public int[] toPositions() {
    if (positions != null) {
      return positions.clone();
    }
    int[] out = new int[count];
    if (bits != null) {
      int k = 0;
      for (int w = 0; w < bits.length; w++) {
        long x = bits[w];
        while (x != 0) {
          out[k++] = (w << 6) + Long.numberOfTrailingZeros(x);
          x &= x - 1;
        }
      }
    } else {
      for (int i = 0; i < count; i++) {
        out[i] = from + i;
      }
    }
    return out;
  }

  /** @return the selection as a bitmap ({@code ceil(size / 64)} words, bit set = selected) */
  public long[] toBitmap() {
    if (bits != null) {
      return bits.clone();
    }
    long[] w = new long[NullMask.wordCount(size)];
    if (positions != null) {
      for (int p : positions) {
        w[p >>> 6] |= 1L << p;
      }
    } else {
      for (int r = from; r < to; r++) {
        w[r >>> 6] |= 1L << r;
      }
    }
    return w;
  }

  /**
   * @param other a selection over the same rows
   * @return the rows selected by both
   */
  public Selection and(Selection other) {
    if (other.size != size) {
      throw new InvalidArgumentException(
          "cannot intersect selections over " + size + " and " + other.size + " rows");
    }
    if (isRange() && other.isRange()) {
      int f = Math.max(from, other.from);
      int t = Math.max(f, Math.min(to, other.to));
      return range(size, f, t);
    }
    long[] a = toBitmap();
    long[] b = other.bits != null ? other.bits : other.toBitmap();
    for (int i = 0; i < a.length; i++) {
      a[i] &= b[i];
    }
    return wrapBitmap(size, a);
  }

  /**
   * @param n the most rows to keep
   * @return the first {@code n} selected rows
   */
  public Selection limit(int n) {
    if (n < 0) {
      throw new InvalidArgumentException("limit must not be negative, got " + n);
    }
    if (n >= count) {
      return this;
    }
    if (isRange()) {
      return range(size, from, from + n);
    }
    int[] p = toPositions();
    return new Selection(size, 0, 0, Arrays.copyOf(p, n), null, n);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Selection s && s.size == size && s.count == count
        && Arrays.equals(toBitmap(), s.toBitmap());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBitmap()) * 31 + size;
  }

  @Override
  public String toString() {
    return isRange()
        ? "Selection[" + from + ", " + to + ") of " + size
        : "Selection[" + count + " of " + size + "]";
  }
}
