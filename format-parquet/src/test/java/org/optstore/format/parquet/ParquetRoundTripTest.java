package org.optstore.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.optstore.BoundQuery;
import org.optstore.ColumnType;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.InvalidConfigException;
import org.optstore.LongColumn;
import org.optstore.Predicate;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.Schema;
import org.optstore.Selection;
import org.optstore.TimeRange;
import org.optstore.spi.Capability;
import org.optstore.spi.FormatReader;
import org.optstore.spi.Pushdown;

class ParquetRoundTripTest {
  private static final Map<String, String> SMALL = Map.of("row-group-rows", "1000", "page-rows", "128");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"snappy", "zstd", "gzip", "uncompressed"})
  void everyTypeWithNullsRoundTripsWithEveryCodec(String codec) {
    Frame f = TestFiles.everyType(new Random(42), 3500, 0.2, true);
    TestFiles.Written w = TestFiles.write(dir.resolve("t.parquet"), codec, SMALL,
        TestFiles.batches(f, 777).toArray(new Frame[0]));
    assertThat(w.summary().rowCount()).isEqualTo(3500);
    assertThat(w.summary().checksums()).containsKey(RegionChecksums.KEY);
    // what the writer reported while writing is what the bytes on disk give
    try (ParquetFileIndex idx = ParquetFileIndex.open(w.path(), false, null)) {
      assertThat(idx.checksums.encode()).isEqualTo(w.summary().checksums().get(RegionChecksums.KEY));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    try (FormatReader r = w.open()) {
      assertThat(r.schema()).isEqualTo(f.schema());
      assertThat(r.rowCount()).isEqualTo(3500);
      assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(f);
    }
    try (FormatReader r = TestFiles.FORMAT.openReader(w.spec(false))) {
      assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(f);
    }
  }

  @Test
  void emptyAndOneRowFilesRoundTrip() {
    Frame all = TestFiles.everyType(new Random(1), 1, 0.0, true);
    Frame empty = all.slice(0, 0);
    TestFiles.Written w0 = TestFiles.write(dir.resolve("empty.parquet"), empty);
    try (FormatReader r = w0.open()) {
      assertThat(r.rowCount()).isZero();
      Frame got = r.read(Query.all().bind(r.schema()));
      assertThat(got.rowCount()).isZero();
      assertThat(got.schema()).isEqualTo(all.schema());
    }
    TestFiles.Written w1 = TestFiles.write(dir.resolve("one.parquet"), all);
    try (FormatReader r = w1.open()) {
      assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(all);
    }
  }

  @Test
  void allNullColumnsRoundTrip() {
    Frame f = TestFiles.everyType(new Random(3), 300, 1.0, true);
    TestFiles.Written w = TestFiles.write(dir.resolve("nulls.parquet"), "snappy", SMALL, f);
    try (FormatReader r = w.open()) {
      Frame got = r.read(Query.all().bind(r.schema()));
      assertThat(got).isEqualTo(f);
      assertThat(got.column("s").nullCount()).isEqualTo(300);
      assertThat(r.read(Query.builder().where(Predicates.isNull("i64")).build().bind(r.schema())).rowCount())
          .isEqualTo(300);
      assertThat(r.read(Query.builder().where(Predicates.gt("i64", 0L)).build().bind(r.schema())).rowCount())
          .isZero();
    }
  }

  @Test
  void projectionReadsOnlyTheAskedColumnsInOrder() {
    Frame f = TestFiles.ticks(0, 5000);
    TestFiles.Written w = TestFiles.write(dir.resolve("p.parquet"), "snappy", SMALL, f);
    try (FormatReader r = w.open()) {
      Frame got = r.read(Query.builder().columns("price", "symbol").build().bind(r.schema()));
      assertThat(got.schema().names()).containsExactly("price", "symbol");
      assertThat(got).isEqualTo(f.project("price", "symbol"));
    }
  }

  @Test
  void timeRangesAreHalfOpenAtEveryBoundary() {
    Frame f = TestFiles.ticks(0, 10_000);
    TestFiles.Written w = TestFiles.write(dir.resolve("t.parquet"), "snappy", SMALL, f);
    long[] ts = f.longs("ts").toArray();
    try (FormatReader r = w.open()) {
      assertThat(r.pushdown(Query.all().bind(r.schema()))).contains(Pushdown.TIME_RANGE, Pushdown.PREDICATE);
      // boundaries at page edges (128), row-group edges (1000), file edges and beyond
      long[] cuts = {ts[0] - 1, ts[0], ts[1], ts[127], ts[128], ts[129], ts[999], ts[1000], ts[5555],
          ts[9999], ts[9999] + 1, ts[9999] + 5_000_000};
      for (long a : cuts) {
        for (long b : cuts) {
          if (b < a) {
            continue;
          }
          Frame got = r.read(Query.builder().timeRange(TimeRange.ofMicros(a, b)).build().bind(r.schema()));
          int from = lowerBound(ts, a);
          int to = lowerBound(ts, b);
          assertThat(got).as("range [%d, %d)", a, b).isEqualTo(f.slice(from, to));
        }
      }
    }
  }

  private static int lowerBound(long[] v, long x) {
    int i = 0;
    while (i < v.length && v[i] < x) {
      i++;
    }
    return i;
  }

  @Test
  void aFileReplacedAtTheSamePathIsReadAnew() throws Exception {
    Path p = dir.resolve("same.parquet");
    Frame first = TestFiles.ticks(0, 3000);
    TestFiles.Written w1 = TestFiles.write(p, "snappy", SMALL, first);
    try (FormatReader r = w1.open()) {
      assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(first);
    }
    java.nio.file.Files.delete(p);
    Frame second = TestFiles.ticks(500_000, 3000);
    TestFiles.Written w2 = TestFiles.write(p, "snappy", SMALL, second);
    try (FormatReader r = w2.open()) {
      assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(second);
    }
    try (FormatReader r = TestFiles.FORMAT.openReader(new org.optstore.spi.ReadSpec(p, Map.of(), false, "pread"))) {
      assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(second);
    }
  }

  @Test
  void extremeInstantsAreInsideOrOutsideExactly() {
    long[] ts = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE};
    Frame f = Frame.builder().column("ts", LongColumn.timestamps(ts)).column("v", LongColumn.of(0, 1, 2, 3, 4, 5))
        .build();
    TestFiles.Written w = TestFiles.write(dir.resolve("x.parquet"), "snappy", Map.of("page-rows", "2"), f);
    try (FormatReader r = w.open()) {
      assertThat(r.read(Query.builder().timeRange(TimeRange.ofMicros(Long.MIN_VALUE, Long.MAX_VALUE)).build()
          .bind(r.schema())).longs("v").toArray()).containsExactly(0, 1, 2, 3, 4);
      assertThat(r.read(Query.builder().timeRange(TimeRange.ofMicros(0, Long.MAX_VALUE)).build()
          .bind(r.schema())).longs("v").toArray()).containsExactly(2, 3, 4);
      assertThat(r.read(Query.builder().timeRange(TimeRange.from(Instant.EPOCH)).build()
          .bind(r.schema())).longs("v").toArray()).containsExactly(2, 3, 4, 5);
      assertThat(r.read(Query.builder().timeRange(TimeRange.until(Instant.EPOCH)).build()
          .bind(r.schema())).longs("v").toArray()).containsExactly(0, 1);
    }
  }

  @Test
  void unsortedTimeColumnIsFilteredNotCut() {
    Frame f = TestFiles.everyType(new Random(9), 4000, 0.1, false);
    TestFiles.Written w = TestFiles.write(dir.resolve("u.parquet"), "snappy", SMALL, f);
    long from = TestFiles.T0 + 200_000L * 1_000_000L;
    long to = TestFiles.T0 + 600_000L * 1_000_000L;
    try (FormatReader r = w.open()) {
      Frame got = r.read(Query.builder().timeRange(TimeRange.ofMicros(from, to)).build().bind(r.schema()));
      LongColumn ts = f.longs("ts");
      List<Integer> keep = new ArrayList<>();
      for (int i = 0; i < f.rowCount(); i++) {
        if (ts.get(i) >= from && ts.get(i) < to) {
          keep.add(i);
        }
      }
      assertThat(got).isEqualTo(f.select(positions(keep, f.rowCount())));
    }
  }

  /** Pushdown (statistics pruning + page decoding + kernels) against a full scan + the reference evaluator. */
  @Test
  void pushdownMatchesReferenceFilterOnRandomPredicates() {
    Random rnd = new Random(20240611);
    Frame f = TestFiles.everyType(rnd, 6000, 0.15, true);
    TestFiles.Written w = TestFiles.write(dir.resolve("q.parquet"), "snappy", SMALL, f);
    long t0 = f.longs("ts").get(0);
    long t1 = f.longs("ts").get(f.rowCount() - 1);
    try (FormatReader r = w.open()) {
      for (int q = 0; q < 300; q++) {
        Predicate p = randomPredicate(rnd, f, 0);
        Query.Builder qb = Query.builder().where(p);
        if (rnd.nextBoolean()) {
          long a = t0 + (long) (rnd.nextDouble() * (t1 - t0));
          long b = a + (long) (rnd.nextDouble() * (t1 - t0) / 2);
          qb.timeRange(TimeRange.ofMicros(a, b));
        }
        if (rnd.nextBoolean()) {
          qb.columns("s", "i64", "ts");
        }
        BoundQuery bq = qb.build().bind(f.schema());
        Frame got = r.read(bq);
        Frame expected = reference(f, bq);
        assertThat(got).as("query %d: %s", q, bq).isEqualTo(expected);
      }
    }
  }

  static Frame reference(Frame f, BoundQuery q) {
    List<Integer> keep = new ArrayList<>();
    LongColumn ts = f.longs("ts");
    for (int i = 0; i < f.rowCount(); i++) {
      if (q.hasTimeRange() && !q.timeRange().contains(ts.get(i))) {
        continue;
      }
      if (q.predicate().isPresent() && !Boolean.TRUE.equals(q.predicate().get().evaluate(f, i))) {
        continue;
      }
      keep.add(i);
    }
    return f.select(positions(keep, f.rowCount()))
        .project(q.readColumns());
  }

  static Selection positions(List<Integer> keep, int size) {
    int[] p = keep.stream().mapToInt(Integer::intValue).toArray();
    return Selection.ofPositions(size, p, p.length);
  }

  private static Predicate randomPredicate(Random rnd, Frame f, int depth) {
    int k = rnd.nextInt(depth > 2 ? 6 : 9);
    switch (k) {
      case 6:
        return Predicates.and(randomPredicate(rnd, f, depth + 1), randomPredicate(rnd, f, depth + 1));
      case 7:
        return Predicates.or(randomPredicate(rnd, f, depth + 1), randomPredicate(rnd, f, depth + 1));
      case 8:
        return Predicates.not(randomPredicate(rnd, f, depth + 1));
      default:
        break;
    }
    String[] cols = {"ts", "i64", "i32", "f64", "f32", "b", "s"};
    String c = cols[rnd.nextInt(cols.length)];
    if (rnd.nextInt(10) == 0) {
      return rnd.nextBoolean() ? Predicates.isNull(c) : Predicates.isNotNull(c);
    }
    org.optstore.Op op = org.optstore.Op.values()[rnd.nextInt(6)];
    int row = rnd.nextInt(f.rowCount());
    Object v;
    switch (c) {
      case "ts":
        v = rnd.nextBoolean() ? (Object) f.longs("ts").get(row)
            : Instant.ofEpochSecond(0, f.longs("ts").get(row) * 1000 + rnd.nextInt(2) * 500);
        break;
      case "i64":
        v = rnd.nextInt(3) == 0 ? (Object) (rnd.nextGaussian() * 1e18) : (Object) f.longs("i64").get(row);
        break;
      case "i32":
        v = rnd.nextInt(3) == 0 ? (Object) (f.ints("i32").get(row) + 0.5) : (Object) (long) f.ints("i32").get(row);
        break;
      case "f64":
        v = rnd.nextInt(5) == 0 ? (Object) Double.NaN : rnd.nextInt(4) == 0 ? (Object) 0L
            : (Object) f.doubles("f64").get(row);
        break;
      case "f32":
        v = (Object) (double) f.floats("f32").get(row);
        break;
      case "b":
        op = rnd.nextBoolean() ? org.optstore.Op.EQ : org.optstore.Op.NE;
        v = rnd.nextBoolean();
        break;
      default:
        String s = f.strings("s").isNull(row) ? "w7" : f.strings("s").get(row);
        v = rnd.nextInt(4) == 0 ? s + "x" : s;
        break;
    }
    return Predicates.compare(c, op, v);
  }

  @Test
  void streamedBatchesEqualTheFullRead() {
    Frame f = TestFiles.ticks(0, 4321);
    TestFiles.Written w = TestFiles.write(dir.resolve("s.parquet"), "snappy", SMALL, f);
    try (FormatReader r = w.open()) {
      BoundQuery q = Query.builder().where(Predicates.gt("price", 104.0)).build().bind(r.schema());
      List<Frame> batches = new ArrayList<>();
      try (FrameStream s = r.stream(q, 100)) {
        while (s.hasNext()) {
          Frame b = s.next();
          assertThat(b.rowCount()).isLessThanOrEqualTo(100);
          batches.add(b);
        }
      }
      assertThat(Frame.concat(batches)).isEqualTo(r.read(q));
      assertThat(r.read(q).rowCount()).isPositive();
    }
  }

  @Test
  void ticksQueriesReturnTheRowsOfTheReferenceWorkload() {
    Frame f = TestFiles.ticks(0, 200_000);
    TestFiles.Written w = TestFiles.write(dir.resolve("ticks.parquet"), f);
    try (FormatReader r = w.open()) {
      BoundQuery r3 = Query.builder()
          .where(Predicates.and(Predicates.eq("symbol", "SYM042"), Predicates.gt("price", 105.0)))
          .build().bind(r.schema());
      assertThat(r.read(r3)).isEqualTo(reference(f, r3));
      BoundQuery r1 = Query.builder().columns("ts")
          .timeRange(TimeRange.between(Instant.parse("2023-01-02T00:00:00Z"), Instant.parse("2023-01-02T01:00:00Z")))
          .build().bind(r.schema());
      Frame got = r.read(r1);
      assertThat(got.rowCount()).isEqualTo(3600);
      assertThat(got.longs("ts").get(0)).isEqualTo(TestFiles.T0 + 86_400_000_000L);
    }
  }

  @Test
  void formatDeclaresItsContract() {
    assertThat(TestFiles.FORMAT.name()).isEqualTo("parquet");
    assertThat(TestFiles.FORMAT.availability().available()).isTrue();
    assertThat(TestFiles.FORMAT.priority()).isEqualTo(100);
    assertThat(TestFiles.FORMAT.codecs()).contains("snappy", "zstd", "gzip", "uncompressed")
        .contains(TestFiles.FORMAT.defaultCodec());
    assertThat(TestFiles.FORMAT.defaultCodec()).isEqualTo("snappy");
    assertThat(TestFiles.FORMAT.capabilities()).contains(Capability.IMPORT, Capability.PREDICATE_PUSHDOWN,
        Capability.TIME_RANGE_PUSHDOWN, Capability.PROJECTION_PUSHDOWN);
    assertThat(java.util.ServiceLoader.load(org.optstore.spi.StorageFormat.class).stream()
        .map(p -> p.type().getName())).contains(ParquetFormat.class.getName());
  }

  @Test
  void unknownCodecAndBadOptionsFailWithTheChoices() {
    Frame f = TestFiles.ticks(0, 10);
    assertThatThrownBy(() -> TestFiles.write(dir.resolve("x.parquet"), "lzma", Map.of(), f))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("lzma").hasMessageContaining("snappy");
    assertThatThrownBy(() -> TestFiles.write(dir.resolve("y.parquet"), "snappy", Map.of("page-rows", "0"), f))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("page-rows");
  }

  @Test
  void batchWithAnotherSchemaIsRejected() {
    Frame f = TestFiles.ticks(0, 10);
    Frame other = Frame.builder().column("ts", LongColumn.timestamps(1, 2)).build();
    assertThatThrownBy(() -> TestFiles.write(dir.resolve("z.parquet"), "snappy", Map.of(), f, other))
        .isInstanceOf(org.optstore.SchemaException.class).hasMessageContaining("differs");
  }

  @Test
  void schemaWithoutTimeColumnRoundTrips() {
    Frame f = Frame.builder().column("a", LongColumn.of(3, 1, 2)).column("b", LongColumn.timestamps(5, 6, 7))
        .noTimeColumn().build();
    TestFiles.Written w = TestFiles.write(dir.resolve("nt.parquet"), f);
    try (FormatReader r = w.open()) {
      assertThat(r.schema().timeColumn()).isEmpty();
      assertThat(r.schema().fields()).containsExactly(Field.of("a", ColumnType.INT64),
          Field.of("b", ColumnType.TIMESTAMP));
      assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(f);
      assertThat(r.pushdown(Query.all().bind(r.schema()))).doesNotContain(Pushdown.TIME_RANGE);
      Schema s = r.schema();
      assertThat(s).isEqualTo(f.schema());
    }
  }
}
