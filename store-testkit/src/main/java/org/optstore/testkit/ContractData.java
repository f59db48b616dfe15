package org.optstore.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.optstore.BoolColumn;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.DoubleColumn;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Predicate;
import org.optstore.Predicates;
import org.optstore.StringColumn;

/** The data and predicates the contract suite uses; every generator is seeded. */
final class ContractData {
  private ContractData() {}

  /** 2023-01-01T00:00:00Z in epoch micros: the reference workload's origin. */
  static final long BASE_MICROS = 1_672_531_200_000_000L;

  static final String[] STRINGS = {"", "a", "b", "abc", "z", "é", "日本語", "😀", "a😀b", "Ω",
      "\u00ff", "\uffff", " ", "null", "NULL", "mixed ascii and ü", "tab\there", "new\nline",
      "quote'\"", "\u0000nul"};

  /** How the time column is ordered. */
  enum TimeOrder { SORTED, SORTED_WITH_DUPLICATES, UNSORTED }

  /**
   * A frame with a column of every type, nulls in every column but the time column ({@code ts}),
   * and the awkward values: NaN, infinities, -0.0, extremes, unicode and empty strings.
   */
  static Frame everyType(long seed, int rows, TimeOrder order) {
    Random rnd = new Random(seed);
    long[] ts = times(rnd, rows, order);
    ColumnBuilder i64 = ColumnBuilder.of(ColumnType.INT64, rows);
    ColumnBuilder i32 = ColumnBuilder.of(ColumnType.INT32, rows);
    ColumnBuilder f64 = ColumnBuilder.of(ColumnType.FLOAT64, rows);
    ColumnBuilder f32 = ColumnBuilder.of(ColumnType.FLOAT32, rows);
    ColumnBuilder flag = ColumnBuilder.of(ColumnType.BOOL, rows);
    ColumnBuilder s = ColumnBuilder.of(ColumnType.STRING, rows);
    long[] longSpecials = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1};
    double[] doubleSpecials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        -0.0, 0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
    for (int r = 0; r < rows; r++) {
      if (rnd.nextInt(8) == 0) {
        i64.appendNull();
      } else if (rnd.nextInt(50) == 0) {
        i64.appendLong(longSpecials[rnd.nextInt(longSpecials.length)]);
      } else {
        i64.appendLong(rnd.nextInt(2001) - 1000);
      }
      if (rnd.nextInt(8) == 0) {
        i32.appendNull();
      } else if (rnd.nextInt(50) == 0) {
        i32.appendInt(rnd.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE);
      } else {
        i32.appendInt(rnd.nextInt(41) - 20);
      }
      if (rnd.nextInt(8) == 0) {
        f64.appendNull();
      } else if (rnd.nextInt(10) == 0) {
        f64.appendDouble(doubleSpecials[rnd.nextInt(doubleSpecials.length)]);
      } else {
        f64.appendDouble(rnd.nextInt(9) == 0 ? 0.5 : rnd.nextDouble() * 2 - 1);
      }
      if (rnd.nextInt(8) == 0) {
        f32.appendNull();
      } else if (rnd.nextInt(10) == 0) {
        f32.appendFloat((float) doubleSpecials[rnd.nextInt(doubleSpecials.length)]);
      } else {
        f32.appendFloat(rnd.nextInt(9) == 0 ? 0.5f : rnd.nextFloat() * 2 - 1);
      }
      if (rnd.nextInt(8) == 0) {
        flag.appendNull();
      } else {
        flag.appendBoolean(rnd.nextBoolean());
      }
      if (rnd.nextInt(8) == 0) {
        s.appendNull();
      } else if (rnd.nextInt(4) == 0) {
        s.appendString(randomString(rnd));
      } else {
        s.appendString(STRINGS[rnd.nextInt(STRINGS.length)]);
      }
    }
    return Frame.builder()
        .column("ts", LongColumn.timestamps(ts))
        .column("i64", i64.build())
        .column("i32", i32.build())
        .column("f64", f64.build())
        .column("f32", f32.build())
        .column("flag", flag.build())
        .column("s", s.build())
        .timeColumn("ts")
        .build();
  }

  static long[] times(Random rnd, int rows, TimeOrder order) {
    long[] ts = new long[rows];
    for (int r = 0; r < rows; r++) {
      ts[r] = BASE_MICROS + 10L * (order == TimeOrder.SORTED_WITH_DUPLICATES ? r / 3 : r);
    }
    if (order == TimeOrder.UNSORTED) {
      for (int i = rows - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        long t = ts[i];
        ts[i] = ts[j];
        ts[j] = t;
      }
    }
    return ts;
  }

  /** Random text: ASCII, BMP and supplementary code points, never an unpaired surrogate. */
  static String randomString(Random rnd) {
    int len = rnd.nextInt(12);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      int kind = rnd.nextInt(10);
      int cp;
      if (kind < 6) {
        cp = 'a' + rnd.nextInt(26);
      } else if (kind < 8) {
        cp = 0xA0 + rnd.nextInt(0xD7FF - 0xA0);
      } else if (kind < 9) {
        cp = 0xE000 + rnd.nextInt(0x2000);
      } else {
        cp = 0x10000 + rnd.nextInt(0x10FFFF - 0x10000);
      }
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }

  /**
   * The reference workload "ticks" of DESIGN.md: ts, symbol, price, volume, flag for rows
   * {@code [from, from + rows)}.
   */
  static Frame ticks(long from, int rows) {
    long[] ts = new long[rows];
    int[] codes = new int[rows];
    double[] price = new double[rows];
    long[] volume = new long[rows];
    byte[] flag = new byte[rows];
    for (int k = 0; k < rows; k++) {
      long i = from + k;
      ts[k] = BASE_MICROS + i * 1_000_000L;
      codes[k] = (int) ((i * 7919) % 100);
      price[k] = 100 + 10 * Math.sin(i / 1000.0) + (i % 17) * 0.01;
      volume[k] = (i * 31) % 10000;
      flag[k] = (byte) (i % 3 == 0 ? 1 : 0);
    }
    String[] symbols = new String[100];
    for (int s = 0; s < 100; s++) {
      symbols[s] = String.format("SYM%03d", s);
    }
    return Frame.builder()
        .column("ts", LongColumn.timestamps(ts))
        .column("symbol", StringColumn.ofCodes(IntColumn.wrap(ColumnType.INT32, codes,
            NullMask.none(rows)), org.optstore.StringDictionary.of(symbols), NullMask.none(rows)))
        .column("price", DoubleColumn.wrap(ColumnType.FLOAT64, price, NullMask.none(rows)))
        .column("volume", LongColumn.wrap(ColumnType.INT64, volume, NullMask.none(rows)))
        .column("flag", BoolColumn.wrap(flag, NullMask.none(rows)))
        .build();
  }

  /** Every predicate form, against {@link #everyType}'s columns, including nulls and NaN. */
  static List<Predicate> predicates() {
    List<Predicate> p = new ArrayList<>();
    p.add(Predicates.eq("i64", 0L));
    p.add(Predicates.ne("i64", 0L));
    p.add(Predicates.lt("i64", 100L));
    p.add(Predicates.le("i64", -1000L));
    p.add(Predicates.gt("i64", 999L));
    p.add(Predicates.ge("i64", Long.MAX_VALUE));
    p.add(Predicates.le("i64", Long.MIN_VALUE));
    p.add(Predicates.eq("i64", 10.5));
    p.add(Predicates.ne("i64", 10.5));
    p.add(Predicates.lt("i64", 10.5));
    p.add(Predicates.ge("i64", -0.5));
    p.add(Predicates.gt("i64", 1e19));
    p.add(Predicates.eq("i64", Double.NaN));
    p.add(Predicates.ne("i64", Double.NaN));
    p.add(Predicates.eq("i32", 7));
    p.add(Predicates.lt("i32", -3));
    p.add(Predicates.gt("i32", 3_000_000_000L));
    p.add(Predicates.between("i32", -10, 10));
    p.add(Predicates.in("i32", 1, 2, 3));
    p.add(Predicates.in("i32"));
    p.add(Predicates.eq("f64", Double.NaN));
    p.add(Predicates.ne("f64", Double.NaN));
    p.add(Predicates.lt("f64", Double.NaN));
    p.add(Predicates.ge("f64", 0.0));
    p.add(Predicates.gt("f64", 0.5));
    p.add(Predicates.eq("f64", 0.5));
    p.add(Predicates.le("f64", -0.0));
    p.add(Predicates.eq("f64", Double.POSITIVE_INFINITY));
    p.add(Predicates.lt("f64", Double.NEGATIVE_INFINITY));
    p.add(Predicates.lt("f64", 1L));
    p.add(Predicates.between("f64", -0.25, 0.25));
    p.add(Predicates.eq("f32", 0.5));
    p.add(Predicates.gt("f32", 0.25f));
    p.add(Predicates.ne("f32", Double.NaN));
    p.add(Predicates.le("f32", 0L));
    p.add(Predicates.eq("flag", true));
    p.add(Predicates.ne("flag", false));
    p.add(Predicates.eq("s", ""));
    p.add(Predicates.eq("s", "日本語"));
    p.add(Predicates.lt("s", "m"));
    p.add(Predicates.ge("s", "😀"));
    p.add(Predicates.gt("s", "\uffff"));
    p.add(Predicates.ne("s", "a"));
    p.add(Predicates.in("s", "", "abc", "not present"));
    p.add(Predicates.isNull("i64"));
    p.add(Predicates.isNotNull("f64"));
    p.add(Predicates.isNull("s"));
    p.add(Predicates.isNull("flag"));
    p.add(Predicates.isNull("ts"));
    p.add(Predicates.not(Predicates.gt("f64", 0.5)));
    p.add(Predicates.not(Predicates.eq("f64", Double.NaN)));
    p.add(Predicates.and(Predicates.gt("i64", 0L), Predicates.isNull("s")));
    p.add(Predicates.or(Predicates.eq("flag", true), Predicates.lt("f64", 0.0)));
    p.add(Predicates.not(Predicates.or(Predicates.isNull("i32"), Predicates.eq("i32", 0))));
    p.add(Predicates.and(Predicates.not(Predicates.lt("i32", 0)),
        Predicates.or(Predicates.eq("s", "a"), Predicates.isNull("f32"))));
    p.add(Predicates.ge("ts", Instant.ofEpochSecond(1_672_531_200L, 20_000_500)));
    p.add(Predicates.lt("ts", "2023-01-01T00:00:00.015Z"));
    p.add(Predicates.eq("ts", BASE_MICROS + 100));
    return p;
  }
}
