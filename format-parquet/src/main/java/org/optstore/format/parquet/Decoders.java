package org.optstore.format.parquet;

import java.io.IOException;

/** Value decoders over byte arrays that carry at least 16 bytes of slack after the data. */
final class Decoders {
  private Decoders() {}

  /** Reads an unsigned LEB128 varint at {@code pos[0]}, advancing it. */
  static long varint(byte[] src, int[] pos) throws IOException {
    long v = 0;
    int shift = 0;
    int p = pos[0];
    while (true) {
      if (shift > 63) {
        throw new IOException("varint too long at byte " + p);
      }
      byte b = src[p++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        break;
      }
      shift += 7;
    }
    pos[0] = p;
    return v;
  }

  static long zigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  /**
   * Decodes {@code n} values of the RLE/bit-packing hybrid starting at {@code pos} (no length
   * prefix) into {@code dst[0..n)}; returns the position after the last run read.
   */
  static int hybrid(byte[] src, int pos, int end, int width, int[] dst, int n) throws IOException {
    int[] p = {pos};
    int i = 0;
    int byteWidth = (width + 7) >>> 3;
    while (i < n) {
      if (p[0] >= end) {
        throw new IOException("RLE/bit-packed data ends after " + i + " of " + n + " values");
      }
      long header = varint(src, p);
      if ((header & 1) == 0) {
        long count = header >>> 1;
        int v = 0;
        for (int b = 0; b < byteWidth; b++) {
          v |= (src[p[0] + b] & 0xFF) << (8 * b);
        }
        p[0] += byteWidth;
        int take = (int) Math.min(count, n - i);
        java.util.Arrays.fill(dst, i, i + take, v);
        i += take;
      } else {
        long groups = header >>> 1;
        long bytes = groups * width;
        int take = (int) Math.min(groups * 8, n - i);
        if (p[0] + ((((long) take) * width + 7) >>> 3) > end) {
          throw new IOException("bit-packed run overruns its page");
        }
        BitPacking.unpackInts(src, p[0], width, dst, i, take);
        p[0] += (int) bytes;
        i += take;
      }
    }
    return p[0];
  }

  /** DELTA_BINARY_PACKED into {@code dst[0..n)}; with {@code int32} values wrap in 32 bits. */
  static void deltaLongs(byte[] src, int pos, int end, long[] dst, int n, boolean int32, long[] tmp)
      throws IOException {
    int[] p = {pos};
    int blockSize = (int) varint(src, p);
    int miniblocks = (int) varint(src, p);
    long total = varint(src, p);
    long prev = zigzag(varint(src, p));
    if (blockSize <= 0 || miniblocks <= 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 32 != 0
        || total < n) {
      throw new IOException("bad DELTA_BINARY_PACKED header: block " + blockSize + ", miniblocks "
          + miniblocks + ", values " + total + " (page needs " + n + ")");
    }
    int perMini = blockSize / miniblocks;
    if (n == 0) {
      return;
    }
    dst[0] = int32 ? (int) prev : prev;
    int i = 1;
    while (i < n) {
      long minDelta = zigzag(varint(src, p));
      int widthsAt = p[0];
      p[0] += miniblocks;
      for (int m = 0; m < miniblocks && i < n; m++) {
        int w = src[widthsAt + m] & 0xFF;
        if (w > 64) {
          throw new IOException("bad DELTA_BINARY_PACKED bit width " + w);
        }
        int take = Math.min(perMini, n - i);
        if (p[0] + (long) ((take * w + 7) >>> 3) > end) {
          throw new IOException("DELTA_BINARY_PACKED data overruns its page");
        }
        if (w == 0) {
          for (int j = 0; j < take; j++) {
            prev += minDelta;
            dst[i++] = prev;
          }
        } else {
          BitPacking.unpackLongs(src, p[0], w, tmp, 0, take);
          for (int j = 0; j < take; j++) {
            prev += tmp[j] + minDelta;
            dst[i++] = prev;
          }
        }
        p[0] += perMini * w / 8;
      }
    }
    if (int32) {
      for (int j = 0; j < n; j++) {
        dst[j] = (int) dst[j];
      }
    }
  }
}
