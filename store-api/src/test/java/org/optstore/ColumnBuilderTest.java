package org.optstore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColumnBuilderTest {
  @Test
  void typedAppendsGrowPastTheInitialCapacity() {
    ColumnBuilder l = ColumnBuilder.of(ColumnType.INT64);
    ColumnBuilder i = ColumnBuilder.of(ColumnType.INT32);
    ColumnBuilder d = ColumnBuilder.of(ColumnType.FLOAT64);
    ColumnBuilder f = ColumnBuilder.of(ColumnType.FLOAT32);
    ColumnBuilder b = ColumnBuilder.of(ColumnType.BOOL);
    ColumnBuilder s = ColumnBuilder.of(ColumnType.STRING);
    for (int r = 0; r < 1000; r++) {
      l.appendLong(r);
      i.appendInt(r);
      d.appendDouble(r);
      f.appendFloat(r);
      b.appendBoolean(r % 2 == 0);
      s.appendString("v" + r % 7);
    }
    assertThat(((LongColumn) l.build()).get(999)).isEqualTo(999);
    assertThat(((IntColumn) i.build()).get(999)).isEqualTo(999);
    assertThat(((DoubleColumn) d.build()).get(999)).isEqualTo(999.0);
    assertThat(((FloatColumn) f.build()).get(999)).isEqualTo(999f);
    assertThat(((BoolColumn) b.build()).get(998)).isTrue();
    assertThat(((StringColumn) s.build()).get(999)).isEqualTo("v5");
  }
}
