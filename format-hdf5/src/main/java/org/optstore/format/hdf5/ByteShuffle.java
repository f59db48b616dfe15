package org.optstore.format.hdf5;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The byte transposition of HDF5's shuffle filter over primitive arrays: plane {@code b} of a
 * chunk of {@code cr} elements holds byte {@code b} (little-endian) of every element. Eight
 * elements at a time (four for 4-byte types) are moved as one 8x8 (4x4) byte-matrix transpose in
 * registers, read and written as whole words; the transpose is its own inverse, so the same
 * kernels undo it.
 */
final class ByteShuffle {

  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
      ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
      ByteOrder.LITTLE_ENDIAN);

  private static final long LOW32 = 0x00000000FFFFFFFFL;
  private static final long M16 = 0x0000FFFF0000FFFFL;
  private static final long M8 = 0x00FF00FF00FF00FFL;
  private static final int I8 = 0x00FF00FF;

  private ByteShuffle() {}

  /** Planes of the first {@code rows} of {@code v}; positions {@code [rows, cr)} of each plane are 0. */
  static void shuffle(long[] v, int rows, byte[] planes, int cr) {
    int i = 0;
    for (; i + 8 <= rows; i += 8) {
      transposeOut(v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4], v[i + 5], v[i + 6], v[i + 7], planes, i, cr);
    }
    for (; i < rows; i++) {
      long x = v[i];
      for (int b = 0; b < 8; b++) {
        planes[b * cr + i] = (byte) (x >>> (8 * b));
      }
    }
    zeroTails(planes, rows, cr, 8);
  }

  static void shuffle(double[] v, int rows, byte[] planes, int cr) {
    int i = 0;
    for (; i + 8 <= rows; i += 8) {
      transposeOut(bits(v[i]), bits(v[i + 1]), bits(v[i + 2]), bits(v[i + 3]), bits(v[i + 4]), bits(v[i + 5]),
          bits(v[i + 6]), bits(v[i + 7]), planes, i, cr);
    }
    for (; i < rows; i++) {
      long x = bits(v[i]);
      for (int b = 0; b < 8; b++) {
        planes[b * cr + i] = (byte) (x >>> (8 * b));
      }
    }
    zeroTails(planes, rows, cr, 8);
  }

  static void shuffle(int[] v, int rows, byte[] planes, int cr) {
    int i = 0;
    for (; i + 4 <= rows; i += 4) {
      transposeOut(v[i], v[i + 1], v[i + 2], v[i + 3], planes, i, cr);
    }
    for (; i < rows; i++) {
      int x = v[i];
      for (int b = 0; b < 4; b++) {
        planes[b * cr + i] = (byte) (x >>> (8 * b));
      }
    }
    zeroTails(planes, rows, cr, 4);
  }

  static void shuffle(float[] v, int rows, byte[] planes, int cr) {
    int i = 0;
    for (; i + 4 <= rows; i += 4) {
      transposeOut(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(v[i + 1]),
          Float.floatToRawIntBits(v[i + 2]), Float.floatToRawIntBits(v[i + 3]), planes, i, cr);
    }
    for (; i < rows; i++) {
      int x = Float.floatToRawIntBits(v[i]);
      for (int b = 0; b < 4; b++) {
        planes[b * cr + i] = (byte) (x >>> (8 * b));
      }
    }
    zeroTails(planes, rows, cr, 4);
  }

  /** Elements {@code [from, from + n)} of the planes into {@code d[at, at + n)}. */
  static void unshuffle(byte[] planes, int cr, int from, long[] d, int at, int n) {
    int k = 0;
    for (; k + 8 <= n; k += 8) {
      transposeIn(planes, from + k, cr, d, null, at + k);
    }
    for (; k < n; k++) {
      d[at + k] = element8(planes, from + k, cr);
    }
  }

  static void unshuffle(byte[] planes, int cr, int from, double[] d, int at, int n) {
    int k = 0;
    for (; k + 8 <= n; k += 8) {
      transposeIn(planes, from + k, cr, null, d, at + k);
    }
    for (; k < n; k++) {
      d[at + k] = Double.longBitsToDouble(element8(planes, from + k, cr));
    }
  }

  static void unshuffle(byte[] planes, int cr, int from, int[] d, int at, int n) {
    int k = 0;
    for (; k + 4 <= n; k += 4) {
      transposeIn(planes, from + k, cr, d, null, at + k);
    }
    for (; k < n; k++) {
      d[at + k] = element4(planes, from + k, cr);
    }
  }

  static void unshuffle(byte[] planes, int cr, int from, float[] d, int at, int n) {
    int k = 0;
    for (; k + 4 <= n; k += 4) {
      transposeIn(planes, from + k, cr, null, d, at + k);
    }
    for (; k < n; k++) {
      d[at + k] = Float.intBitsToFloat(element4(planes, from + k, cr));
    }
  }

  private static long bits(double d) {
    return Double.doubleToRawLongBits(d);
  }

  private static void zeroTails(byte[] planes, int rows, int cr, int size) {
    if (rows < cr) {
      for (int b = 0; b < size; b++) {
        Arrays.fill(planes, b * cr + rows, b * cr + cr, (byte) 0);
      }
    }
  }

  private static long element8(byte[] p, int i, int cr) {
    long x = 0;
    for (int b = 0; b < 8; b++) {
      x |= (p[b * cr + i] & 0xffL) << (8 * b);
    }
    return x;
  }

  private static int element4(byte[] p, int i, int cr) {
    int x = 0;
    for (int b = 0; b < 4; b++) {
      x |= (p[b * cr + i] & 0xff) << (8 * b);
    }
    return x;
  }

  /** Transposes eight 8-byte words as an 8x8 byte matrix and stores row b at plane b, position i. */
  private static void transposeOut(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7,
      byte[] planes, int i, int cr) {
    // swap the 4x4 blocks
    long b0 = (a0 & LOW32) | (a4 << 32);
    long b4 = (a0 >>> 32) | (a4 & ~LOW32);
    long b1 = (a1 & LOW32) | (a5 << 32);
    long b5 = (a1 >>> 32) | (a5 & ~LOW32);
    long b2 = (a2 & LOW32) | (a6 << 32);
    long b6 = (a2 >>> 32) | (a6 & ~LOW32);
    long b3 = (a3 & LOW32) | (a7 << 32);
    long b7 = (a3 >>> 32) | (a7 & ~LOW32);
    // swap the 2x2 blocks inside them
    long c0 = (b0 & M16) | ((b2 & M16) << 16);
    long c2 = ((b0 >>> 16) & M16) | (b2 & ~M16);
    long c1 = (b1 & M16) | ((b3 & M16) << 16);
    long c3 = ((b1 >>> 16) & M16) | (b3 & ~M16);
    long c4 = (b4 & M16) | ((b6 & M16) << 16);
    long c6 = ((b4 >>> 16) & M16) | (b6 & ~M16);
    long c5 = (b5 & M16) | ((b7 & M16) << 16);
    long c7 = ((b5 >>> 16) & M16) | (b7 & ~M16);
    // swap the bytes inside those
    LONG_LE.set(planes, i, (c0 & M8) | ((c1 & M8) << 8));
    LONG_LE.set(planes, cr + i, ((c0 >>> 8) & M8) | (c1 & ~M8));
    LONG_LE.set(planes, 2 * cr + i, (c2 & M8) | ((c3 & M8) << 8));
    LONG_LE.set(planes, 3 * cr + i, ((c2 >>> 8) & M8) | (c3 & ~M8));
    LONG_LE.set(planes, 4 * cr + i, (c4 & M8) | ((c5 & M8) << 8));
    LONG_LE.set(planes, 5 * cr + i, ((c4 >>> 8) & M8) | (c5 & ~M8));
    LONG_LE.set(planes, 6 * cr + i, (c6 & M8) | ((c7 & M8) << 8));
    LONG_LE.set(planes, 7 * cr + i, ((c6 >>> 8) & M8) | (c7 & ~M8));
  }

  /** Reads eight bytes of each plane at position i, transposes, and stores eight elements. */
  private static void transposeIn(byte[] planes, int i, int cr, long[] longs, double[] doubles, int at) {
    long a0 = (long) LONG_LE.get(planes, i);
    long a1 = (long) LONG_LE.get(planes, cr + i);
    long a2 = (long) LONG_LE.get(planes, 2 * cr + i);
    long a3 = (long) LONG_LE.get(planes, 3 * cr + i);
    long a4 = (long) LONG_LE.get(planes, 4 * cr + i);
    long a5 = (long) LONG_LE.get(planes, 5 * cr + i);
    long a6 = (long) LONG_LE.get(planes, 6 * cr + i);
    long a7 = (long) LONG_LE.get(planes, 7 * cr + i);
    long b0 = (a0 & LOW32) | (a4 << 32);
    long b4 = (a0 >>> 32) | (a4 & ~LOW32);
    long b1 = (a1 & LOW32) | (a5 << 32);
    long b5 = (a1 >>> 32) | (a5 & ~LOW32);
    long b2 = (a2 & LOW32) | (a6 << 32);
    long b6 = (a2 >>> 32) | (a6 & ~LOW32);
    long b3 = (a3 & LOW32) | (a7 << 32);
    long b7 = (a3 >>> 32) | (a7 & ~LOW32);
    long c0 = (b0 & M16) | ((b2 & M16) << 16);
    long c2 = ((b0 >>> 16) & M16) | (b2 & ~M16);
    long c1 = (b1 & M16) | ((b3 & M16) << 16);
    long c3 = ((b1 >>> 16) & M16) | (b3 & ~M16);
    long c4 = (b4 & M16) | ((b6 & M16) << 16);
    long c6 = ((b4 >>> 16) & M16) | (b6 & ~M16);
    long c5 = (b5 & M16) | ((b7 & M16) << 16);
    long c7 = ((b5 >>> 16) & M16) | (b7 & ~M16);
    long e0 = (c0 & M8) | ((c1 & M8) << 8);
    long e1 = ((c0 >>> 8) & M8) | (c1 & ~M8);
    long e2 = (c2 & M8) | ((c3 & M8) << 8);
    long e3 = ((c2 >>> 8) & M8) | (c3 & ~M8);
    long e4 = (c4 & M8) | ((c5 & M8) << 8);
    long e5 = ((c4 >>> 8) & M8) | (c5 & ~M8);
    long e6 = (c6 & M8) | ((c7 & M8) << 8);
    long e7 = ((c6 >>> 8) & M8) | (c7 & ~M8);
    if (longs != null) {
      longs[at] = e0;
      longs[at + 1] = e1;
      longs[at + 2] = e2;
      longs[at + 3] = e3;
      longs[at + 4] = e4;
      longs[at + 5] = e5;
      longs[at + 6] = e6;
      longs[at + 7] = e7;
    } else {
      doubles[at] = Double.longBitsToDouble(e0);
      doubles[at + 1] = Double.longBitsToDouble(e1);
      doubles[at + 2] = Double.longBitsToDouble(e2);
      doubles[at + 3] = Double.longBitsToDouble(e3);
      doubles[at + 4] = Double.longBitsToDouble(e4);
      doubles[at + 5] = Double.longBitsToDouble(e5);
      doubles[at + 6] = Double.longBitsToDouble(e6);
      doubles[at + 7] = Double.longBitsToDouble(e7);
    }
  }

  /** Transposes four 4-byte words as a 4x4 byte matrix and stores row b at plane b, position i. */
  private static void transposeOut(int a0, int a1, int a2, int a3, byte[] planes, int i, int cr) {
    int b0 = (a0 & 0xFFFF) | (a2 << 16);
    int b2 = (a0 >>> 16) | (a2 & 0xFFFF0000);
    int b1 = (a1 & 0xFFFF) | (a3 << 16);
    int b3 = (a1 >>> 16) | (a3 & 0xFFFF0000);
    INT_LE.set(planes, i, (b0 & I8) | ((b1 & I8) << 8));
    INT_LE.set(planes, cr + i, ((b0 >>> 8) & I8) | (b1 & ~I8));
    INT_LE.set(planes, 2 * cr + i, (b2 & I8) | ((b3 & I8) << 8));
    INT_LE.set(planes, 3 * cr + i, ((b2 >>> 8) & I8) | (b3 & ~I8));
  }

  private static void transposeIn(byte[] planes, int i, int cr, int[] ints, float[] floats, int at) {
    int a0 = (int) INT_LE.get(planes, i);
    int a1 = (int) INT_LE.get(planes, cr + i);
    int a2 = (int) INT_LE.get(planes, 2 * cr + i);
    int a3 = (int) INT_LE.get(planes, 3 * cr + i);
    int b0 = (a0 & 0xFFFF) | (a2 << 16);
    int b2 = (a0 >>> 16) | (a2 & 0xFFFF0000);
    int b1 = (a1 & 0xFFFF) | (a3 << 16);
    int b3 = (a1 >>> 16) | (a3 & 0xFFFF0000);
    int e0 = (b0 & I8) | ((b1 & I8) << 8);
    int e1 = ((b0 >>> 8) & I8) | (b1 & ~I8);
    int e2 = (b2 & I8) | ((b3 & I8) << 8);
    int e3 = ((b2 >>> 8) & I8) | (b3 & ~I8);
    if (ints != null) {
      ints[at] = e0;
      ints[at + 1] = e1;
      ints[at + 2] = e2;
      ints[at + 3] = e3;
    } else {
      floats[at] = Float.intBitsToFloat(e0);
      floats[at + 1] = Float.intBitsToFloat(e1);
      floats[at + 2] = Float.intBitsToFloat(e2);
      floats[at + 3] = Float.intBitsToFloat(e3);
    }
  }
}
