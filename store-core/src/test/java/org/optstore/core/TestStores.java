package org.optstore.core;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.optstore.BoolColumn;
import org.optstore.ColumnType;
import org.optstore.DataStore;
import org.optstore.DoubleColumn;
import org.optstore.Frame;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.StringColumn;
import org.optstore.TimeRange;
import org.optstore.core.io.IoInterceptor;
import org.optstore.core.testing.ColumnarTestFormat;
import org.optstore.core.testing.FormatLoader;
import org.optstore.core.testing.RowTestFormat;
import org.optstore.spi.StorageFormat;

/** Opening stores on chosen formats, and the small frames tests share. */
final class TestStores {
  static final Instant T0 = Instant.parse("2023-01-01T00:00:00Z");

  private TestStores() {}

  static StoreConfig.Builder config(Path base) {
    return StoreConfig.builder().basePath(base).format(ColumnarTestFormat.NAME).maxWorkers(4);
  }

  static DataStore open(StoreConfig config) {
    return DataStores.open(config, TestStores.class.getClassLoader(), IoInterceptor.NONE);
  }

  static DataStore open(StoreConfig config, IoInterceptor io) {
    return DataStores.open(config, TestStores.class.getClassLoader(), io);
  }

  @SafeVarargs
  static DataStore openWith(StoreConfig config, Path scratch,
      Class<? extends StorageFormat>... formats) {
    return DataStores.open(config, FormatLoader.only(scratch, formats), IoInterceptor.NONE);
  }

  static Class<? extends StorageFormat> columnar() {
    return ColumnarTestFormat.class;
  }

  static Class<? extends StorageFormat> rows() {
    return RowTestFormat.class;
  }

  /** The reference "ticks" rows of DESIGN.md: ts, symbol, price, volume, flag. */
  static Frame ticks(int n) {
    long[] ts = new long[n];
    String[] sym = new String[n];
    double[] price = new double[n];
    long[] vol = new long[n];
    boolean[] flag = new boolean[n];
    long t0 = TimeRange.toMicros(T0);
    for (int i = 0; i < n; i++) {
      long l = i;
      ts[i] = t0 + l * 1_000_000L;
      sym[i] = String.format("SYM%03d", (l * 7919) % 100);
      price[i] = 100 + 10 * Math.sin(l / 1000.0) + (l % 17) * 0.01;
      vol[i] = (l * 31) % 10000;
      flag[i] = l % 3 == 0;
    }
    return Frame.builder()
        .column("ts", LongColumn.wrap(ColumnType.TIMESTAMP, ts, NullMask.none(n)))
        .column("symbol", StringColumn.of(sym))
        .column("price", DoubleColumn.of(price))
        .column("volume", LongColumn.of(vol))
        .column("flag", BoolColumn.of(flag))
        .build();
  }

  static List<Long> longs(Frame f, String column) {
    List<Long> out = new ArrayList<>();
    LongColumn c = f.longs(column);
    for (int i = 0; i < c.size(); i++) {
      out.add(c.get(i));
    }
    return out;
  }
}
