package org.optstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.LongBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentsTest {
  @Test
  void emptySegmentsBetweenOthersAreSkipped() {
    LongColumn c = LongColumn.ofBuffers(ColumnType.INT64, List.of(
        LongBuffer.wrap(new long[] {1, 2}), LongBuffer.allocate(0), LongBuffer.allocate(0),
        LongBuffer.wrap(new long[] {3}), LongBuffer.allocate(0)), NullMask.none(3));
    assertThat(c.segmentCount()).isEqualTo(2);
    assertThat(c.get(2)).isEqualTo(3);
    long[] out = new long[3];
    c.copyTo(0, out, 0, 3);
    assertThat(out).containsExactly(1, 2, 3);
    assertThat(c.slice(1, 3).toArray()).containsExactly(2, 3);
  }

  @Test
  void onlyEmptySegmentsMakeAnEmptyColumn() {
    LongColumn c = LongColumn.ofBuffers(ColumnType.INT64, List.of(LongBuffer.allocate(0),
        LongBuffer.allocate(0)), NullMask.none(0));
    assertThat(c.size()).isZero();
    assertThat(c.toArray()).isEmpty();
    assertThat(c.slice(0, 0).size()).isZero();
  }
}
