package org.optstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.optstore.BoundPredicate;
import org.optstore.BoundQuery;
import org.optstore.Column;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.IntColumn;
import org.optstore.FrameStream;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Predicate;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.Schema;
import org.optstore.Selection;
import org.optstore.StringColumn;
import org.optstore.StoreClosedException;
import org.optstore.StringDictionary;
import org.optstore.TimeRange;
import org.optstore.spi.Block;
import org.optstore.spi.Capability;
import org.optstore.spi.FormatReader;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.Pushdown;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteSummary;
import org.optstore.spi.WriteTarget;

/**
 * The contract every {@link StorageFormat} passes, ours and third parties'. Extend it in a test
 * class, give it the format and name the byte regions of a written file to corrupt:
 *
 * <pre>{@code
 * class MyFormatContractTest extends StorageFormatContract {
 *   protected StorageFormat format() { return new MyFormat(); }
 *   protected List<ByteRegion> regions(Path file, WriteSummary summary) {
 *     return List.of(new ByteRegion("header", 0, 64), new ByteRegion("data", 64, 1000), ...);
 *   }
 * }
 * }</pre>
 *
 * <p>The suite drives the SPI directly, as the engine does: it writes through a {@link
 * WriteTarget} over a channel (or a path, for {@link Capability#WRITES_TO_PATH} formats), records
 * the {@link WriteSummary} checksums and opens readers with them. A reader's result is refined
 * exactly as the engine refines it (the time range, predicate and limit the reader did not report
 * in {@link FormatReader#pushdown} are applied afterwards) and compared with a plain reference
 * built from {@link BoundPredicate#evaluate} and {@link TimeRange#contains}. All data comes from
 * fixed seeds; the whole suite runs in seconds.
 */
public abstract class StorageFormatContract {

  /** A fresh directory per test for the files the suite writes. */
  @TempDir
  protected Path dir;

  /** @return the format under test (may be a new instance per call) */
  protected abstract StorageFormat format();

  /**
   * Names the byte regions of a written file that the corruption tests damage: one byte at the
   * start, middle and end of each is flipped in a copy, and every read of the copy must then
   * fail with a {@link CorruptDataException} or return exactly the right rows.
   *
   * @param file a file this format wrote (a few thousand rows of every type with nulls)
   * @param summary what its writer reported
   * @return the regions (header, data blocks, footer, statistics, ...), at least one
   */
  protected abstract List<ByteRegion> regions(Path file, WriteSummary summary);

  /**
   * Format-specific write options for every file the suite writes ({@link WriteSpec#options()}),
   * e.g. small blocks so that the suite's small data spans many of them.
   *
   * @return the options; empty by default
   */
  protected Map<String, String> writeOptions() {
    return Map.of();
  }

  // ---------------------------------------------------------------- helpers for subclasses

  /**
   * Writes batches into a new file the way the engine does.
   *
   * @param file the file to create
   * @param schema the schema of every batch
   * @param batches the batches, in order
   * @param expectedRows the row count announced in the {@link WriteSpec}, or -1
   * @return the writer's summary
   */
  protected WriteSummary write(Path file, Schema schema, List<Frame> batches, long expectedRows) {
    StorageFormat f = format();
    WriteSpec spec = new WriteSpec(schema, f.defaultCodec(), expectedRows,
        "contract file " + file.getFileName(), writeOptions());
    long rows = 0;
    for (Frame b : batches) {
      rows += b.rowCount();
    }
    WriteSummary summary;
    if (f.capabilities().contains(Capability.WRITES_TO_PATH)) {
      try (FormatWriter w = f.createWriter(new Target(null, file), spec)) {
        for (Frame b : batches) {
          w.write(b);
        }
        summary = w.finish();
      }
    } else {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        try (FormatWriter w = f.createWriter(new Target(ch, file), spec)) {
          for (Frame b : batches) {
            w.write(b);
          }
          summary = w.finish();
        }
        assertThat(ch.isOpen()).as("writers must not close the engine's channel").isTrue();
        ch.force(true);
      } catch (IOException e) {
        throw new AssertionError("cannot write " + file, e);
      }
    }
    assertThat(summary.rowCount()).as("rows reported by the writer of " + file).isEqualTo(rows);
    return summary;
  }

  /**
   * Writes one frame in one batch, announcing its row count.
   *
   * @param name a file name inside {@link #dir}
   * @param frame the rows
   * @return the written file and its summary
   */
  protected Written write(String name, Frame frame) {
    Path file = dir.resolve(name + "." + format().fileExtension());
    return new Written(file, write(file, frame.schema(), List.of(frame), frame.rowCount()));
  }

  /**
   * A written file and what its writer reported.
   *
   * @param file the file
   * @param summary the summary
   */
  protected record Written(Path file, WriteSummary summary) {}

  /**
   * Opens a reader with the recorded checksums.
   *
   * @param w the written file
   * @param memoryMapping whether the reader may map the file
   * @return the reader; the caller closes it
   */
  protected FormatReader open(Written w, boolean memoryMapping) {
    return format().openReader(new ReadSpec(w.file(), w.summary().checksums(), memoryMapping,
        "contract dataset " + w.file().getFileName()));
  }

  /**
   * Runs a query the way the engine does: bind, read, refine what the reader did not apply.
   *
   * @param reader an open reader
   * @param query the query
   * @return the rows and columns the user would get
   */
  protected static Frame query(FormatReader reader, Query query) {
    BoundQuery q = query.bind(reader.schema());
    Set<Pushdown> pushed = reader.pushdown(q);
    checkPushdown(q, pushed);
    Frame out = reader.read(q);
    assertThat(out.schema().names()).as("columns returned for %s", query)
        .containsAll(q.readColumns());
    return refine(out, q, pushed);
  }

  /**
   * What the engine does with a reader's frame: applies the time range, predicate and limit the
   * reader did not report as applied, then projects the output columns.
   *
   * @param out the reader's frame (holding at least the read columns)
   * @param q the bound query
   * @param pushed what the reader applied exactly
   * @return the user's result
   */
  protected static Frame refine(Frame out, BoundQuery q, Set<Pushdown> pushed) {
    boolean time = q.hasTimeRange() && !pushed.contains(Pushdown.TIME_RANGE);
    BoundPredicate p = pushed.contains(Pushdown.PREDICATE) ? null : q.predicate().orElse(null);
    int limit = !pushed.contains(Pushdown.LIMIT) && q.limit().isPresent()
        ? q.limit().getAsInt() : Integer.MAX_VALUE;
    return filter(out, q, time, p, limit);
  }

  /**
   * The reference: the rows of {@code all} that a query selects, by the plainest possible means.
   *
   * @param all every row of the dataset
   * @param query the query
   * @return the expected result
   */
  protected static Frame expected(Frame all, Query query) {
    BoundQuery q = query.bind(all.schema());
    return filter(all, q, q.hasTimeRange(), q.predicate().orElse(null),
        q.limit().isPresent() ? q.limit().getAsInt() : Integer.MAX_VALUE);
  }

  private static Frame filter(Frame f, BoundQuery q, boolean time, BoundPredicate p, int limit) {
    LongColumn t = time ? f.longs(q.timeColumn().orElseThrow()) : null;
    TimeRange range = q.timeRange();
    int[] keep = new int[f.rowCount()];
    int k = 0;
    for (int r = 0; r < f.rowCount() && k < limit; r++) {
      if (t != null && !range.contains(t.get(r))) {
        continue;
      }
      if (p != null && !Boolean.TRUE.equals(p.evaluate(f, r))) {
        continue;
      }
      keep[k++] = r;
    }
    return f.select(Selection.ofPositions(f.rowCount(), keep, k)).project(q.outputColumns());
  }

  private static void checkPushdown(BoundQuery q, Set<Pushdown> pushed) {
    if (pushed.contains(Pushdown.LIMIT)) {
      assertThat(!q.hasTimeRange() || pushed.contains(Pushdown.TIME_RANGE)
          && (q.predicate().isEmpty() || pushed.contains(Pushdown.PREDICATE)))
          .as("a reader that applies the limit of %s must apply its time range and predicate "
              + "exactly too; it reported %s", q.query(), pushed).isTrue();
      assertThat(q.predicate().isEmpty() || pushed.contains(Pushdown.PREDICATE))
          .as("limit without the predicate for %s: %s", q.query(), pushed).isTrue();
    }
  }

  /**
   * Asserts two frames hold the same schema and values, naming the first difference.
   *
   * @param actual what a reader gave
   * @param expected the reference
   * @param what the context, for the message
   */
  protected static void assertSameFrame(Frame actual, Frame expected, String what) {
    assertThat(actual.schema()).as("schema of %s", what).isEqualTo(expected.schema());
    assertThat(actual.rowCount()).as("rows of %s", what).isEqualTo(expected.rowCount());
    for (int c = 0; c < expected.columnCount(); c++) {
      Column a = actual.column(c);
      Column e = expected.column(c);
      if (!a.equals(e)) {
        for (int r = 0; r < e.size(); r++) {
          if (!a.slice(r, r + 1).equals(e.slice(r, r + 1))) {
            fail("%s: column '%s' row %d is %s but should be %s", what,
                expected.schema().field(c).name(), r, a.getObject(r), e.getObject(r));
          }
        }
        fail("%s: column '%s' differs (%s vs %s)", what, expected.schema().field(c).name(), a, e);
      }
    }
  }

  private static final class Target implements WriteTarget {
    private final SeekableByteChannel channel;
    private final Path path;

    Target(SeekableByteChannel channel, Path path) {
      this.channel = channel;
      this.path = path;
    }

    @Override
    public SeekableByteChannel channel() {
      if (channel == null) {
        throw new AssertionError("a WRITES_TO_PATH format called channel(); it must write to "
            + "path() only");
      }
      return channel;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public String description() {
      return "contract file " + path.getFileName();
    }
  }

  private Frame everyType(long seed, int rows) {
    return ContractData.everyType(seed, rows, ContractData.TimeOrder.SORTED);
  }

  // ---------------------------------------------------------------- the contract

  @Test
  void formatDescribesItself() {
    StorageFormat f = format();
    assertThat(f.name()).matches("[a-z0-9-]+");
    assertThat(f.formatVersion()).isPositive();
    assertThat(f.fileExtension()).isNotBlank().doesNotContain(".").doesNotContain("/");
    assertThat(f.codecs()).contains(f.defaultCodec());
    assertThat(f.capabilities()).isNotNull();
    assertThat(f.availability().available())
        .as("format '%s' must be available to run its contract: %s", f.name(),
            f.availability().reason())
        .isTrue();
  }

  @Test
  void formatIsFoundThroughServiceLoader() {
    StorageFormat f = format();
    List<String> found = new ArrayList<>();
    boolean listed = false;
    for (StorageFormat s : ServiceLoader.load(StorageFormat.class,
        f.getClass().getClassLoader())) {
      found.add(s.getClass().getName() + "=" + s.name());
      listed |= s.getClass() == f.getClass() && s.name().equals(f.name());
    }
    assertThat(listed).as("%s must be listed in META-INF/services/%s (found %s)",
        f.getClass().getName(), StorageFormat.class.getName(), found).isTrue();
  }

  @ParameterizedTest(name = "memoryMapping={0}")
  @ValueSource(booleans = {true, false})
  void roundTripsEveryTypeWithNulls(boolean mmap) {
    Frame data = everyType(1, 5000);
    Written w = write("every-type", data);
    try (FormatReader r = open(w, mmap)) {
      assertThat(r.schema()).isEqualTo(data.schema());
      assertThat(r.schema().timeColumn()).contains("ts");
      assertThat(r.rowCount()).isEqualTo(5000);
      assertSameFrame(query(r, Query.all()), data, "read of everything");
      assertSameFrame(r.read(Query.all().bind(r.schema())), data, "raw read of everything");
    }
  }

  @Test
  void roundTripsADatasetWithoutTimeColumn() {
    Frame data = everyType(2, 700);
    Frame noTime = Frame.builder().column("when", data.column("ts")).column("s", data.column("s"))
        .column("f64", data.column("f64")).noTimeColumn().build();
    Written w = write("no-time", noTime);
    try (FormatReader r = open(w, true)) {
      assertThat(r.schema()).isEqualTo(noTime.schema());
      assertThat(r.schema().timeColumn()).isEmpty();
      assertSameFrame(query(r, Query.all()), noTime, "dataset without a time column");
      Query q = Query.builder().where(Predicates.gt("f64", 0.0)).columns("s").build();
      assertSameFrame(query(r, q), expected(noTime, q), q.toString());
    }
  }

  @Test
  void emptyDataset() {
    Frame empty = Frame.empty(everyType(3, 1).schema());
    Path noBatches = dir.resolve("no-batches." + format().fileExtension());
    Path emptyBatch = dir.resolve("empty-batch." + format().fileExtension());
    List<Written> files = List.of(
        new Written(noBatches, write(noBatches, empty.schema(), List.of(), -1)),
        new Written(emptyBatch, write(emptyBatch, empty.schema(), List.of(empty), 0)));
    List<Query> queries = List.of(Query.all(),
        Query.builder().timeRange(TimeRange.ofMicros(0, Long.MAX_VALUE)).build(),
        Query.builder().where(Predicates.isNull("i64")).columns("s").build(),
        Query.builder().limit(3).build());
    for (Written w : files) {
      for (boolean mmap : new boolean[] {true, false}) {
        try (FormatReader r = open(w, mmap)) {
          assertThat(r.rowCount()).isZero();
          assertThat(r.schema()).isEqualTo(empty.schema());
          for (Query q : queries) {
            assertSameFrame(query(r, q), expected(empty, q), w.file().getFileName() + " " + q);
            try (FrameStream s = r.stream(q.bind(r.schema()), 10)) {
              Frame all = s.readAll();
              assertThat(all.rowCount()).isZero();
            }
          }
        }
      }
    }
  }

  @Test
  void oneRow() {
    Frame data = everyType(4, 40).slice(17, 18);
    Written w = write("one-row", data);
    long t = data.longs("ts").get(0);
    List<Query> queries = List.of(Query.all(),
        Query.builder().timeRange(TimeRange.ofMicros(t, t + 1)).build(),
        Query.builder().timeRange(TimeRange.ofMicros(t + 1, t + 2)).build(),
        Query.builder().timeRange(TimeRange.ofMicros(t - 1, t)).build(),
        Query.builder().where(Predicates.isNull("i64")).build(),
        Query.builder().where(Predicates.not(Predicates.isNull("i64"))).build(),
        Query.builder().columns("s", "ts").limit(0).build());
    for (boolean mmap : new boolean[] {true, false}) {
      try (FormatReader r = open(w, mmap)) {
        assertThat(r.rowCount()).isEqualTo(1);
        for (Query q : queries) {
          assertSameFrame(query(r, q), expected(data, q), q.toString());
        }
      }
    }
  }

  @Test
  void millionRows() {
    int rows = 1_000_000;
    List<Frame> batches = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      batches.add(ContractData.ticks((long) b * rows / 4, rows / 4));
    }
    Path file = dir.resolve("ticks." + format().fileExtension());
    Written w = new Written(file, write(file, batches.get(0).schema(), batches, -1));
    Frame all = ContractData.ticks(0, rows);
    try (FormatReader r = open(w, true)) {
      assertThat(r.rowCount()).isEqualTo(rows);
      Frame got = query(r, Query.all());
      assertThat(got.rowCount()).isEqualTo(rows);
      long[] volume = got.longs("volume").toArray();
      long sum = 0;
      for (long v : volume) {
        sum += v;
      }
      long want = 0;
      for (long i = 0; i < rows; i++) {
        want += (i * 31) % 10000;
      }
      assertThat(sum).as("sum(volume) of all rows").isEqualTo(want);
      assertSameFrame(got, all, "all of 1M rows");
      // R1 of the reference workload, scaled: ts in [day 10, day 11) is past 1M seconds, so use
      // one of its hours
      Instant from = Instant.parse("2023-01-05T00:00:00Z");
      Query r1 = Query.builder().between(from, from.plusSeconds(3600)).columns("ts").build();
      Frame hour = query(r, r1);
      assertThat(hour.rowCount()).isEqualTo(3600);
      assertThat(hour.longs("ts").get(0)).isEqualTo(TimeRange.toMicros(from));
      assertSameFrame(hour, expected(all, r1), r1.toString());
    }
  }

  @Test
  void unicodeAndEmptyStrings() {
    List<String> values = new ArrayList<>(List.of(ContractData.STRINGS));
    Random rnd = new Random(5);
    for (int i = 0; i < 300; i++) {
      values.add(ContractData.randomString(rnd));
    }
    values.add("x".repeat(100_000));
    values.add("😀".repeat(20_000));
    values.add(null);
    values.add("");
    String[] arr = values.toArray(new String[0]);
    Frame data = Frame.builder().column("s", StringColumn.of(arr)).noTimeColumn().build();
    Written w = write("strings", data);
    for (boolean mmap : new boolean[] {true, false}) {
      try (FormatReader r = open(w, mmap)) {
        Frame got = query(r, Query.all());
        assertSameFrame(got, data, "strings");
        assertThat(got.strings("s").toArray()).containsExactly(arr);
        for (String v : new String[] {"", "日本語", "😀", "a😀b", "\u0000nul", "\uffff"}) {
          for (Predicate p : List.of(Predicates.eq("s", v), Predicates.lt("s", v),
              Predicates.ge("s", v))) {
            Query q = Query.builder().where(p).build();
            assertSameFrame(query(r, q), expected(data, q), q.toString());
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ContractData.TimeOrder.class)
  void timeRangesAtEveryBoundary(ContractData.TimeOrder order) {
    int n = 3000;
    Random rnd = new Random(6);
    long[] ts = ContractData.times(rnd, n, order);
    long[] id = new long[n];
    for (int i = 0; i < n; i++) {
      id[i] = i;
    }
    Frame data = Frame.builder().column("ts", LongColumn.timestamps(ts))
        .column("id", LongColumn.of(id)).build();
    Written w = write("times-" + order, data);
    long[] sorted = ts.clone();
    java.util.Arrays.sort(sorted);
    long min = sorted[0];
    long max = sorted[n - 1];
    TreeSet<Integer> idx = new TreeSet<>(List.of(0, 1, 2, 63, 64, 65, 127, 128, 129, 255, 256,
        511, 512, 1023, 1024, 1025, n / 2, n - 65, n - 64, n - 2, n - 1));
    List<TimeRange> ranges = new ArrayList<>(List.of(TimeRange.all(),
        TimeRange.ofMicros(min - 100, min), TimeRange.ofMicros(max + 1, max + 100),
        TimeRange.ofMicros(min, max + 1), TimeRange.ofMicros(min, max),
        TimeRange.ofMicros(min + 5, min + 5), TimeRange.ofMicros(Long.MIN_VALUE, min + 1),
        TimeRange.ofMicros(max, Long.MAX_VALUE), TimeRange.ofMicros(Long.MIN_VALUE, Long.MAX_VALUE),
        TimeRange.days(LocalDate.of(2023, 1, 1), LocalDate.of(2023, 1, 1), ZoneOffset.UTC),
        TimeRange.days(LocalDate.of(2022, 12, 31), LocalDate.of(2022, 12, 31), ZoneOffset.UTC),
        TimeRange.between(TimeRange.toInstant(min).plusNanos(500),
            TimeRange.toInstant(min + 30).plusNanos(1))));
    for (int i : idx) {
      long t = sorted[i];
      for (long d = -1; d <= 1; d++) {
        ranges.add(TimeRange.from(TimeRange.toInstant(t + d)));
        ranges.add(TimeRange.until(TimeRange.toInstant(t + d)));
      }
      ranges.add(TimeRange.ofMicros(t, t + 1));
      if (i + 1 < n) {
        ranges.add(TimeRange.ofMicros(t + 1, Math.max(t + 1, sorted[i + 1])));
        ranges.add(TimeRange.ofMicros(t, sorted[i + 1]));
      }
      Integer next = idx.higher(i);
      if (next != null) {
        ranges.add(TimeRange.ofMicros(t, sorted[next]));
        ranges.add(TimeRange.ofMicros(t + 1, sorted[next] + 1));
      }
    }
    for (boolean mmap : new boolean[] {true, false}) {
      try (FormatReader r = open(w, mmap)) {
        for (TimeRange range : ranges) {
          Query q = Query.builder().timeRange(range).build();
          assertSameFrame(query(r, q), expected(data, q), order + " " + range + " mmap=" + mmap);
        }
      }
    }
  }

  @Test
  void projection() {
    Frame data = everyType(7, 2000);
    Written w = write("projection", data);
    List<List<String>> projections = List.of(List.of("s"), List.of("f64", "ts"),
        List.of("flag", "s", "i32", "i64", "f32", "f64", "ts"), List.of("i32"), List.of("ts"));
    try (FormatReader r = open(w, true)) {
      for (List<String> cols : projections) {
        for (Query q : List.of(Query.builder().columns(cols).build(),
            Query.builder().columns(cols).timeRange(TimeRange.ofMicros(
                ContractData.BASE_MICROS + 500, ContractData.BASE_MICROS + 15_000)).build(),
            Query.builder().columns(cols).where(Predicates.isNull("f32")).build())) {
          Frame got = query(r, q);
          assertThat(got.schema().names()).containsExactlyElementsOf(cols);
          assertSameFrame(got, expected(data, q), q.toString());
        }
      }
      assertThatThrownBy(() -> Query.builder().columns("nope").build().bind(r.schema()))
          .isInstanceOf(DataStoreException.class).hasMessageContaining("nope");
    }
  }

  @Test
  void everyPredicateWithNullsAndNaN() {
    Frame data = everyType(8, 3000);
    Written w = write("predicates", data);
    for (boolean mmap : new boolean[] {true, false}) {
      try (FormatReader r = open(w, mmap)) {
        for (Predicate p : ContractData.predicates()) {
          Query q = Query.builder().where(p).build();
          Frame want = expected(data, q);
          assertSameFrame(query(r, q), want, p + " mmap=" + mmap);
        }
      }
    }
  }

  @Test
  void timeRangePredicateProjectionAndLimitCombined() {
    Frame data = everyType(9, 4000);
    Written w = write("combined", data);
    long b = ContractData.BASE_MICROS;
    List<Query> queries = new ArrayList<>();
    for (Predicate p : ContractData.predicates().subList(0, 30)) {
      queries.add(Query.builder().timeRange(TimeRange.ofMicros(b + 640, b + 31_000)).where(p)
          .columns("s", "f64").build());
    }
    queries.add(Query.builder().timeRange(TimeRange.ofMicros(b + 1, b + 20_001))
        .where(Predicates.gt("f64", 0.0)).columns("i32").limit(7).build());
    queries.add(Query.builder().timeRange(TimeRange.ofMicros(b + 1, b + 20_001)).columns("i32")
        .limit(100).build());
    queries.add(Query.builder().timeRange(TimeRange.from(TimeRange.toInstant(b + 39_000)))
        .limit(1_000_000).build());
    queries.add(Query.builder().where(Predicates.isNull("s")).limit(0).build());
    queries.add(Query.builder().limit(1).columns("flag").build());
    for (boolean mmap : new boolean[] {true, false}) {
      try (FormatReader r = open(w, mmap)) {
        for (Query q : queries) {
          assertSameFrame(query(r, q), expected(data, q), q + " mmap=" + mmap);
        }
      }
    }
  }

  @Test
  void streamingReadsEqualRead() {
    Frame data = everyType(10, 3000);
    Written w = write("stream", data);
    long b = ContractData.BASE_MICROS;
    List<Query> queries = List.of(Query.all(),
        Query.builder().timeRange(TimeRange.ofMicros(b + 333, b + 22_222)).columns("s").build(),
        Query.builder().where(Predicates.gt("i64", 0L)).columns("i64", "ts").build(),
        Query.builder().timeRange(TimeRange.ofMicros(b + 100, b + 29_000)).limit(1234).build(),
        Query.builder().timeRange(TimeRange.ofMicros(b - 100, b)).build());
    for (boolean mmap : new boolean[] {true, false}) {
      try (FormatReader r = open(w, mmap)) {
        for (Query q : queries) {
          BoundQuery bq = q.bind(r.schema());
          Set<Pushdown> pushed = r.pushdown(bq);
          Frame read = refine(r.read(bq), bq, pushed);
          for (int batch : new int[] {1, 7, 1000, Integer.MAX_VALUE}) {
            if (batch == 1 && q.equals(Query.all())) {
              continue; // 3000 one-row frames add nothing over seven-row ones
            }
            List<Frame> parts = new ArrayList<>();
            try (FrameStream s = r.stream(bq, batch)) {
              while (s.hasNext()) {
                Frame f = s.next();
                assertThat(f.schema()).isEqualTo(s.schema());
                parts.add(f);
              }
            }
            Frame streamed = parts.isEmpty() ? Frame.empty(bq.readSchema()) : Frame.concat(parts);
            assertSameFrame(refine(streamed, bq, pushed), read, q + " streamed in batches of "
                + batch + " mmap=" + mmap);
          }
          assertSameFrame(read, expected(data, q), q.toString());
        }
      }
    }
  }

  @Test
  void multiBatchWritesEqualOneBatch() {
    Frame data = everyType(11, 5000);
    Random rnd = new Random(11);
    List<Frame> batches = new ArrayList<>();
    int pos = 0;
    while (pos < data.rowCount()) {
      int k = Math.min(data.rowCount() - pos, rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(900));
      Frame slice = data.slice(pos, pos + k);
      // every other batch rebuilt from values so that its string dictionary is its own
      batches.add(rnd.nextBoolean() ? slice : rebuild(slice));
      pos += k;
    }
    batches.add(Frame.empty(data.schema()));
    Path file = dir.resolve("batches." + format().fileExtension());
    Written w = new Written(file, write(file, data.schema(), batches, -1));
    for (boolean mmap : new boolean[] {true, false}) {
      try (FormatReader r = open(w, mmap)) {
        assertThat(r.rowCount()).isEqualTo(5000);
        assertSameFrame(query(r, Query.all()), data, "multi-batch write, mmap=" + mmap);
        Query q = Query.builder().where(Predicates.eq("s", "a")).build();
        assertSameFrame(query(r, q), expected(data, q), q.toString());
      }
    }
  }

  /** The same rows in fresh heap columns; strings get a dictionary of their own order. */
  private static Frame rebuild(Frame f) {
    Frame.Builder b = Frame.builder();
    for (int c = 0; c < f.columnCount(); c++) {
      Column col = f.column(c);
      if (col instanceof StringColumn sc) {
        b.column(f.schema().field(c).name(), reversedDictionary(sc));
        continue;
      }
      ColumnBuilder cb = ColumnBuilder.of(col.type(), f.rowCount());
      for (int r = 0; r < f.rowCount(); r++) {
        cb.append(col.getObject(r));
      }
      b.column(f.schema().field(c).name(), cb.build());
    }
    return b.timeColumn(f.schema().timeColumn().orElseThrow()).build();
  }

  /**
   * The same strings over a dictionary in reverse order of first use, with an entry no row uses
   * and a code of -1 at null rows (codes at null rows are unspecified).
   */
  private static StringColumn reversedDictionary(StringColumn c) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (int r = 0; r < c.size(); r++) {
      if (!c.isNull(r)) {
        ids.putIfAbsent(c.get(r), ids.size());
      }
    }
    List<String> dict = new ArrayList<>(ids.keySet());
    Collections.reverse(dict);
    dict.add("an entry no row uses");
    Map<String, Integer> code = new HashMap<>();
    for (int i = 0; i < dict.size(); i++) {
      code.put(dict.get(i), i);
    }
    int[] codes = new int[c.size()];
    for (int r = 0; r < codes.length; r++) {
      codes[r] = c.isNull(r) ? -1 : code.get(c.get(r));
    }
    return StringColumn.ofCodes(IntColumn.wrap(ColumnType.INT32, codes, NullMask.none(codes.length)),
        StringDictionary.of(dict.toArray(new String[0])), c.nulls());
  }

  @ParameterizedTest(name = "memoryMapping={0}")
  @ValueSource(booleans = {true, false})
  void corruptionIsDetectedOrHarmless(boolean mmap) throws IOException {
    Frame data = everyType(12, 3000);
    Written w = write("corrupt", data);
    long size = Files.size(w.file());
    List<ByteRegion> regions = regions(w.file(), w.summary());
    assertThat(regions).as("regions named by the format").isNotEmpty();
    int copy = 0;
    for (ByteRegion region : regions) {
      assertThat(region.end()).as("region %s inside the file of %d bytes", region, size)
          .isLessThanOrEqualTo(size);
      for (long at : new long[] {region.offset(), region.offset() + region.length() / 2,
          region.end() - 1}) {
        Path bad = dir.resolve("flip-" + copy++ + "." + format().fileExtension());
        Files.copy(w.file(), bad);
        flip(bad, at, 1 << (int) (at % 8));
        readsCorruptOrCorrect(bad, w.summary(), data, "a bit flipped at byte " + at + " of "
            + region, true, mmap);
      }
    }
    for (long len : new long[] {0, 1, 7, size / 4, size / 2, size - 33, size - 8, size - 1}) {
      Path bad = dir.resolve("cut-" + len + "." + format().fileExtension());
      Files.copy(w.file(), bad);
      try (FileChannel ch = FileChannel.open(bad, StandardOpenOption.WRITE)) {
        ch.truncate(Math.max(0, len));
      }
      readsCorruptOrCorrect(bad, w.summary(), data, "the file cut to " + len + " of " + size
          + " bytes", true, mmap);
    }
  }

  @Test
  void everyByteFlipOfASmallFileIsDetectedOrHarmless() throws IOException {
    Frame data = everyType(13, 70);
    Written w = write("small", data);
    long size = Files.size(w.file());
    long step = Math.max(1, size / 1500);
    Path bad = dir.resolve("flipped." + format().fileExtension());
    Files.copy(w.file(), bad);
    for (long at = 0; at < size; at += step) {
      int mask = 1 << (at % 8);
      flip(bad, at, mask);
      // mapped and heap reads take turns, so that every combination with and without recorded
      // checksums is covered at the cost of one of them
      readsCorruptOrCorrect(bad, w.summary(), data, "a bit flipped at byte " + at + " of " + size,
          false, (at / step) % 2 == 0);
      flip(bad, at, mask);
    }
  }

  private static void flip(Path file, long at, int mask) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ mask));
      b.position(0);
      ch.write(b, at);
    }
  }

  /**
   * Every read must fail with CorruptDataException naming the file, or give the right rows; the
   * file is opened with the recorded checksums and without any, both times with {@code mmap}.
   */
  private void readsCorruptOrCorrect(Path file, WriteSummary summary, Frame data, String what,
      boolean thorough, boolean mmap) {
    long b = ContractData.BASE_MICROS;
    List<Query> queries = !thorough ? List.of(Query.all()) : List.of(Query.all(),
        Query.builder().timeRange(TimeRange.ofMicros(b + 1234, b + 5678)).columns("i64").build(),
        Query.builder().where(Predicates.gt("f64", 0.25)).columns("s", "flag").build());
    for (Map<String, String> checksums : List.of(summary.checksums(), Map.<String, String>of())) {
      String ctx = what + (checksums.isEmpty() ? " (no recorded checksums" : " (recorded "
          + "checksums") + ", mmap=" + mmap + ")";
      try (FormatReader r = format().openReader(new ReadSpec(file, checksums, mmap,
          "contract dataset " + file.getFileName()))) {
        for (Query q : queries) {
          assertSameFrame(query(r, q), expected(data, q), ctx + ": " + q);
          BoundQuery bq = q.bind(r.schema());
          try (FrameStream s = r.stream(bq, 500)) {
            assertSameFrame(refine(s.readAll(), bq, r.pushdown(bq)), expected(data, q),
                ctx + ": streamed " + q);
          }
        }
        if (thorough && format().capabilities().contains(Capability.BLOCK_READS)) {
          for (int k = 0; k < r.blocks().size(); k++) {
            Block blk = r.blocks().get(k);
            Column c = r.readBlock(k, "f64");
            assertThat(c).as("%s: block %d", ctx, k).isEqualTo(data.column("f64")
                .slice((int) blk.firstRow(), (int) blk.firstRow() + blk.rowCount()));
          }
        }
      } catch (CorruptDataException e) {
        assertThat(e.getMessage()).as("message of the CorruptDataException for %s", ctx)
            .contains(file.getFileName().toString());
      }
    }
  }

  @ParameterizedTest(name = "memoryMapping={0}")
  @ValueSource(booleans = {true, false})
  void recordedChecksumsAreChecked(boolean mmap) {
    Frame data = everyType(14, 500);
    Written w = write("recorded", data);
    for (Map.Entry<String, String> e : w.summary().checksums().entrySet()) {
      Map<String, String> wrong = new HashMap<>(w.summary().checksums());
      wrong.put(e.getKey(), e.getValue().equals("00000000") ? "00000001" : "00000000");
      assertThatThrownBy(() -> {
        try (FormatReader r = format().openReader(new ReadSpec(w.file(), wrong, mmap, "x"))) {
          r.read(Query.all().bind(r.schema()));
        }
      }).as("a reader opened with a wrong %s", e.getKey())
          .isInstanceOf(CorruptDataException.class);
    }
  }

  @Test
  void fileOfAnotherFormatIsRefused() throws IOException {
    byte[] random = new byte[4096];
    new Random(15).nextBytes(random);
    Path rnd = dir.resolve("random.bin");
    Files.write(rnd, random);
    Path csv = dir.resolve("ticks.csv");
    Files.writeString(csv, "timestamp,price\n2023-01-01T00:00:00Z,100.5\n", StandardCharsets.UTF_8);
    Path empty = dir.resolve("empty.bin");
    Files.write(empty, new byte[0]);
    for (Path p : List.of(rnd, csv, empty)) {
      assertThatThrownBy(() -> {
        try (FormatReader r = format().openReader(ReadSpec.of(p))) {
          r.read(Query.all().bind(r.schema()));
        }
      }).as("reading %s as %s", p.getFileName(), format().name())
          .isInstanceOf(CorruptDataException.class)
          .hasMessageContaining(p.getFileName().toString())
          .hasMessageContaining(format().name())
          .satisfies(e -> assertThat(e.getMessage().toLowerCase()).contains("not"));
    }
  }

  @Test
  void concurrentReadsOnOneReader() throws Exception {
    Frame data = everyType(16, 4000);
    Written w = write("concurrent", data);
    long b = ContractData.BASE_MICROS;
    List<Predicate> preds = ContractData.predicates();
    for (boolean mmap : new boolean[] {true, false}) {
      try (FormatReader r = open(w, mmap)) {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
          List<Future<?>> futures = new ArrayList<>();
          for (int t = 0; t < 4; t++) {
            Random rnd = new Random(100 + t);
            futures.add(pool.submit(() -> {
              for (int i = 0; i < 15; i++) {
                long from = b + rnd.nextInt(40_000);
                Query q = Query.builder()
                    .timeRange(TimeRange.ofMicros(from, from + rnd.nextInt(20_000)))
                    .where(rnd.nextBoolean() ? preds.get(rnd.nextInt(preds.size())) : null)
                    .build();
                assertSameFrame(query(r, q), expected(data, q), "concurrent " + q);
              }
              return null;
            }));
          }
          for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
          }
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  /**
   * A thread interrupted during a read must not break the reader for everyone else: readers are
   * shared by concurrent reads (the engine caches them), and an interrupted thread doing channel
   * I/O closes the channel for every thread.
   */
  @ParameterizedTest(name = "memoryMapping={0}")
  @ValueSource(booleans = {true, false})
  void anInterruptedReadLeavesTheReaderWorking(boolean mmap) throws Exception {
    Frame data = everyType(21, 3000);
    Written w = write("interrupted", data);
    long b = ContractData.BASE_MICROS;
    Query ranged = Query.builder().timeRange(TimeRange.ofMicros(b + 700, b + 25_000))
        .columns("s", "f64", "ts").build();
    try (FormatReader r = open(w, mmap)) {
      // reads on a thread whose interrupt flag is set, again and again: each fails with a
      // DataStoreException saying so, or gives the right rows; the flag stays set
      onAnotherThread(() -> {
        Thread.currentThread().interrupt();
        for (int k = 0; k < 3; k++) {
          readsRightOrSaysInterrupted(() -> assertSameFrame(query(r, Query.all()), data,
              "read on an interrupted thread"));
          readsRightOrSaysInterrupted(() -> {
            BoundQuery bq = ranged.bind(r.schema());
            try (FrameStream s = r.stream(bq, 400)) {
              assertSameFrame(refine(s.readAll(), bq, r.pushdown(bq)), expected(data, ranged),
                  "stream on an interrupted thread");
            }
          });
          if (format().capabilities().contains(Capability.BLOCK_READS)) {
            readsRightOrSaysInterrupted(() -> {
              Block blk = r.blocks().get(0);
              assertThat(r.readBlock(0, "s")).as("block 0 on an interrupted thread")
                  .isEqualTo(data.column("s").slice(0, blk.rowCount()));
            });
          }
          assertThat(Thread.currentThread().isInterrupted())
              .as("the interrupt flag of the thread after its read").isTrue();
        }
        return null;
      });
      // the same reader afterwards, on this thread and on another one
      assertSameFrame(query(r, Query.all()), data, "read after an interrupted read");
      assertSameFrame(query(r, ranged), expected(data, ranged), "ranged read after an interrupted read");
      onAnotherThread(() -> {
        assertSameFrame(query(r, Query.all()), data, "read on another thread after an interrupted read");
        return null;
      });
      // reads in flight on other threads while one thread is interrupted are not disturbed
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Integer> steady = pool.submit(() -> {
          int reads = 0;
          while (!stop.get() || reads < 3) {
            assertSameFrame(query(r, Query.all()), data, "read beside an interrupted read");
            reads++;
            started.countDown();
          }
          return reads;
        });
        assertThat(started.await(60, TimeUnit.SECONDS)).as("a first read beside").isTrue();
        pool.submit(() -> {
          Thread.currentThread().interrupt();
          readsRightOrSaysInterrupted(() -> assertSameFrame(query(r, Query.all()), data,
              "interrupted read beside others"));
          Thread.interrupted();
          return null;
        }).get(60, TimeUnit.SECONDS);
        stop.set(true);
        assertThat(steady.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(3);
      } finally {
        pool.shutdownNow();
      }
      assertSameFrame(query(r, ranged), expected(data, ranged), "ranged read at the end");
    }
  }

  /** Runs a read that may fail only with a DataStoreException saying it was interrupted. */
  private static void readsRightOrSaysInterrupted(Runnable read) {
    try {
      read.run();
    } catch (DataStoreException e) {
      assertThat(e).as("an interrupted read is neither corruption nor a closed reader")
          .isNotInstanceOf(CorruptDataException.class)
          .isNotInstanceOf(StoreClosedException.class);
      assertThat(e.getMessage()).as("message of the exception of an interrupted read")
          .containsIgnoringCase("interrupt");
    }
  }

  /** Runs {@code task} on a new thread and waits for it; its failure is rethrown here. */
  private static void onAnotherThread(Callable<Void> task) throws Exception {
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      one.submit(task).get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    } finally {
      one.shutdownNow();
    }
  }

  @Test
  void blockReadsCoverTheFile() {
    if (!format().capabilities().contains(Capability.BLOCK_READS)) {
      assertThatThrownBy(() -> {
        Written w = write("no-blocks", everyType(17, 10));
        try (FormatReader r = open(w, true)) {
          r.blocks();
        }
      }).as("a format without BLOCK_READS").isInstanceOf(UnsupportedOperationException.class);
      return;
    }
    Frame data = everyType(17, 3000);
    Written w = write("blocks", data);
    for (boolean mmap : new boolean[] {true, false}) {
      try (FormatReader r = open(w, mmap)) {
        long next = 0;
        for (int k = 0; k < r.blocks().size(); k++) {
          Block blk = r.blocks().get(k);
          assertThat(blk.firstRow()).as("block %d starts where the previous ended", k)
              .isEqualTo(next);
          int from = (int) blk.firstRow();
          int to = from + blk.rowCount();
          LongColumn ts = data.longs("ts");
          for (int row = from; row < to; row++) {
            assertThat(ts.get(row)).isBetween(blk.minTimeMicros(), blk.maxTimeMicros());
          }
          for (Field f : data.schema().fields()) {
            assertThat(r.readBlock(k, f.name())).as("block %d of %s", k, f.name())
                .isEqualTo(data.column(f.name()).slice(from, to));
          }
          next = to;
        }
        assertThat(next).isEqualTo(data.rowCount());
      }
    }
  }

  @Test
  void columnsStayValidAfterTheReaderCloses() {
    Frame data = everyType(18, 1500);
    Written w = write("closed", data);
    Frame got;
    try (FormatReader r = open(w, true)) {
      got = query(r, Query.all());
    }
    assertSameFrame(got, data, "a frame read before its reader closed");
  }

  @Test
  void writerRefusesABatchOfAnotherSchema() {
    Frame data = everyType(19, 10);
    Frame other = data.project("ts", "i64");
    Path file = dir.resolve("mismatch." + format().fileExtension());
    assertThatThrownBy(() -> write(file, data.schema(), List.of(data.slice(0, 5), other), -1))
        .isInstanceOf(DataStoreException.class).hasMessageContaining("schema");
  }

  @Test
  void writerRefusesAnUnknownCodec() throws IOException {
    Frame data = everyType(20, 10);
    Path file = dir.resolve("codec." + format().fileExtension());
    WriteSpec spec = new WriteSpec(data.schema(), "no-such-codec", 10, "codec test",
        writeOptions());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      assertThatThrownBy(() -> {
        try (FormatWriter wr = format().createWriter(new Target(
            format().capabilities().contains(Capability.WRITES_TO_PATH) ? null : ch, file), spec)) {
          wr.write(data);
          wr.finish();
        }
      }).isInstanceOf(DataStoreException.class).hasMessageContaining("no-such-codec");
    }
  }
}
