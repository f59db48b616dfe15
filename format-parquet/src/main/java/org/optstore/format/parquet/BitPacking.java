package org.optstore.format.parquet;

/**
 * LSB-first bit packing as Parquet uses it (RLE/bit-packing hybrid runs and delta miniblocks).
 * Readers must leave 8 bytes of slack after the packed data (page buffers are padded).
 */
final class BitPacking {
  private BitPacking() {}

  /** Packs {@code n} ints of {@code width} bits (0..32) from {@code values[from..]} into {@code sink}. */
  static void packInts(int[] values, int from, int n, int width, ByteSink sink) {
    if (width == 0) {
      return;
    }
    int bytes = (n * width + 7) >>> 3;
    sink.ensure(bytes + 8);
    byte[] out = sink.buf;
    int pos = sink.size;
    long acc = 0;
    int bits = 0;
    for (int i = 0; i < n; i++) {
      acc |= (values[from + i] & 0xFFFFFFFFL) << bits;
      bits += width;
      if (bits >= 32) {
        LittleEndian.putInt(out, pos, (int) acc);
        pos += 4;
        acc >>>= 32;
        bits -= 32;
      }
    }
    while (bits > 0) {
      out[pos++] = (byte) acc;
      acc >>>= 8;
      bits -= 8;
    }
    sink.size += bytes;
  }

  /** Packs {@code n} longs of {@code width} bits (0..64) from {@code values[from..]} into {@code sink}. */
  static void packLongs(long[] values, int from, int n, int width, ByteSink sink) {
    if (width == 0) {
      return;
    }
    long bytes = ((long) n * width + 7) >>> 3;
    sink.ensure((int) bytes + 16);
    byte[] out = sink.buf;
    int pos = sink.size;
    long acc = 0;
    int bits = 0; // bits pending in acc, always < 8 between values
    long mask = width == 64 ? -1L : (1L << width) - 1;
    for (int i = 0; i < n; i++) {
      long v = values[from + i] & mask;
      acc |= v << bits;
      if (bits + width >= 64) {
        LittleEndian.putLong(out, pos, acc);
        pos += 8;
        acc = bits == 0 ? 0 : v >>> (64 - bits);
        bits = bits + width - 64;
      } else {
        bits += width;
      }
      while (bits >= 8) {
        out[pos++] = (byte) acc;
        acc >>>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) {
      out[pos++] = (byte) acc;
    }
    sink.size += (int) bytes;
  }

  /**
   * Unpacks {@code n} values of {@code width} bits (0..32) starting at byte {@code off} into
   * {@code dst[dstOff..]}. {@code src} must have 8 readable bytes after the packed data.
   */
  static void unpackInts(byte[] src, int off, int width, int[] dst, int dstOff, int n) {
    if (width == 0) {
      java.util.Arrays.fill(dst, dstOff, dstOff + n, 0);
      return;
    }
    long mask = (1L << width) - 1;
    int i = 0;
    if (width <= 8) {
      // eight values fill exactly `width` bytes: one load per group
      int p = off;
      int groups = n >>> 3;
      for (int g = 0; g < groups; g++) {
        long word = LittleEndian.getLong(src, p);
        int d = dstOff + (g << 3);
        for (int j = 0; j < 8; j++) {
          dst[d + j] = (int) ((word >>> (j * width)) & mask);
        }
        p += width;
      }
      i = groups << 3;
    }
    long bitPos = ((long) off << 3) + (long) i * width;
    for (; i < n; i++) {
      int byteIdx = (int) (bitPos >>> 3);
      long word = LittleEndian.getLong(src, byteIdx) >>> (bitPos & 7);
      dst[dstOff + i] = (int) (word & mask);
      bitPos += width;
    }
  }

  /** Unpacks {@code n} values of {@code width} bits (0..64); same slack rule as {@link #unpackInts}. */
  static void unpackLongs(byte[] src, int off, int width, long[] dst, int dstOff, int n) {
    if (width == 0) {
      java.util.Arrays.fill(dst, dstOff, dstOff + n, 0L);
      return;
    }
    long bitPos = (long) off << 3;
    if (width <= 56) {
      long mask = (1L << width) - 1;
      for (int i = 0; i < n; i++) {
        int byteIdx = (int) (bitPos >>> 3);
        long word = LittleEndian.getLong(src, byteIdx) >>> (bitPos & 7);
        dst[dstOff + i] = word & mask;
        bitPos += width;
      }
      return;
    }
    long mask = width == 64 ? -1L : (1L << width) - 1;
    for (int i = 0; i < n; i++) {
      int byteIdx = (int) (bitPos >>> 3);
      int shift = (int) (bitPos & 7);
      long word = LittleEndian.getLong(src, byteIdx) >>> shift;
      if (shift != 0) {
        word |= (long) (src[byteIdx + 8] & 0xFF) << (64 - shift);
      }
      dst[dstOff + i] = word & mask;
      bitPos += width;
    }
  }

  /** Number of bits needed to represent {@code maxValue} (0 for 0). */
  static int bitWidth(long maxValue) {
    return 64 - Long.numberOfLeadingZeros(maxValue);
  }
}
