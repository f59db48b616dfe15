package org.optstore.format.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian access to byte arrays through var handles (intrinsified by the JIT). */
final class LittleEndian {
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle DOUBLE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private LittleEndian() {}

  static long getLong(byte[] b, int off) {
    return (long) LONG.get(b, off);
  }

  static void putLong(byte[] b, int off, long v) {
    LONG.set(b, off, v);
  }

  static int getInt(byte[] b, int off) {
    return (int) INT.get(b, off);
  }

  static void putInt(byte[] b, int off, int v) {
    INT.set(b, off, v);
  }

  static double getDouble(byte[] b, int off) {
    return (double) DOUBLE.get(b, off);
  }

  static void putDouble(byte[] b, int off, double v) {
    DOUBLE.set(b, off, v);
  }

  static float getFloat(byte[] b, int off) {
    return (float) FLOAT.get(b, off);
  }

  static void putFloat(byte[] b, int off, float v) {
    FLOAT.set(b, off, v);
  }
}
