package org.optstore.format.parquet;

/** The value encoders the writer uses: DELTA_BINARY_PACKED, RLE/bit-packing hybrid and PLAIN. */
final class Encoders {
  private static final int BLOCK = 128;
  private static final int MINIBLOCKS = 4;
  private static final int MINI = BLOCK / MINIBLOCKS;

  private Encoders() {}

  /**
   * DELTA_BINARY_PACKED of {@code n} values taken from {@code values} at the given positions
   * ({@code positions == null}: the contiguous range starting at {@code from}). With
   * {@code int32} the deltas wrap in 32 bits, as readers of INT32 columns compute them.
   */
  static void deltaBinaryPacked(long[] values, int from, int n, boolean int32, ByteSink out, long[] scratch) {
    deltaBinaryPacked(values, from, n, int32, out, scratch, null);
  }

  /** As above; when {@code minMax} is given, it receives the values' minimum and maximum. */
  static void deltaBinaryPacked(long[] values, int from, int n, boolean int32, ByteSink out, long[] scratch,
      long[] minMax) {
    long lo = n == 0 ? Long.MAX_VALUE : values[from];
    long hi = n == 0 ? Long.MIN_VALUE : values[from];
    out.writeUnsignedVarInt(BLOCK);
    out.writeUnsignedVarInt(MINIBLOCKS);
    out.writeUnsignedVarInt(n);
    out.writeZigZagVarLong(n == 0 ? 0 : values[from]);
    long[] deltas = scratch;
    int done = 1;
    long prev = n == 0 ? 0 : values[from];
    while (done < n) {
      int count = Math.min(BLOCK, n - done);
      long minDelta = Long.MAX_VALUE;
      for (int i = 0; i < count; i++) {
        long v = values[from + done + i];
        long d = int32 ? (long) ((int) v - (int) prev) : v - prev;
        deltas[i] = d;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        if (d < minDelta) {
          minDelta = d;
        }
        prev = v;
      }
      for (int i = count; i < BLOCK; i++) {
        deltas[i] = minDelta;
      }
      out.writeZigZagVarLong(minDelta);
      int widthPos = out.size;
      out.ensure(MINIBLOCKS);
      out.size += MINIBLOCKS;
      int miniblocksUsed = (count + MINI - 1) / MINI;
      for (int m = 0; m < MINIBLOCKS; m++) {
        if (m >= miniblocksUsed) {
          out.buf[widthPos + m] = 0;
          continue;
        }
        long or = 0;
        int base = m * MINI;
        for (int i = 0; i < MINI; i++) {
          long r = deltas[base + i] - minDelta;
          if (int32) {
            r &= 0xFFFFFFFFL;
          }
          deltas[base + i] = r;
          or |= r;
        }
        int width = BitPacking.bitWidth(or);
        out.buf[widthPos + m] = (byte) width;
        BitPacking.packLongs(deltas, base, MINI, width, out);
      }
      done += count;
    }
    if (minMax != null) {
      minMax[0] = lo;
      minMax[1] = hi;
    }
  }

  /**
   * RLE/bit-packing hybrid of {@code values[from..from+n)} with the given bit width, without a
   * length prefix. Runs of 8 or more equal values become RLE runs, the rest bit-packed groups.
   */
  static void rleHybrid(int[] values, int from, int n, int width, ByteSink out) {
    int end = from + n;
    int i = from;
    int packedStart = -1;
    int byteWidth = (width + 7) >>> 3;
    while (i < end) {
      int v = values[i];
      int j = i + 1;
      while (j < end && values[j] == v) {
        j++;
      }
      if (j - i >= 8) {
        if (packedStart >= 0) {
          flushPacked(values, packedStart, i - packedStart, end, width, out);
          packedStart = -1;
        }
        out.writeUnsignedVarInt(((long) (j - i)) << 1);
        for (int b = 0; b < byteWidth; b++) {
          out.write(v >>> (8 * b));
        }
        i = j;
      } else {
        if (packedStart < 0) {
          packedStart = i;
        }
        i = Math.min(i + 8, end);
        if (i == end) {
          break;
        }
      }
    }
    if (packedStart >= 0) {
      flushPacked(values, packedStart, end - packedStart, end, width, out);
    }
  }

  private static void flushPacked(int[] values, int start, int count, int end, int width, ByteSink out) {
    int groups = (count + 7) >>> 3;
    out.writeUnsignedVarInt(((long) groups << 1) | 1);
    int real = Math.min(count, end - start);
    int before = out.size;
    BitPacking.packInts(values, start, real, width, out);
    int want = groups * width;
    int have = out.size - before;
    out.ensure(want - have);
    for (int k = have; k < want; k++) {
      out.buf[out.size++] = 0;
    }
  }

  /** Definition levels (1 = value present, 0 = null) of a flat optional column, RLE/bit-packed, width 1. */
  static void definitionLevels(boolean[] isNull, int from, int n, ByteSink out, int[] scratch) {
    if (isNull == null) {
      writeAllPresent(n, out);
      return;
    }
    for (int i = 0; i < n; i++) {
      scratch[i] = isNull[from + i] ? 0 : 1;
    }
    rleHybrid(scratch, 0, n, 1, out);
  }

  static void writeAllPresent(int n, ByteSink out) {
    if (n == 0) {
      return;
    }
    out.writeUnsignedVarInt(((long) n) << 1);
    out.write(1);
  }
}
