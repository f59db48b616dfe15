package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optstore.BoolColumn;
import org.optstore.BoundPredicate;
import org.optstore.BoundQuery;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.DataStore;
import org.optstore.Field;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.Op;
import org.optstore.Predicate;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.Result;
import org.optstore.Schema;
import org.optstore.Selection;
import org.optstore.TimeRange;
import org.optstore.WriteOptions;
import org.optstore.core.testing.ColumnarTestFormat;
import org.optstore.core.testing.RowTestFormat;

/**
 * Every read path (retrieve, scan, retrieveAll, retrieveAsync; with and without time range,
 * projection, predicate and limit; cold and warm cache, and without it) against a plain reference
 * on random data: sorted and unsorted
 * time columns with duplicates, nulls in every other column, NaN, signed zeros, infinities and
 * extreme integers, strings with shared and duplicated dictionaries, written in random batches
 * (some empty) so that formats return multi-segment columns.
 */
class ReadPathPropertyTest {
  private static final long SEED = 0x5EED_0004L;
  private static final int[] SIZES = {0, 1, 2, 63, 64, 65, 700, 4097, 9000};
  private static final int QUERIES = 25;
  private static final String[] STRINGS = {"", "a", "A", "b", "SYM042", "é", "zz", "a\u00e9",
      "\uD83D\uDE00", "SYM001"};
  private static final List<String> COLUMNS =
      List.of("ts", "i64", "i32", "f64", "f32", "flag", "s", "t2");

  @TempDir Path dir;

  /**
   * @param cacheMode {@code on}; {@code readers} (no data cache: open readers only); {@code off}
   */
  @ParameterizedTest(name = "{0}, memory mapping {1}, cache {2}")
  @CsvSource({"testcol, true, on", "testcol, false, off", "testrow, true, on",
      "serial, true, on", "serial, false, on", "serial, false, off", "serial, false, readers",
      "testblock, true, on", "testblock, true, off", "testblock, true, readers",
      "hdf5, true, on"})
  void everyReadPathMatchesTheReference(String format, boolean mmap, String cacheMode)
      throws Exception {
    Random rnd = new Random(SEED ^ format.hashCode() ^ (mmap ? 1 : 0));
    boolean cache = !cacheMode.equals("off");
    try (DataStore store = TestStores.open(TestStores.config(dir).format(format)
        .memoryMapping(mmap).cacheMaxBytes(cacheMode.equals("on") ? 64L << 20 : 0)
        .cacheMaxEntries(cache ? 128 : 0).build())) {
      List<String> names = new ArrayList<>();
      List<Frame> frames = new ArrayList<>();
      for (int size : SIZES) {
        for (boolean sorted : new boolean[] {true, false}) {
          Frame f = randomFrame(rnd, size, sorted);
          String name = "d" + size + (sorted ? "s" : "u");
          store.store(name, batches(rnd, f), Map.of("n", size), WriteOptions.defaults());
          assertThat(store.info(name).timeSorted()).as(name).isEqualTo(sorted || isSorted(f));
          assertThat(store.info(name).format()).isEqualTo(format);
          names.add(name);
          frames.add(f);
        }
      }
      int nonEmpty = 0;
      int partial = 0;
      for (int d = 0; d < names.size(); d++) {
        String name = names.get(d);
        Frame f = frames.get(d);
        for (int i = 0; i < QUERIES; i++) {
          Query q = randomQuery(rnd, f);
          Frame expected = reference(f, q);
          nonEmpty += expected.rowCount() > 0 ? 1 : 0;
          partial += expected.rowCount() > 0 && expected.rowCount() < f.rowCount() ? 1 : 0;
          String what = name + " " + q;
          Result r = store.retrieve(name, q);
          assertThat(r.frame()).as(what).isEqualTo(expected);
          assertThat(r.info().name()).isEqualTo(name);
          if (cache) {
            assertThat(store.retrieve(name, q).frame()).as("again " + what).isEqualTo(expected);
          }
          try (FrameStream s = store.scan(name, q)) {
            assertThat(s.schema()).as(what).isEqualTo(expected.schema());
            assertThat(s.readAll()).as("scan " + what).isEqualTo(expected);
          }
          if (i % 8 == 0) {
            String other = names.get(rnd.nextInt(names.size()));
            if (canBind(q, frames.get(names.indexOf(other)))) {
              Map<String, Result> both = store.retrieveAll(List.of(name, other), q);
              assertThat(both.keySet()).containsExactlyElementsOf(
                  name.equals(other) ? List.of(name) : List.of(name, other));
              assertThat(both.get(name).frame()).as("retrieveAll " + what).isEqualTo(expected);
            }
            assertThat(store.retrieveAsync(name, q).get(30, TimeUnit.SECONDS).frame())
                .as("retrieveAsync " + what).isEqualTo(expected);
          }
        }
      }
      // the generator must produce selective queries, not only empty or full answers
      assertThat(nonEmpty).isGreaterThan(names.size() * QUERIES / 4);
      assertThat(partial).isGreaterThan(names.size() * QUERIES / 5);
      assertThat(store.cacheStats().hitCount() > 0).isEqualTo(cache);
    }
  }

  private static boolean canBind(Query q, Frame f) {
    try {
      q.bind(f.schema());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The reference: row by row with TimeRange#contains and BoundPredicate#evaluate. */
  static Frame reference(Frame f, Query q) {
    BoundQuery b = q.bind(f.schema());
    BoundPredicate p = b.predicate().orElse(null);
    int limit = q.limit().orElse(Integer.MAX_VALUE);
    int[] pos = new int[f.rowCount()];
    int n = 0;
    for (int r = 0; r < f.rowCount() && n < limit; r++) {
      if (b.hasTimeRange() && !q.timeRange().contains(f.longs("ts").get(r))) {
        continue;
      }
      if (p != null && !Boolean.TRUE.equals(p.evaluate(f, r))) {
        continue;
      }
      pos[n++] = r;
    }
    return f.project(b.outputColumns()).select(Selection.ofPositions(f.rowCount(), pos, n));
  }

  private static boolean isSorted(Frame f) {
    for (int r = 1; r < f.rowCount(); r++) {
      if (f.longs("ts").get(r) < f.longs("ts").get(r - 1)) {
        return false;
      }
    }
    return true;
  }

  private static FrameStream batches(Random rnd, Frame f) {
    List<Frame> parts = new ArrayList<>();
    int r = 0;
    while (r < f.rowCount()) {
      int n = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(Math.max(1, f.rowCount() / 3 + 1));
      n = Math.min(n, f.rowCount() - r);
      parts.add(f.slice(r, r + n));
      r += n;
    }
    if (parts.isEmpty() || rnd.nextBoolean()) {
      parts.add(f.slice(f.rowCount(), f.rowCount()));
    }
    return FrameStream.of(f.schema(), parts);
  }

  static Frame randomFrame(Random rnd, int n, boolean sorted) {
    List<ColumnBuilder> b = new ArrayList<>();
    ColumnType[] types = {ColumnType.TIMESTAMP, ColumnType.INT64, ColumnType.INT32,
        ColumnType.FLOAT64, ColumnType.FLOAT32, ColumnType.BOOL, ColumnType.STRING,
        ColumnType.TIMESTAMP};
    for (ColumnType t : types) {
      b.add(ColumnBuilder.of(t, n));
    }
    long t = 1_672_531_200_000_000L + rnd.nextInt(1000);
    for (int r = 0; r < n; r++) {
      t += sorted ? rnd.nextInt(3) * 1_000_000L : 0;
      long ts = sorted ? t : t + (rnd.nextInt(2000) - 1000) * 1_000_000L;
      b.get(0).appendLong(ts);
      nullable(rnd, b.get(1), () -> b.get(1).appendLong(randomLong(rnd)));
      nullable(rnd, b.get(2), () -> b.get(2).appendInt(rnd.nextInt(8) == 0
          ? (rnd.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE) : rnd.nextInt(200) - 100));
      nullable(rnd, b.get(3), () -> b.get(3).appendDouble(randomDouble(rnd)));
      nullable(rnd, b.get(4), () -> b.get(4).appendFloat((float) randomDouble(rnd)));
      nullable(rnd, b.get(5), () -> b.get(5).appendBoolean(rnd.nextBoolean()));
      nullable(rnd, b.get(6), () -> b.get(6).appendString(STRINGS[rnd.nextInt(STRINGS.length)]));
      nullable(rnd, b.get(7), () -> b.get(7).appendLong(ts + (rnd.nextInt(5) - 2)));
    }
    List<Field> fields = new ArrayList<>();
    List<org.optstore.Column> cols = new ArrayList<>();
    for (int c = 0; c < types.length; c++) {
      fields.add(Field.of(COLUMNS.get(c), types[c]));
      cols.add(b.get(c).build());
    }
    return Frame.of(Schema.of(fields, "ts"), cols);
  }

  private static void nullable(Random rnd, ColumnBuilder b, Runnable value) {
    if (rnd.nextInt(6) == 0) {
      b.appendNull();
    } else {
      value.run();
    }
  }

  private static long randomLong(Random rnd) {
    return switch (rnd.nextInt(10)) {
      case 0 -> Long.MIN_VALUE;
      case 1 -> Long.MAX_VALUE;
      case 2 -> rnd.nextLong();
      default -> rnd.nextInt(100) - 50;
    };
  }

  private static double randomDouble(Random rnd) {
    return switch (rnd.nextInt(14)) {
      case 0 -> Double.NaN;
      case 1 -> -0.0;
      case 2 -> 0.0;
      case 3 -> Double.POSITIVE_INFINITY;
      case 4 -> Double.NEGATIVE_INFINITY;
      default -> (rnd.nextInt(200) - 100) / 4.0;
    };
  }

  static Query randomQuery(Random rnd, Frame f) {
    Query.Builder q = Query.builder();
    if (rnd.nextInt(10) < 6) {
      q.timeRange(randomRange(rnd, f));
    }
    if (rnd.nextInt(10) < 5) {
      List<String> cols = new ArrayList<>(COLUMNS);
      Collections.shuffle(cols, rnd);
      q.columns(cols.subList(0, 1 + rnd.nextInt(cols.size())));
    }
    if (rnd.nextInt(10) < 7) {
      q.where(randomPredicate(rnd, f, 0));
    }
    if (rnd.nextInt(10) < 3) {
      q.limit(rnd.nextInt(f.rowCount() + 3));
    }
    return q.build();
  }

  private static long someTime(Random rnd, Frame f) {
    if (f.rowCount() == 0 || rnd.nextInt(8) == 0) {
      return 1_672_531_200_000_000L + rnd.nextInt(5_000) * 1_000_000L;
    }
    return f.longs("ts").get(rnd.nextInt(f.rowCount())) + rnd.nextInt(3) - 1;
  }

  private static TimeRange randomRange(Random rnd, Frame f) {
    long a = someTime(rnd, f);
    long b = someTime(rnd, f);
    long lo = Math.min(a, b);
    long hi = Math.max(a, b);
    return switch (rnd.nextInt(6)) {
      case 0 -> TimeRange.from(TimeRange.toInstant(lo));
      case 1 -> TimeRange.until(TimeRange.toInstant(hi));
      case 2 -> TimeRange.ofMicros(lo, lo);
      case 3 -> TimeRange.between(TimeRange.toInstant(lo).plusNanos(rnd.nextInt(999)),
          TimeRange.toInstant(hi).plusNanos(rnd.nextInt(999)));
      default -> TimeRange.ofMicros(lo, hi);
    };
  }

  private static Predicate randomPredicate(Random rnd, Frame f, int depth) {
    int k = rnd.nextInt(depth >= 2 ? 10 : 14);
    if (k >= 10) {
      return switch (k) {
        case 10 -> Predicates.and(randomPredicate(rnd, f, depth + 1),
            randomPredicate(rnd, f, depth + 1));
        case 11 -> Predicates.or(randomPredicate(rnd, f, depth + 1),
            randomPredicate(rnd, f, depth + 1), randomPredicate(rnd, f, depth + 1));
        default -> Predicates.not(randomPredicate(rnd, f, depth + 1));
      };
    }
    String col = COLUMNS.get(rnd.nextInt(COLUMNS.size()));
    int shape = rnd.nextInt(10);
    if (shape == 0) {
      return Predicates.isNull(col);
    }
    if (shape == 1) {
      List<Object> vals = new ArrayList<>();
      for (int i = rnd.nextInt(3); i > 0; i--) {
        vals.add(literal(rnd, f, col));
      }
      return col.equals("flag") && vals.isEmpty() ? Predicates.isNull(col)
          : Predicates.in(col, vals);
    }
    if (shape == 2 && !col.equals("flag")) {
      return Predicates.between(col, literal(rnd, f, col), literal(rnd, f, col));
    }
    Op op = col.equals("flag") ? (rnd.nextBoolean() ? Op.EQ : Op.NE)
        : Op.values()[rnd.nextInt(Op.values().length)];
    return Predicates.compare(col, op, literal(rnd, f, col));
  }

  private static Object literal(Random rnd, Frame f, String col) {
    int r = f.rowCount() == 0 ? -1 : rnd.nextInt(f.rowCount());
    boolean fromData = r >= 0 && !f.column(col).isNull(r) && rnd.nextInt(4) != 0;
    switch (col) {
      case "ts", "t2": {
        long v = fromData ? f.longs(col).get(r) : someTime(rnd, f);
        return switch (rnd.nextInt(4)) {
          case 0 -> TimeRange.toInstant(v);
          case 1 -> TimeRange.toInstant(v).plusNanos(1 + rnd.nextInt(998));
          case 2 -> TimeRange.toInstant(v).toString();
          default -> v;
        };
      }
      case "i64", "i32": {
        long v = fromData ? (col.equals("i64") ? f.longs(col).get(r) : f.ints(col).get(r))
            : randomLong(rnd);
        return switch (rnd.nextInt(6)) {
          case 0 -> v + 0.5;
          case 1 -> Double.NaN;
          case 2 -> 1e30 * (rnd.nextBoolean() ? 1 : -1);
          case 3 -> (double) v;
          default -> v;
        };
      }
      case "f64", "f32": {
        double v = fromData ? (col.equals("f64") ? f.doubles(col).get(r)
            : (double) ((FloatColumn) f.column(col)).get(r)) : randomDouble(rnd);
        return rnd.nextInt(5) == 0 ? (Object) (long) Math.rint(v) : (Object) v;
      }
      case "flag":
        return fromData ? ((BoolColumn) f.column(col)).get(r) : rnd.nextBoolean();
      default:
        return fromData ? f.strings(col).get(r) : STRINGS[rnd.nextInt(STRINGS.length)];
    }
  }

}
