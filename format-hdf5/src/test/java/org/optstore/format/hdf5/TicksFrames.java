package org.optstore.format.hdf5;

import org.optstore.BoolColumn;
import org.optstore.ColumnType;
import org.optstore.DoubleColumn;
import org.optstore.Frame;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.StringColumn;

/** The reference "ticks" workload of DESIGN.md. */
final class TicksFrames {

  static final long START_MICROS = 1_672_531_200_000_000L; // 2023-01-01T00:00:00Z

  private TicksFrames() {}

  static Frame ticks(int n) {
    long[] ts = new long[n];
    String[] sym = new String[n];
    double[] price = new double[n];
    long[] volume = new long[n];
    boolean[] flag = new boolean[n];
    for (int k = 0; k < n; k++) {
      long i = k;
      ts[k] = START_MICROS + i * 1_000_000L;
      sym[k] = String.format("SYM%03d", (i * 7919) % 100);
      price[k] = 100 + 10 * Math.sin(i / 1000.0) + (i % 17) * 0.01;
      volume[k] = (i * 31) % 10000;
      flag[k] = i % 3 == 0;
    }
    return Frame.builder()
        .column("ts", LongColumn.wrap(ColumnType.TIMESTAMP, ts, NullMask.none(n)))
        .column("symbol", StringColumn.of(sym))
        .column("price", DoubleColumn.wrap(ColumnType.FLOAT64, price, NullMask.none(n)))
        .column("volume", LongColumn.wrap(ColumnType.INT64, volume, NullMask.none(n)))
        .column("flag", BoolColumn.of(flag))
        .timeColumn("ts")
        .build();
  }
}
