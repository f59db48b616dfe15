package org.optstore.core.filter;

import java.nio.ByteBuffer;
import org.optstore.BoolColumn;
import org.optstore.Op;

/**
 * Comparison kernels over one chunk of primitive values, each writing one bit per value into
 * 64-bit words ({@code out[j >>> 6]} bit {@code j & 63}). Integer comparisons are branch-free
 * (the sign-bit identities of Hacker's Delight 2-12); floating-point ones use Java's IEEE
 * operators, so NaN compares false except under {@code !=}. Callers copy a chunk of a column into
 * a reusable array first (one bulk copy per chunk, whatever backs the column), so the loops run
 * over plain arrays and allocate nothing.
 */
final class Kernels {
  /** Rows per chunk: a multiple of 64 small enough for the L1/L2 cache. */
  static final int CHUNK = 4096;
  /** Bitmap words per chunk. */
  static final int WORDS = CHUNK >>> 6;

  private Kernels() {}

  /** @return 1 when {@code x < y} (signed), else 0, without a branch */
  static long lessThan(long x, long y) {
    long d = x - y;
    return (d ^ ((x ^ y) & (d ^ x))) >>> 63;
  }

  /** @return the bits of word {@code w} of a chunk of {@code len} values that are rows */
  static long validMask(int len, int w) {
    int rem = len - (w << 6);
    return rem >= 64 ? -1L : (1L << rem) - 1;
  }

  static int words(int len) {
    return (len + 63) >>> 6;
  }

  // ---- long values (INT64, TIMESTAMP) ----

  /** Writes the bits of {@code v op c}. */
  static void compare(long[] v, int len, Op op, long c, long[] out) {
    switch (op) {
      case LT -> lessThan(v, len, c, out, 0L);
      case GE -> lessThan(v, len, c, out, 1L);
      case GT -> greaterThan(v, len, c, out, 0L);
      case LE -> greaterThan(v, len, c, out, 1L);
      case EQ -> equal(v, len, c, out, 1L);
      case NE -> equal(v, len, c, out, 0L);
      default -> throw new AssertionError(op);
    }
  }

  private static void lessThan(long[] v, int len, long c, long[] out, long flip) {
    for (int w = 0, words = words(len); w < words; w++) {
      int from = w << 6;
      int n = Math.min(64, len - from);
      long acc = 0;
      for (int j = 0; j < n; j++) {
        long x = v[from + j];
        long d = x - c;
        acc |= (((d ^ ((x ^ c) & (d ^ x))) >>> 63) ^ flip) << j;
      }
      out[w] = acc;
    }
  }

  private static void greaterThan(long[] v, int len, long c, long[] out, long flip) {
    for (int w = 0, words = words(len); w < words; w++) {
      int from = w << 6;
      int n = Math.min(64, len - from);
      long acc = 0;
      for (int j = 0; j < n; j++) {
        long x = v[from + j];
        long d = c - x;
        acc |= (((d ^ ((c ^ x) & (d ^ c))) >>> 63) ^ flip) << j;
      }
      out[w] = acc;
    }
  }

  private static void equal(long[] v, int len, long c, long[] out, long eq) {
    for (int w = 0, words = words(len); w < words; w++) {
      int from = w << 6;
      int n = Math.min(64, len - from);
      long acc = 0;
      for (int j = 0; j < n; j++) {
        long z = v[from + j] ^ c;
        acc |= (((z | -z) >>> 63) ^ eq) << j;
      }
      out[w] = acc;
    }
  }

  /** Writes the bits of {@code from <= v < to} ({@code to} ignored when {@code hasTo} is false). */
  static void inRange(long[] v, int len, long from, long to, boolean hasTo, long[] out) {
    long noTo = hasTo ? 0L : 1L;
    for (int w = 0, words = words(len); w < words; w++) {
      int base = w << 6;
      int n = Math.min(64, len - base);
      long acc = 0;
      for (int j = 0; j < n; j++) {
        long x = v[base + j];
        long d1 = x - from;
        long below = (d1 ^ ((x ^ from) & (d1 ^ x))) >>> 63;
        long d2 = x - to;
        long beforeEnd = (d2 ^ ((x ^ to) & (d2 ^ x))) >>> 63;
        acc |= ((below ^ 1L) & (beforeEnd | noTo)) << j;
      }
      out[w] = acc;
    }
  }

  // ---- int values (INT32) ----

  /** Writes the bits of {@code v op c}, the ints widened to long. */
  static void compare(int[] v, int len, Op op, long c, long[] out) {
    switch (op) {
      case LT -> lessThan(v, len, c, out, 0L);
      case GE -> lessThan(v, len, c, out, 1L);
      case GT -> greaterThan(v, len, c, out, 0L);
      case LE -> greaterThan(v, len, c, out, 1L);
      case EQ -> equal(v, len, c, out, 1L);
      case NE -> equal(v, len, c, out, 0L);
      default -> throw new AssertionError(op);
    }
  }

  private static void lessThan(int[] v, int len, long c, long[] out, long flip) {
    for (int w = 0, words = words(len); w < words; w++) {
      int from = w << 6;
      int n = Math.min(64, len - from);
      long acc = 0;
      for (int j = 0; j < n; j++) {
        long x = v[from + j];
        long d = x - c;
        acc |= (((d ^ ((x ^ c) & (d ^ x))) >>> 63) ^ flip) << j;
      }
      out[w] = acc;
    }
  }

  private static void greaterThan(int[] v, int len, long c, long[] out, long flip) {
    for (int w = 0, words = words(len); w < words; w++) {
      int from = w << 6;
      int n = Math.min(64, len - from);
      long acc = 0;
      for (int j = 0; j < n; j++) {
        long x = v[from + j];
        long d = c - x;
        acc |= (((d ^ ((c ^ x) & (d ^ c))) >>> 63) ^ flip) << j;
      }
      out[w] = acc;
    }
  }

  private static void equal(int[] v, int len, long c, long[] out, long eq) {
    for (int w = 0, words = words(len); w < words; w++) {
      int from = w << 6;
      int n = Math.min(64, len - from);
      long acc = 0;
      for (int j = 0; j < n; j++) {
        long z = v[from + j] ^ c;
        acc |= (((z | -z) >>> 63) ^ eq) << j;
      }
      out[w] = acc;
    }
  }

  // ---- double values (FLOAT64) ----

  /** Writes the bits of {@code v op c} under IEEE 754. */
  static void compare(double[] v, int len, Op op, double c, long[] out) {
    for (int w = 0, words = words(len); w < words; w++) {
      int from = w << 6;
      int n = Math.min(64, len - from);
      long acc = 0;
      switch (op) {
        case LT -> {
          for (int j = 0; j < n; j++) {
            acc |= (v[from + j] < c ? 1L : 0L) << j;
          }
        }
        case LE -> {
          for (int j = 0; j < n; j++) {
            acc |= (v[from + j] <= c ? 1L : 0L) << j;
          }
        }
        case GT -> {
          for (int j = 0; j < n; j++) {
            acc |= (v[from + j] > c ? 1L : 0L) << j;
          }
        }
        case GE -> {
          for (int j = 0; j < n; j++) {
            acc |= (v[from + j] >= c ? 1L : 0L) << j;
          }
        }
        case EQ -> {
          for (int j = 0; j < n; j++) {
            acc |= (v[from + j] == c ? 1L : 0L) << j;
          }
        }
        case NE -> {
          for (int j = 0; j < n; j++) {
            acc |= (v[from + j] != c ? 1L : 0L) << j;
          }
        }
        default -> throw new AssertionError(op);
      }
      out[w] = acc;
    }
  }

  // ---- float values (FLOAT32), widened to double as BoundPredicate says ----

  /** Writes the bits of {@code (double) v op c} under IEEE 754. */
  static void compare(float[] v, int len, Op op, double c, long[] out) {
    for (int w = 0, words = words(len); w < words; w++) {
      int from = w << 6;
      int n = Math.min(64, len - from);
      long acc = 0;
      switch (op) {
        case LT -> {
          for (int j = 0; j < n; j++) {
            acc |= ((double) v[from + j] < c ? 1L : 0L) << j;
          }
        }
        case LE -> {
          for (int j = 0; j < n; j++) {
            acc |= ((double) v[from + j] <= c ? 1L : 0L) << j;
          }
        }
        case GT -> {
          for (int j = 0; j < n; j++) {
            acc |= ((double) v[from + j] > c ? 1L : 0L) << j;
          }
        }
        case GE -> {
          for (int j = 0; j < n; j++) {
            acc |= ((double) v[from + j] >= c ? 1L : 0L) << j;
          }
        }
        case EQ -> {
          for (int j = 0; j < n; j++) {
            acc |= ((double) v[from + j] == c ? 1L : 0L) << j;
          }
        }
        case NE -> {
          for (int j = 0; j < n; j++) {
            acc |= ((double) v[from + j] != c ? 1L : 0L) << j;
          }
        }
        default -> throw new AssertionError(op);
      }
      out[w] = acc;
    }
  }

  // ---- dictionary codes (STRING) ----

  /**
   * Writes {@code match[code & mask]} for each code: the predicate evaluated once per dictionary
   * entry, then looked up per row. Masking keeps the unspecified codes of null rows in bounds.
   */
  static void lookup(int[] codes, int len, byte[] match, int mask, long[] out) {
    for (int w = 0, words = words(len); w < words; w++) {
      int from = w << 6;
      int n = Math.min(64, len - from);
      long acc = 0;
      for (int j = 0; j < n; j++) {
        acc |= ((long) match[codes[from + j] & mask]) << j;
      }
      out[w] = acc;
    }
  }

  // ---- bytes (BOOL) ----

  /** Writes {@code (b != 0) ^ flip} for each byte. */
  static void nonZero(byte[] v, int len, long flip, long[] out) {
    for (int w = 0, words = words(len); w < words; w++) {
      int from = w << 6;
      int n = Math.min(64, len - from);
      long acc = 0;
      for (int j = 0; j < n; j++) {
        int b = v[from + j];
        acc |= ((((b | -b) >>> 31) & 1L) ^ flip) << j;
      }
      out[w] = acc;
    }
  }

  /**
   * Copies rows {@code [from, from + len)} of a BOOL column into {@code dst}, segment by segment.
   */
  static void copyBools(BoolColumn col, int from, byte[] dst, int len) {
    int k = segmentOf(col, from);
    int done = 0;
    while (done < len) {
      ByteBuffer seg = col.segment(k);
      int off = from + done - col.segmentStart(k);
      int n = Math.min(len - done, seg.limit() - off);
      seg.get(off, dst, done, n);
      done += n;
      k++;
    }
  }

  private static int segmentOf(BoolColumn col, int row) {
    int lo = 0;
    int hi = col.segmentCount() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (col.segmentStart(mid) <= row) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    // skip empty segments that start at the same row
    while (lo < col.segmentCount() - 1 && col.segmentStart(lo + 1) <= row) {
      lo++;
    }
    return lo;
  }
}
