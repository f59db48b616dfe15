package org.optstore.format.parquet;

import java.util.Arrays;

/** A growable little-endian byte buffer used to build page bodies. Not thread-safe. */
final class ByteSink {
  byte[] buf;
  int size;

  ByteSink(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  void reset() {
    size = 0;
  }

  void ensure(int extra) {
    int need = size + extra;
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(need, buf.length + (buf.length >> 1)));
    }
  }

  void write(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  void writeIntLE(int v) {
    ensure(4);
    LittleEndian.putInt(buf, size, v);
    size += 4;
  }

  void writeLongLE(long v) {
    ensure(8);
    LittleEndian.putLong(buf, size, v);
    size += 8;
  }

  void writeBytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  void writeUnsignedVarInt(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  void writeZigZagVarLong(long v) {
    writeUnsignedVarInt((v << 1) ^ (v >> 63));
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
