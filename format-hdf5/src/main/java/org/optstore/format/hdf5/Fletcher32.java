package org.optstore.format.hdf5;

/**
 * HDF5's Fletcher-32 checksum ({@code H5_checksum_fletcher32}): sums of big-endian 16-bit words
 * starting from zero, folded every 360 words, an odd last byte taken as the high byte of a word.
 * The Fletcher-32 filter appends it little-endian after the filtered chunk bytes.
 */
final class Fletcher32 {

  private Fletcher32() {}

  /** The checksum a filtered chunk {@code chunk[0, length)} ends with (little-endian). */
  static int stored(byte[] chunk, int length) {
    return (chunk[length - 4] & 0xff) | (chunk[length - 3] & 0xff) << 8 | (chunk[length - 2] & 0xff) << 16
        | (chunk[length - 1] & 0xff) << 24;
  }

  /** The checksum of {@code data[from, from + length)}. */
  static int of(byte[] data, int from, int length) {
    int words = length >>> 1;
    int p = from;
    int sum1 = 0;
    int sum2 = 0;
    while (words > 0) {
      int block = Math.min(words, 360);
      words -= block;
      for (int end = p + 2 * block; p < end; p += 2) {
        sum1 += ((data[p] & 0xff) << 8) | (data[p + 1] & 0xff);
        sum2 += sum1;
      }
      sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
      sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
    }
    if ((length & 1) != 0) {
      sum1 += (data[p] & 0xff) << 8;
      sum2 += sum1;
      sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
      sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
    return (sum2 << 16) | sum1;
  }
}
