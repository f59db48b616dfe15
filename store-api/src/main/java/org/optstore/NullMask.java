package org.optstore;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Which rows of a column are null. Immutable and thread-safe.
 *
 * <p>Held as a bitmap of 64-bit words: bit {@code r % 64} of word {@code r / 64} is set when row
 * {@code r} is null. A mask without nulls holds no bitmap at all.
 */
public final class NullMask {
  private static final NullMask EMPTY = new NullMask(0, null, 0);

  private final int size;
  private final long[] words; // null when there are no nulls
  private final int nullCount;

  private NullMask(int size, long[] words, int nullCount) {
    this.size = size;
    this.words = words;
    this.nullCount = nullCount;
  }

  /**
   * @param size the number of rows
   * @return a mask in which no row is null
   */
  public static NullMask none(int size) {
    if (size < 0) {
      throw new InvalidArgumentException("row count must not be negative, got " + size);
    }
    return size == 0 ? EMPTY : new NullMask(size, null, 0);
  }

  /**
   * @param isNull one flag per row, true where the row is null
   * @return the mask (the array is copied)
   */
  public static NullMask of(boolean[] isNull) {
    long[] w = new long[wordCount(isNull.length)];
    for (int i = 0; i < isNull.length; i++) {
      if (isNull[i]) {
        w[i >>> 6] |= 1L << i;
      }
    }
    return ofWords(w, isNull.length);
  }

  /**
   * @param words a bitmap, bit set = null; the array is copied, bits past {@code size} ignored
   * @param size the number of rows
   * @return the mask
   */
  public static NullMask fromWords(long[] words, int size) {
    if (words.length < wordCount(size)) {
      throw new InvalidArgumentException("null bitmap of " + words.length + " words is too short for "
          + size + " rows (needs " + wordCount(size) + ")");
    }
    return ofWords(Arrays.copyOf(words, wordCount(size)), size);
  }

  /**
   * Reads a bitmap of {@code ceil(size / 8)} bytes from {@code bytes}' position (its position is
   * not changed): bit {@code r % 8} of byte {@code r / 8} is set when row {@code r} is null.
   *
   * @param bytes the bitmap
   * @param size the number of rows
   * @return the mask (the bytes are copied)
   */
  public static NullMask fromBitmap(ByteBuffer bytes, int size) {
    int nbytes = (int) ((size + 7L) >>> 3);
    if (bytes.remaining() < nbytes) {
      throw new InvalidArgumentException("null bitmap of " + bytes.remaining()
          + " bytes is too short for " + size + " rows (needs " + nbytes + ")");
    }
    long[] w = new long[wordCount(size)];
    int p = bytes.position();
    for (int i = 0; i < nbytes; i++) {
      w[i >>> 3] |= (bytes.get(p + i) & 0xFFL) << ((i & 7) << 3);
    }
    return ofWords(w, size);
  }

  /** Takes ownership of {@code w}; clears bits past size and counts. */
  static NullMask ofWords(long[] w, int size) {
    int tail = size & 63;
    if (tail != 0) {
      w[w.length - 1] &= (1L << tail) - 1;
    }
    int count = 0;
    for (long x : w) {
      count += Long.bitCount(x);
    }
    return count == 0 ? none(size) : new NullMask(size, w, count);
  }

  static int wordCount(int size) {
    return (int) ((size + 63L) >>> 6);
  }

  /** @return the number of rows the mask covers */
  public int size() {
    return size;
  }

  /** @return the number of null rows */
  public int nullCount() {
    return nullCount;
  }

  /** @return whether any row is null */
  public boolean hasNulls() {
    return nullCount != 0;
  }

  /**
   * @param row a row index in {@code [0, size)}
   * @return whether that row is null
   */
  public boolean isNull(int row) {
    if (row < 0 || row >= size) {
      throw new IndexOutOfBoundsException("row " + row + " out of [0, " + size + ")");
    }
    return words != null && (words[row >>> 6] & (1L << row)) != 0;
  }

  /**
   * The 64 null flags of rows {@code [64 * w, 64 * w + 64)}, for kernels that work a word at a time.
   *
   * @param w a word index in {@code [0, ceil(size / 64))}
   * @return the word; bit set = null; 0 when the mask has no nulls
   */
  public long word(int w) {
    return words == null ? 0L : words[w];
  }

  /** @return a copy of the bitmap ({@code ceil(size / 64)} words, bit set = null) */
  public long[] toWords() {
    return words == null ? new long[wordCount(size)] : words.clone();
  }

  /**
   * @param from first row, inclusive
   * @param to last row, exclusive
   * @return the mask of rows {@code [from, to)}
   */
  public NullMask slice(int from, int to) {
    if (from < 0 || to > size || from > to) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + size + " rows");
    }
    if (words == null) {
      return none(to - from);
    }
    if (from == 0 && to == size) {
      return this;
    }
    int n = to - from;
    long[] w = new long[wordCount(n)];
    int shift = from & 63;
    int src = from >>> 6;
    for (int i = 0; i < w.length; i++) {
      long lo = words[src + i] >>> shift;
      long hi = shift == 0 || src + i + 1 >= words.length ? 0L : words[src + i + 1] << (64 - shift);
      w[i] = lo | hi;
    }
    return ofWords(w, n);
  }

  /**
   * @param positions ascending row positions
   * @param count how many of {@code positions} to use
   * @return the mask of those rows, in that order
   */
  NullMask gather(int[] positions, int count) {
    if (words == null) {
      return none(count);
    }
    long[] w = new long[wordCount(count)];
    for (int i = 0; i < count; i++) {
      int r = positions[i];
      w[i >>> 6] |= ((words[r >>> 6] >>> r) & 1L) << i;
    }
    return ofWords(w, count);
  }

  static NullMask concat(NullMask[] masks) {
    long total = 0;
    boolean any = false;
    for (NullMask m : masks) {
      total += m.size;
      any |= m.hasNulls();
    }
    if (total > Integer.MAX_VALUE) {
      throw new InvalidArgumentException("concatenation of " + total + " rows exceeds the limit of "
          + Integer.MAX_VALUE + " rows per frame; read in batches with scan()");
    }
    if (!any) {
      return none((int) total);
    }
    long[] w = new long[wordCount((int) total)];
    int base = 0;
    for (NullMask m : masks) {
      if (m.words != null) {
        for (int r = 0; r < m.size; r++) {
          if ((m.words[r >>> 6] & (1L << r)) != 0) {
            int o = base + r;
            w[o >>> 6] |= 1L << o;
          }
        }
      }
      base += m.size;
    }
    return ofWords(w, (int) total);
  }

  long sizeInBytes() {
    return 24 + (words == null ? 0 : 16 + 8L * words.length);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NullMask m) || m.size != size || m.nullCount != nullCount) {
      return false;
    }
    return nullCount == 0 || Arrays.equals(words, m.words);
  }

  @Override
  public int hashCode() {
    return size * 31 + (words == null ? 0 : Arrays.hashCode(words));
  }

  @Override
  public String toString() {
    return "NullMask[" + nullCount + " of " + size + " null]";
  }
}
