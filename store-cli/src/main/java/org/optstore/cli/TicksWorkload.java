package org.optstore.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.optstore.BoolColumn;
import org.optstore.ColumnType;
import org.optstore.DoubleColumn;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.Schema;
import org.optstore.StringColumn;
import org.optstore.StringDictionary;
import org.optstore.TimeRange;

/**
 * The reference workload ("ticks") of the design: the rows, the queries R0-R3 and their checks,
 * shared by the demo and the benchmarks so that their numbers line up.
 *
 * <p>Row {@code i}: {@code ts} = 2023-01-01T00:00:00Z + i seconds; {@code symbol} = {@code
 * "SYM%03d"} of {@code (i * 7919) % 100}; {@code price} = {@code 100 + 10 sin(i / 1000) + (i % 17)
 * * 0.01}; {@code volume} = {@code (i * 31) % 10000}; {@code flag} = {@code i % 3 == 0}.
 */
public final class TicksWorkload {
  /** The dataset name the demo and benchmarks use. */
  public static final String DATASET = "ticks";

  private static final long START_SECONDS = Instant.parse("2023-01-01T00:00:00Z").getEpochSecond();
  private static final StringDictionary SYMBOLS = symbols();

  private TicksWorkload() {}

  private static StringDictionary symbols() {
    String[] s = new String[100];
    for (int k = 0; k < s.length; k++) {
      s[k] = String.format("SYM%03d", k);
    }
    return StringDictionary.of(s);
  }

  /** The queries of the reference workload. */
  public enum Q {
    /** Everything; checked by sum(volume). */
    R0,
    /** {@code ts} in [2023-01-10, 2023-01-11) projecting {@code ts}; checked by sum(ts seconds). */
    R1,
    /** {@code ts} in [2023-01-05, 2023-01-10), all columns; checked by sum(volume). */
    R2,
    /** {@code symbol == "SYM042" and price > 105}, all columns; checked by sum(volume). */
    R3;

    /** @return the query */
    public Query query() {
      switch (this) {
        case R0:
          return Query.all();
        case R1:
          return Query.builder()
              .timeRange(TimeRange.between(Instant.parse("2023-01-10T00:00:00Z"),
                  Instant.parse("2023-01-11T00:00:00Z")))
              .columns("ts")
              .build();
        case R2:
          return Query.builder()
              .timeRange(TimeRange.between(Instant.parse("2023-01-05T00:00:00Z"),
                  Instant.parse("2023-01-10T00:00:00Z")))
              .build();
        case R3:
          return Query.builder()
              .where(Predicates.and(Predicates.eq("symbol", "SYM042"), Predicates.gt("price", 105.0)))
              .build();
        default:
          throw new AssertionError(this);
      }
    }

    /**
     * @param result the rows the query returned
     * @return its check value: the sum of {@code ts} in epoch seconds for R1, of {@code volume}
     *     otherwise
     */
    public long check(Frame result) {
      long sum = 0;
      if (this == R1) {
        LongColumn ts = result.longs("ts");
        for (int r = 0, n = ts.size(); r < n; r++) {
          sum += Math.floorDiv(ts.get(r), 1_000_000L);
        }
      } else {
        LongColumn v = result.longs("volume");
        for (int r = 0, n = v.size(); r < n; r++) {
          sum += v.get(r);
        }
      }
      return sum;
    }
  }

  /** @return the schema: ts TIMESTAMP (the time column), symbol, price, volume, flag */
  public static Schema schema() {
    return Frame.builder()
        .column("ts", LongColumn.timestamps())
        .column("symbol", StringColumn.of())
        .column("price", DoubleColumn.of())
        .column("volume", LongColumn.of())
        .column("flag", BoolColumn.of())
        .build()
        .schema();
  }

  /**
   * @param first the first row index
   * @param rows how many rows
   * @return rows {@code [first, first + rows)}
   */
  public static Frame rows(long first, int rows) {
    long[] ts = new long[rows];
    int[] sym = new int[rows];
    double[] price = new double[rows];
    long[] volume = new long[rows];
    byte[] flag = new byte[rows];
    for (int k = 0; k < rows; k++) {
      long i = first + k;
      ts[k] = (START_SECONDS + i) * 1_000_000L;
      sym[k] = (int) ((i * 7919) % 100);
      price[k] = price(i);
      volume[k] = (i * 31) % 10000;
      flag[k] = i % 3 == 0 ? (byte) 1 : 0;
    }
    NullMask none = NullMask.none(rows);
    return Frame.builder()
        .column("ts", LongColumn.wrap(ColumnType.TIMESTAMP, ts, none))
        .column("symbol", StringColumn.ofCodes(IntColumn.wrap(ColumnType.INT32, sym, none), SYMBOLS,
            none))
        .column("price", DoubleColumn.wrap(ColumnType.FLOAT64, price, none))
        .column("volume", LongColumn.wrap(ColumnType.INT64, volume, none))
        .column("flag", BoolColumn.wrap(flag, none))
        .build();
  }

  private static double price(long i) {
    return 100 + 10 * Math.sin(i / 1000.0) + (i % 17) * 0.01;
  }

  /**
   * The workload as batches, generated as they are consumed.
   *
   * @param n the total rows
   * @param batchRows rows per batch
   * @return the stream
   */
  public static FrameStream stream(long n, int batchRows) {
    Schema schema = schema();
    return new FrameStream() {
      private long next;

      @Override
      public Schema schema() {
        return schema;
      }

      @Override
      public boolean hasNext() {
        return next < n;
      }

      @Override
      public Frame next() {
        if (next >= n) {
          throw new NoSuchElementException("all " + n + " rows generated");
        }
        int rows = (int) Math.min(batchRows, n - next);
        Frame f = rows(next, rows);
        next += rows;
        return f;
      }

      @Override
      public void close() {}
    };
  }

  /** The expected row count and check value of each query at a size, computed row by row. */
  public record Expected(long[] rows, long[] checks) {
    /**
     * @param q a query
     * @return its expected row count
     */
    public long rows(Q q) {
      return rows[q.ordinal()];
    }

    /**
     * @param q a query
     * @return its expected check value
     */
    public long check(Q q) {
      return checks[q.ordinal()];
    }
  }

  /**
   * Computes the expected answers straight from the row formulas (no store involved).
   *
   * @param n the total rows
   * @return the expected row counts and checks
   */
  public static Expected expected(long n) {
    long r1From = Instant.parse("2023-01-10T00:00:00Z").getEpochSecond() - START_SECONDS;
    long r2From = Instant.parse("2023-01-05T00:00:00Z").getEpochSecond() - START_SECONDS;
    long r2To = r1From;
    long r1To = r1From + 86_400;
    long[] rows = new long[4];
    long[] checks = new long[4];
    for (long i = 0; i < n; i++) {
      long volume = (i * 31) % 10000;
      rows[0]++;
      checks[0] += volume;
      if (i >= r1From && i < r1To) {
        rows[1]++;
        checks[1] += START_SECONDS + i;
      }
      if (i >= r2From && i < r2To) {
        rows[2]++;
        checks[2] += volume;
      }
      if ((i * 7919) % 100 == 42 && price(i) > 105.0) {
        rows[3]++;
        checks[3] += volume;
      }
    }
    return new Expected(rows, checks);
  }

  /** @return every query, in order */
  public static List<Q> queries() {
    return new ArrayList<>(List.of(Q.values()));
  }
}
