package org.optstore.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The packers and unpackers against each other and against a bit-by-bit reference, every width. */
class BitPackingTest {
  @Test
  void intsRoundTripAtEveryWidthAndLength() {
    Random rnd = new Random(5);
    for (int width = 0; width <= 32; width++) {
      for (int n : new int[] {0, 1, 7, 8, 9, 31, 64, 1000}) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = width == 0 ? 0 : (int) (rnd.nextLong() & ((1L << width) - 1));
        }
        ByteSink sink = new ByteSink(16);
        BitPacking.packInts(v, 0, n, width, sink);
        assertThat(sink.size).isEqualTo((n * width + 7) / 8);
        byte[] padded = java.util.Arrays.copyOf(sink.buf, sink.size + 16);
        for (int i = 0; i < n; i++) {
          assertThat(referenceBits(padded, i * (long) width, width)).as("width %d value %d", width, i)
              .isEqualTo(v[i] & 0xFFFFFFFFL);
        }
        int[] back = new int[n];
        BitPacking.unpackInts(padded, 0, width, back, 0, n);
        assertThat(back).as("width %d n %d", width, n).isEqualTo(v);
      }
    }
  }

  @Test
  void longsRoundTripAtEveryWidth() {
    Random rnd = new Random(6);
    for (int width = 0; width <= 64; width++) {
      int n = 77;
      long[] v = new long[n];
      for (int i = 0; i < n; i++) {
        v[i] = width == 0 ? 0 : width == 64 ? rnd.nextLong() : rnd.nextLong() & ((1L << width) - 1);
      }
      ByteSink sink = new ByteSink(16);
      BitPacking.packLongs(v, 0, n, width, sink);
      byte[] padded = java.util.Arrays.copyOf(sink.buf, sink.size + 16);
      long[] back = new long[n];
      BitPacking.unpackLongs(padded, 0, width, back, 0, n);
      assertThat(back).as("width %d", width).isEqualTo(v);
    }
  }

  @Test
  void deltaEncodingRoundTripsExtremesInBothWidths() throws Exception {
    Random rnd = new Random(7);
    long[] v = new long[1000];
    for (int i = 0; i < v.length; i++) {
      v[i] = i % 50 == 0 ? (i % 100 == 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : rnd.nextLong() >> rnd.nextInt(64);
    }
    ByteSink sink = new ByteSink(16);
    long[] minMax = new long[2];
    Encoders.deltaBinaryPacked(v, 0, v.length, false, sink, new long[128], minMax);
    assertThat(minMax).containsExactly(Long.MIN_VALUE, Long.MAX_VALUE);
    byte[] padded = java.util.Arrays.copyOf(sink.buf, sink.size + 16);
    long[] back = new long[v.length];
    Decoders.deltaLongs(padded, 0, sink.size, back, v.length, false, new long[512]);
    assertThat(back).isEqualTo(v);

    long[] ints = new long[1000];
    for (int i = 0; i < ints.length; i++) {
      ints[i] = i % 40 == 0 ? Integer.MIN_VALUE : i % 41 == 0 ? Integer.MAX_VALUE : rnd.nextInt();
    }
    sink.reset();
    Encoders.deltaBinaryPacked(ints, 0, ints.length, true, sink, new long[128]);
    padded = java.util.Arrays.copyOf(sink.buf, sink.size + 16);
    Decoders.deltaLongs(padded, 0, sink.size, back, ints.length, true, new long[512]);
    assertThat(back).isEqualTo(ints);
  }

  @Test
  void hybridRoundTripsRunsAndNoise() throws Exception {
    Random rnd = new Random(8);
    int[] v = new int[5000];
    for (int i = 0; i < v.length; ) {
      int run = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(40) : 1;
      int x = rnd.nextInt(100);
      for (int k = 0; k < run && i < v.length; k++) {
        v[i++] = x;
      }
    }
    ByteSink sink = new ByteSink(16);
    Encoders.rleHybrid(v, 0, v.length, 7, sink);
    byte[] padded = java.util.Arrays.copyOf(sink.buf, sink.size + 16);
    int[] back = new int[v.length];
    int end = Decoders.hybrid(padded, 0, sink.size, 7, back, v.length);
    assertThat(back).isEqualTo(v);
    assertThat(end).isEqualTo(sink.size);
  }

  @Test
  void booleansUnpackEightAtATime() {
    byte[] packed = {(byte) 0b1010_0101, (byte) 0xFF, 0x01, 0, 0, 0, 0, 0, 0, 0, 0};
    byte[] out = new byte[17];
    PageDecoder.unpackBits(packed, 0, 17, out);
    assertThat(out).containsExactly(1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
  }

  private static long referenceBits(byte[] b, long bitOffset, int width) {
    long v = 0;
    for (int k = 0; k < width; k++) {
      long bit = bitOffset + k;
      v |= (long) ((b[(int) (bit >>> 3)] >>> (bit & 7)) & 1) << k;
    }
    return v;
  }
}
