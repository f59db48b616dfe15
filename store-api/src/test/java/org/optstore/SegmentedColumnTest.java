package org.optstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentedColumnTest {

  /** Values 0..n-1 over direct little-endian segments of the given lengths. */
  private static LongColumn segmented(int... lengths) {
    List<LongBuffer> segs = new ArrayList<>();
    long v = 0;
    for (int len : lengths) {
      ByteBuffer b = ByteBuffer.allocateDirect(len * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < len; i++) {
        b.putLong(i * 8, v++);
      }
      segs.add(b.asLongBuffer());
    }
    return LongColumn.ofBuffers(ColumnType.INT64, segs, NullMask.none((int) v));
  }

  private static long[] range(int from, int to) {
    long[] out = new long[to - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
  }

  @Test
  void getCopyToAndSliceCrossSegmentBoundaries() {
    LongColumn c = segmented(5, 1, 10, 4);
    assertThat(c.segmentCount()).isEqualTo(4);
    assertThat(c.size()).isEqualTo(20);
    assertThat(c.isHeapBacked()).isFalse();
    for (int r = 0; r < 20; r++) {
      assertThat(c.get(r)).isEqualTo(r);
    }
    long[] dst = new long[25];
    c.copyTo(3, dst, 2, 15);
    assertThat(Arrays.copyOfRange(dst, 2, 17)).containsExactly(range(3, 18));
    assertThat(c.toArray()).containsExactly(range(0, 20));
    LongColumn s = c.slice(4, 17);
    assertThat(s.segmentCount()).isEqualTo(4);
    assertThat(s.segmentStart(2)).isEqualTo(2);
    assertThat(s.segmentStart(1)).isEqualTo(1);
    assertThat(s.toArray()).containsExactly(range(4, 17));
    LongColumn ss = s.slice(2, 12);
    assertThat(ss.toArray()).containsExactly(range(6, 16));
    assertThat(s.slice(5, 5).size()).isZero();
    assertThat(c).isEqualTo(LongColumn.of(range(0, 20)));
    Column picked = c.select(Selection.ofPositions(20, new int[] {0, 5, 6, 19}, 4));
    assertThat(((LongColumn) picked).toArray()).containsExactly(0, 5, 6, 19);
    assertThat(picked.isHeapBacked()).isTrue();
    assertThatThrownBy(() -> c.copyTo(15, dst, 0, 6)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> c.get(20)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void emptySegmentsAreSkipped() {
    LongColumn c = segmented(3, 0, 2, 0);
    assertThat(c.size()).isEqualTo(5);
    assertThat(c.get(3)).isEqualTo(3);
    long[] out = new long[5];
    c.copyTo(0, out, 0, 5);
    assertThat(out).containsExactly(range(0, 5));
    assertThat(segmented(0, 4).toArray()).containsExactly(range(0, 4));
    assertThat(segmented(0).size()).isZero();
  }

  @Test
  void everyFixedWidthTypeReadsItsSegments() {
    ByteBuffer raw = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    raw.asDoubleBuffer().put(new double[] {1.5, Double.NaN, -0.0});
    DoubleBuffer d = raw.asDoubleBuffer();
    DoubleColumn dc = DoubleColumn.ofBuffers(ColumnType.FLOAT64,
        List.of(d.slice(0, 1), d.slice(1, 2)), NullMask.none(3));
    assertThat(dc.toArray()).containsExactly(1.5, Double.NaN, -0.0);
    assertThat(dc).isEqualTo(DoubleColumn.of(1.5, Double.NaN, -0.0));
    assertThat(dc).isNotEqualTo(DoubleColumn.of(1.5, Double.NaN, 0.0));
    IntColumn ic = IntColumn.ofBuffers(ColumnType.INT32, List.of(IntBuffer.wrap(new int[] {1, 2}),
        IntBuffer.wrap(new int[] {3})), NullMask.of(new boolean[] {false, true, false}));
    assertThat(ic.getObject(1)).isNull();
    assertThat(ic.get(2)).isEqualTo(3);
    BoolColumn bc = BoolColumn.ofBuffers(List.of(ByteBuffer.wrap(new byte[] {0, 2}),
        ByteBuffer.wrap(new byte[] {1})), NullMask.none(3));
    assertThat(bc.toArray()).containsExactly(false, true, true);
    assertThatThrownBy(() -> LongColumn.ofBuffers(ColumnType.INT64,
        List.of(LongBuffer.wrap(new long[2])), NullMask.none(3)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("null mask of 3");
    assertThatThrownBy(() -> LongColumn.wrap(ColumnType.FLOAT64, new long[1], NullMask.none(1)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("FLOAT64");
  }
}
