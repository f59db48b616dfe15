package org.optstore.format.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.BoundQuery;
import org.optstore.Column;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.DoubleColumn;
import org.optstore.FormatUnavailableException;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.InvalidConfigException;
import org.optstore.LongColumn;
import org.optstore.Predicate;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.SchemaException;
import org.optstore.Selection;
import org.optstore.StoreClosedException;
import org.optstore.StringColumn;
import org.optstore.TimeRange;
import org.optstore.spi.FormatReader;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.Pushdown;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteSummary;
import org.optstore.spi.WriteTarget;

class SerialFormatTest {
  private static final long BASE = 1_672_531_200_000_000L;

  @TempDir
  Path dir;

  // ------------------------------------------------------------------ helpers

  private WriteSummary write(SerialFormat format, Path file, List<Frame> batches, long expected,
      Map<String, String> options) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      WriteSpec spec = new WriteSpec(batches.get(0).schema(), "none", expected, file.toString(),
          options);
      try (FormatWriter w = format.createWriter(target(ch, file), spec)) {
        for (Frame b : batches) {
          w.write(b);
        }
        return w.finish();
      }
    }
  }

  private WriteSummary write(Path file, Frame frame, int blockRows) throws IOException {
    return write(new SerialFormat(), file, List.of(frame), frame.rowCount(),
        Map.of("block-rows", Integer.toString(blockRows)));
  }

  private static WriteTarget target(SeekableByteChannel ch, Path file) {
    return new WriteTarget() {
      @Override
      public SeekableByteChannel channel() {
        return ch;
      }

      @Override
      public Path path() {
        return file;
      }

      @Override
      public String description() {
        return "test file " + file.getFileName();
      }
    };
  }

  private static SerialReader open(SerialFormat format, Path file, WriteSummary s, boolean mmap) {
    return (SerialReader) format.openReader(new ReadSpec(file, s.checksums(), mmap, file.toString()));
  }

  /** Random data: sorted (or not) time, nullable numbers with NaN, strings with nulls. */
  private static Frame randomFrame(Random rnd, int rows, boolean sorted) {
    long[] ts = new long[rows];
    long t = BASE;
    for (int i = 0; i < rows; i++) {
      t += sorted ? rnd.nextInt(3) : 0;
      ts[i] = sorted ? t : BASE + rnd.nextInt(Math.max(1, rows * 2));
    }
    ColumnBuilder v = ColumnBuilder.of(ColumnType.INT64, rows);
    ColumnBuilder x = ColumnBuilder.of(ColumnType.FLOAT64, rows);
    ColumnBuilder f = ColumnBuilder.of(ColumnType.FLOAT32, rows);
    ColumnBuilder i32 = ColumnBuilder.of(ColumnType.INT32, rows);
    ColumnBuilder b = ColumnBuilder.of(ColumnType.BOOL, rows);
    ColumnBuilder s = ColumnBuilder.of(ColumnType.STRING, rows);
    for (int i = 0; i < rows; i++) {
      if (rnd.nextInt(7) == 0) {
        v.appendNull();
      } else {
        v.appendLong(i + rnd.nextInt(100));
      }
      int k = rnd.nextInt(20);
      if (k == 0) {
        x.appendNull();
      } else {
        x.appendDouble(k == 1 ? Double.NaN : rnd.nextGaussian());
      }
      f.appendFloat(k == 2 ? Float.NaN : rnd.nextFloat());
      if (rnd.nextInt(9) == 0) {
        i32.appendNull();
      } else {
        i32.appendInt(rnd.nextInt(50));
      }
      b.appendBoolean(rnd.nextBoolean());
      s.appendString(rnd.nextInt(6) == 0 ? null : "k" + rnd.nextInt(40));
    }
    return Frame.builder().column("ts", LongColumn.timestamps(ts)).column("v", v.build())
        .column("x", x.build()).column("f", f.build()).column("i", i32.build())
        .column("b", b.build()).column("s", s.build()).build();
  }

  private static Frame expected(Frame all, Query query) {
    BoundQuery q = query.bind(all.schema());
    LongColumn t = all.longs("ts");
    int[] keep = new int[all.rowCount()];
    int k = 0;
    int limit = q.limit().isPresent() ? q.limit().getAsInt() : Integer.MAX_VALUE;
    for (int r = 0; r < all.rowCount() && k < limit; r++) {
      if (q.timeRange().contains(t.get(r)) && (q.predicate().isEmpty()
          || Boolean.TRUE.equals(q.predicate().get().evaluate(all, r)))) {
        keep[k++] = r;
      }
    }
    return all.select(Selection.ofPositions(all.rowCount(), keep, k)).project(q.outputColumns());
  }

  private static Frame refine(Frame out, BoundQuery q, java.util.Set<Pushdown> pushed) {
    LongColumn t = q.hasTimeRange() ? out.longs("ts") : null;
    int[] keep = new int[out.rowCount()];
    int k = 0;
    int limit = !pushed.contains(Pushdown.LIMIT) && q.limit().isPresent()
        ? q.limit().getAsInt() : Integer.MAX_VALUE;
    for (int r = 0; r < out.rowCount() && k < limit; r++) {
      if ((t == null || pushed.contains(Pushdown.TIME_RANGE) || q.timeRange().contains(t.get(r)))
          && (q.predicate().isEmpty()
          || Boolean.TRUE.equals(q.predicate().get().evaluate(out, r)))) {
        keep[k++] = r;
      }
    }
    return out.select(Selection.ofPositions(out.rowCount(), keep, k)).project(q.outputColumns());
  }

  private static Query randomQuery(Random rnd, Frame data) {
    Query.Builder q = Query.builder();
    LongColumn ts = data.longs("ts");
    if (rnd.nextInt(4) != 0 && data.rowCount() > 0) {
      long a = ts.get(rnd.nextInt(data.rowCount())) + rnd.nextInt(3) - 1;
      long b = ts.get(rnd.nextInt(data.rowCount())) + rnd.nextInt(3) - 1;
      q.timeRange(TimeRange.ofMicros(Math.min(a, b), Math.max(a, b)));
    }
    List<Predicate> preds = List.of(Predicates.gt("v", 1000L), Predicates.lt("x", 0.0),
        Predicates.ne("x", Double.NaN), Predicates.isNull("v"), Predicates.eq("s", "k7"),
        Predicates.not(Predicates.ge("i", 25)), Predicates.eq("b", true),
        Predicates.or(Predicates.le("f", 0.1), Predicates.isNull("s")),
        Predicates.between("v", 200L, 900L));
    if (rnd.nextBoolean()) {
      q.where(preds.get(rnd.nextInt(preds.size())));
    }
    if (rnd.nextInt(3) == 0) {
      q.columns(rnd.nextBoolean() ? List.of("s", "x") : List.of("ts", "v", "b", "f"));
    }
    if (rnd.nextInt(5) == 0) {
      q.limit(rnd.nextInt(200));
    }
    return q.build();
  }

  // ------------------------------------------------------------------ tests

  @Test
  void mmapAndHeapReadsGiveIdenticalFramesOnRandomData() throws IOException {
    Random rnd = new Random(20240601L);
    for (int iter = 0; iter < 40; iter++) {
      int rows = rnd.nextInt(5) == 0 ? rnd.nextInt(3) : rnd.nextInt(6000);
      Frame data = randomFrame(rnd, rows, rnd.nextInt(4) != 0);
      int blockRows = 64 * (1 + rnd.nextInt(16));
      long expected = switch (rnd.nextInt(4)) {
        case 0 -> -1;
        case 1 -> rows;
        case 2 -> rows * 3L + 1;
        default -> Math.max(1, rows / 3);
      };
      List<Frame> batches = new ArrayList<>();
      for (int p = 0; p < rows; ) {
        int k = Math.min(rows - p, rnd.nextInt(2000));
        batches.add(data.slice(p, p + k));
        p += k;
      }
      if (batches.isEmpty()) {
        batches.add(data);
      }
      SerialFormat format = rnd.nextBoolean() ? new SerialFormat() : new SerialFormat(
          64L * (1 + rnd.nextInt(64)));
      Path file = dir.resolve("random-" + iter + ".osr");
      WriteSummary s = write(format, file, batches, expected,
          Map.of("block-rows", Integer.toString(blockRows)));
      String ctx = "iteration " + iter + " (" + rows + " rows, blocks of " + blockRows
          + ", expected " + expected + ")";
      try (SerialReader mapped = open(format, file, s, true);
          SerialReader heap = open(format, file, s, false)) {
        for (int qi = 0; qi < 12; qi++) {
          Query query = qi == 0 ? Query.all() : randomQuery(rnd, data);
          BoundQuery q = query.bind(data.schema());
          Frame m = mapped.read(q);
          Frame h = heap.read(q);
          assertThat(m).as("%s: mmap vs heap for %s", ctx, query).isEqualTo(h);
          assertThat(refine(m, q, mapped.pushdown(q))).as("%s: %s", ctx, query)
              .isEqualTo(expected(data, query));
          for (Column c : h.columns()) {
            assertThat(c.isHeapBacked()).isTrue();
          }
          try (FrameStream st = mapped.stream(q, 1 + rnd.nextInt(700))) {
            assertThat(refine(st.readAll(), q, mapped.pushdown(q)))
                .as("%s: stream of %s", ctx, query).isEqualTo(expected(data, query));
          }
        }
      }
    }
  }

  @Test
  void knownRowCountGivesOneContiguousAlignedRegionPerColumnReadWithoutCopy() throws IOException {
    Frame data = randomFrame(new Random(1), 10_000, true);
    Path file = dir.resolve("exact.osr");
    WriteSummary s = write(file, data, 1024);
    SerialFiles.Layout l = SerialFiles.inspect(file);
    assertThat(l.footer().extentRows).containsExactly(10_000);
    for (long off : l.footer().extentOffsets[0]) {
      assertThat(off % 64).isZero();
    }
    assertThat(l.header().length()).isLessThanOrEqualTo((int) l.footer().extentOffsets[0][0]);
    try (SerialReader r = open(new SerialFormat(), file, s, true)) {
      Frame all = r.read(Query.all().bind(r.schema()));
      assertThat(all).isEqualTo(data);
      for (Column c : all.columns()) {
        assertThat(c.isHeapBacked()).as("column %s", c.type()).isFalse();
      }
      assertThat(all.longs("v").segmentCount()).isEqualTo(1);
      assertThat(all.doubles("x").segment(0).isDirect()).isTrue();
      Frame cut = r.read(Query.builder().timeRange(TimeRange.ofMicros(BASE + 100, BASE + 5000))
          .build().bind(r.schema()));
      assertThat(cut.longs("ts").isHeapBacked()).isFalse();
      assertThat(cut.longs("ts").segmentCount()).isEqualTo(1);
    }
  }

  @Test
  void unknownRowCountGrowsExtentsAndAnOverestimateCompactsToTheExactBytes() throws IOException {
    Frame data = randomFrame(new Random(2), 9_000, true);
    List<Frame> batches = new ArrayList<>();
    for (int p = 0; p < 9_000; p += 1000) {
      batches.add(data.slice(p, p + 1000));
    }
    Map<String, String> opt = Map.of("block-rows", "256");
    SerialFormat f = new SerialFormat();
    Path unknown = dir.resolve("unknown.osr");
    Path exact = dir.resolve("exact.osr");
    Path over = dir.resolve("over.osr");
    WriteSummary su = write(f, unknown, batches, -1, opt);
    write(f, exact, batches, 9_000, opt);
    write(f, over, batches, 90_000, opt);
    assertThat(java.util.Arrays.equals(Files.readAllBytes(over), Files.readAllBytes(exact)))
        .as("an overestimated row count compacts to the bytes of the exact one").isTrue();
    SerialFiles.Layout l = SerialFiles.inspect(unknown);
    assertThat(l.footer().extentRows.length).isGreaterThan(3);
    assertThat(Files.size(unknown)).isLessThan(Files.size(exact) + 64L * 7 * 12 + 4096);
    try (SerialReader r = open(f, unknown, su, true)) {
      Frame all = r.read(Query.all().bind(r.schema()));
      assertThat(all).isEqualTo(data);
      assertThat(all.longs("v").segmentCount()).isEqualTo(l.footer().extentRows.length);
    }
  }

  @Test
  void columnsLargerThanOneMappingAreSplitOverSeveralMappings() throws IOException {
    Frame data = randomFrame(new Random(3), 5_000, true);
    Path file = dir.resolve("pieces.osr");
    WriteSummary s = write(file, data, 64);
    SerialFormat small = new SerialFormat(2048); // 4 blocks of longs per mapping
    try (SerialReader r = open(small, file, s, true)) {
      Frame all = r.read(Query.all().bind(r.schema()));
      assertThat(all).isEqualTo(data);
      assertThat(r.mappedPieces(data.schema().indexOf("v"))).isEqualTo((5_000 + 255) / 256);
      LongColumn v = all.longs("v");
      assertThat(v.segmentCount()).isEqualTo(20);
      long[] copy = new long[700];
      v.copyTo(250, copy, 0, 700);
      assertThat(copy).isEqualTo(java.util.Arrays.copyOfRange(data.longs("v").toArray(), 250, 950));
      assertThat(v.slice(255, 1025)).isEqualTo(data.longs("v").slice(255, 1025));
      Frame range = r.read(Query.builder().timeRange(TimeRange.ofMicros(
          data.longs("ts").get(300), data.longs("ts").get(1300))).build().bind(r.schema()));
      assertThat(range.longs("v").segmentCount()).isGreaterThan(1);
      assertThat(range.longs("v").isHeapBacked()).isFalse();
    }
  }

  @Test
  void mappedBlocksAreVerifiedOnceAndHeapBlocksOnEveryRead() throws IOException {
    Frame data = randomFrame(new Random(4), 3_000, true);
    Path file = dir.resolve("once.osr");
    WriteSummary s = write(file, data, 256);
    BoundQuery all = Query.all().bind(data.schema());
    try (SerialReader r = open(new SerialFormat(), file, s, true)) {
      r.read(all);
      long first = r.checksumsComputed();
      assertThat(first).isEqualTo(7L * 12); // 7 columns, 12 blocks
      r.read(all);
      r.read(Query.builder().timeRange(TimeRange.ofMicros(BASE + 10, BASE + 900)).build()
          .bind(data.schema()));
      assertThat(r.checksumsComputed()).isEqualTo(first);
    }
    try (SerialReader r = open(new SerialFormat(), file, s, false)) {
      r.read(all);
      long first = r.checksumsComputed();
      r.read(all);
      assertThat(r.checksumsComputed()).isEqualTo(2 * first);
    }
  }

  @Test
  void aFlippedBitIsReportedByFileColumnAndBlockAndUntouchedBlocksStillRead() throws IOException {
    Frame data = randomFrame(new Random(5), 3_000, true);
    Path file = dir.resolve("flip.osr");
    WriteSummary s = write(file, data, 256);
    SerialFiles.Layout l = SerialFiles.inspect(file);
    int v = data.schema().indexOf("v");
    long at = l.blockOffset(v, 5) + 17;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 4)).position(0);
      ch.write(b, at);
    }
    for (boolean mmap : new boolean[] {true, false}) {
      try (SerialReader r = open(new SerialFormat(), file, s, mmap)) {
        Query early = Query.builder().timeRange(TimeRange.ofMicros(BASE,
            data.longs("ts").get(5 * 256))).build();
        Frame got = r.read(early.bind(r.schema()));
        assertThat(refine(got, early.bind(r.schema()), r.pushdown(early.bind(r.schema()))))
            .isEqualTo(expected(data, early));
        assertThat(r.read(Query.builder().columns("x").build().bind(r.schema())).doubles("x"))
            .isEqualTo(data.doubles("x"));
        assertThatThrownBy(() -> r.read(Query.all().bind(r.schema())))
            .isInstanceOf(CorruptDataException.class)
            .hasMessageContaining("block 5 ")
            .hasMessageContaining("column 'v'")
            .hasMessageContaining(file.toString());
      }
    }
  }

  @Test
  void zoneMapsPruneBlocksWithoutTouchingThem() throws IOException {
    int rows = 4_096;
    long[] v = new long[rows];
    long[] ts = new long[rows];
    for (int i = 0; i < rows; i++) {
      v[i] = i;
      ts[i] = BASE + i;
    }
    Frame data = Frame.builder().column("ts", LongColumn.timestamps(ts))
        .column("v", LongColumn.of(v)).build();
    Path file = dir.resolve("zones.osr");
    WriteSummary s = write(file, data, 512);
    // damage block 0 of v: a query whose zone maps exclude block 0 must never touch it
    SerialFiles.Layout l = SerialFiles.inspect(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {99}), l.blockOffset(1, 0) + 8);
    }
    try (SerialReader r = open(new SerialFormat(), file, s, true)) {
      Query q = Query.builder().where(Predicates.ge("v", 3000L)).build();
      BoundQuery bq = q.bind(r.schema());
      assertThat(r.pushdown(bq)).containsExactly(Pushdown.TIME_RANGE);
      Frame got = r.read(bq);
      assertThat(got.rowCount()).isEqualTo(rows - 5 * 512);
      assertThat(refine(got, bq, r.pushdown(bq))).isEqualTo(expected(data, q));
      Query not = Query.builder().where(Predicates.not(Predicates.lt("v", 1024L))).build();
      assertThat(r.read(not.bind(r.schema())).rowCount()).isEqualTo(rows - 2 * 512);
      Query none = Query.builder().where(Predicates.isNull("v")).build();
      assertThat(r.read(none.bind(r.schema())).rowCount()).isZero();
      assertThatThrownBy(() -> r.read(Query.all().bind(r.schema())))
          .isInstanceOf(CorruptDataException.class).hasMessageContaining("block 0 ");
    }
  }

  @Test
  void pushdownReportsTheExactTimeRangeAndTheLimitOnlyWithoutAPredicate() throws IOException {
    Frame data = randomFrame(new Random(6), 500, false);
    Path file = dir.resolve("pushdown.osr");
    WriteSummary s = write(file, data, 64);
    try (SerialReader r = open(new SerialFormat(), file, s, true)) {
      BoundQuery limited = Query.builder().timeRange(TimeRange.ofMicros(BASE, BASE + 300))
          .limit(5).build().bind(r.schema());
      assertThat(r.pushdown(limited)).containsExactlyInAnyOrder(Pushdown.TIME_RANGE,
          Pushdown.LIMIT);
      Frame f = r.read(limited);
      assertThat(f.rowCount()).isEqualTo(5);
      assertThat(f).isEqualTo(expected(data, limited.query()).project(f.schema().names()));
      BoundQuery filtered = Query.builder().where(Predicates.gt("v", 10L)).limit(5).build()
          .bind(r.schema());
      assertThat(r.pushdown(filtered)).containsExactly(Pushdown.TIME_RANGE);
    }
  }

  @Test
  void aNewerLayoutVersionIsRefusedByNameAndVersion() throws IOException {
    Frame data = randomFrame(new Random(7), 10, true);
    Path file = dir.resolve("future.osr");
    WriteSummary s = write(file, data, 64);
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(SerialLayout.ORDER);
    b.putInt(8, 2);
    int len = b.getInt(12);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, len - 4);
    b.putInt(len - 4, (int) crc.getValue());
    Files.write(file, bytes);
    assertThatThrownBy(() -> open(new SerialFormat(), file, s, true))
        .isInstanceOf(FormatUnavailableException.class)
        .hasMessageContaining("'serial'")
        .hasMessageContaining("version 2")
        .hasMessageContaining("versions up to 1");
  }

  @Test
  void onlyTheNoneCodecIsAcceptedAndOptionsAreChecked() throws IOException {
    Frame data = randomFrame(new Random(8), 10, true);
    SerialFormat f = new SerialFormat();
    assertThat(f.codecs()).containsExactly("none");
    assertThat(f.defaultCodec()).isEqualTo("none");
    assertThat(f.priority()).isEqualTo(10);
    try (FileChannel ch = FileChannel.open(dir.resolve("c.osr"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      WriteTarget t = target(ch, dir.resolve("c.osr"));
      assertThatThrownBy(() -> f.createWriter(t, new WriteSpec(data.schema(), "snappy", -1,
          "dataset 'x'", Map.of())))
          .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'snappy'")
          .hasMessageContaining("[none]");
      for (String bad : new String[] {"100", "0", "abc", "33554432"}) {
        assertThatThrownBy(() -> f.createWriter(t, new WriteSpec(data.schema(), "none", -1,
            "dataset 'x'", Map.of("block-rows", bad))))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'" + bad + "'");
      }
      assertThatThrownBy(() -> f.createWriter(t, new WriteSpec(data.schema(), "none", -1,
          "dataset 'x'", Map.of("row-group-rows", "5"))))
          .isInstanceOf(InvalidConfigException.class).hasMessageContaining("row-group-rows");
    }
    Path ok = dir.resolve("default-codec.osr");
    try (FileChannel ch = FileChannel.open(ok, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      try (FormatWriter w = f.createWriter(target(ch, ok), new WriteSpec(data.schema(), "default",
          -1, "x", Map.of()))) {
        w.write(data);
        assertThat(w.finish().rowCount()).isEqualTo(10);
      }
    }
  }

  @Test
  void aWriterRefusesWorkAfterItFinishedWasClosedOrFailed() throws IOException {
    Frame data = randomFrame(new Random(13), 100, true);
    SerialFormat f = new SerialFormat();
    Path done = dir.resolve("done.osr");
    try (FileChannel ch = FileChannel.open(done, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FormatWriter w = f.createWriter(target(ch, done), new WriteSpec(data.schema(), "none", -1,
          "dataset 'd'", Map.of()));
      w.write(data);
      assertThat(w.finish().rowCount()).isEqualTo(100);
      assertThatThrownBy(() -> w.write(data))
          .isExactlyInstanceOf(org.optstore.DataStoreException.class)
          .hasMessage("cannot write a batch: the writer of test file done.osr is already "
              + "finished after 100 rows; write a new file with a new writer");
      assertThatThrownBy(w::finish)
          .isExactlyInstanceOf(org.optstore.DataStoreException.class)
          .hasMessageStartingWith("cannot finish: the writer of test file done.osr is already "
              + "finished");
      w.close();
    }
    Path abandoned = dir.resolve("abandoned.osr");
    try (FileChannel ch = FileChannel.open(abandoned, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FormatWriter w = f.createWriter(target(ch, abandoned), new WriteSpec(data.schema(), "none",
          -1, "dataset 'a'", Map.of()));
      w.write(data);
      w.close();
      assertThatThrownBy(w::finish)
          .isExactlyInstanceOf(org.optstore.DataStoreException.class)
          .hasMessageContaining("abandoned.osr is already closed (the file was abandoned)");
    }
    Frame bad = Frame.builder().column("s", StringColumn.of("ok", "bad\ud800")).noTimeColumn()
        .build();
    Path failed = dir.resolve("failed.osr");
    try (FileChannel ch = FileChannel.open(failed, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FormatWriter w = f.createWriter(target(ch, failed), new WriteSpec(bad.schema(), "none", -1,
          "dataset 'f'", Map.of()));
      assertThatThrownBy(() -> w.write(bad)).isInstanceOf(SchemaException.class);
      Frame good = Frame.builder().column("s", StringColumn.of("fine")).noTimeColumn().build();
      assertThatThrownBy(() -> w.write(good))
          .isExactlyInstanceOf(org.optstore.DataStoreException.class)
          .hasMessageContaining("failed.osr failed earlier, so the file is incomplete");
      assertThatThrownBy(w::finish)
          .isExactlyInstanceOf(org.optstore.DataStoreException.class)
          .hasMessageStartingWith("cannot finish: the writer of test file failed.osr failed "
              + "earlier");
      w.close();
    }
  }

  @Test
  void anUnpairedSurrogateIsRefusedAtWrite() {
    Frame data = Frame.builder().column("s", StringColumn.of("ok", "bad\ud800")).noTimeColumn()
        .build();
    assertThatThrownBy(() -> write(dir.resolve("s.osr"), data, 64))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'s'")
        .hasMessageContaining("surrogate");
  }

  @Test
  void aClosedReaderRefusesReadsButItsFramesStayValid() throws IOException {
    Frame data = randomFrame(new Random(9), 1000, true);
    Path file = dir.resolve("closed.osr");
    WriteSummary s = write(file, data, 128);
    SerialReader r = open(new SerialFormat(), file, s, true);
    Frame before = r.read(Query.all().bind(r.schema()));
    r.close();
    assertThat(before).isEqualTo(data);
    assertThatThrownBy(() -> r.read(Query.all().bind(data.schema())))
        .isInstanceOf(StoreClosedException.class).hasMessageContaining(file.toString());
  }

  @Test
  void anInterruptedReaderThreadDoesNotBreakTheSharedReader() throws Exception {
    Frame data = randomFrame(new Random(10), 2000, true);
    Path file = dir.resolve("interrupt.osr");
    WriteSummary s = write(file, data, 64);
    try (SerialReader r = open(new SerialFormat(), file, s, false)) {
      Thread t = new Thread(() -> {
        Thread.currentThread().interrupt();
        try {
          r.read(Query.all().bind(data.schema()));
        } catch (RuntimeException expected) {
          // the interrupted read may fail; the reader must survive it
        }
      });
      t.start();
      t.join();
      assertThat(r.read(Query.all().bind(data.schema()))).isEqualTo(data);
    }
  }

  private static Object field(SerialReader r, String name) throws ReflectiveOperationException {
    java.lang.reflect.Field f = SerialReader.class.getDeclaredField(name);
    f.setAccessible(true);
    return f.get(r);
  }

  @Test
  void closeWaitsForAReopenInProgressSoThatNoChannelLeaks() throws Exception {
    Frame data = randomFrame(new Random(11), 500, true);
    Path file = dir.resolve("close-race.osr");
    WriteSummary s = write(file, data, 64);
    SerialReader r = open(new SerialFormat(), file, s, false);
    Object reopenLock = field(r, "reopenLock");
    Thread closer = new Thread(r::close, "closer");
    synchronized (reopenLock) { // as recover() holds it while it reopens the channel
      closer.start();
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (closer.getState() != Thread.State.BLOCKED && closer.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(closer.getState()).as("close waits for the reopen").isEqualTo(
          Thread.State.BLOCKED);
      assertThat(((FileChannel) field(r, "channel")).isOpen()).isTrue();
    }
    closer.join(30_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(((FileChannel) field(r, "channel")).isOpen()).isFalse();
    assertThatThrownBy(() -> r.read(Query.all().bind(data.schema())))
        .isInstanceOf(StoreClosedException.class);
  }

  @Test
  void interruptedReadsRacingCloseLeaveNoChannelOpen() throws Exception {
    Frame data = randomFrame(new Random(12), 500, true);
    Path file = dir.resolve("interrupt-close.osr");
    WriteSummary s = write(file, data, 64);
    for (int i = 0; i < 100; i++) {
      SerialReader r = open(new SerialFormat(), file, s, false);
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      Thread reader = new Thread(() -> {
        try {
          go.await();
          Thread.currentThread().interrupt();
          r.read(Query.all().bind(data.schema()));
        } catch (InterruptedException | RuntimeException expected) {
          // interrupted, or closed under it: either way the reader must not leak a channel
        }
      });
      reader.start();
      go.countDown();
      r.close();
      reader.join(30_000);
      assertThat(reader.isAlive()).isFalse();
      assertThat(((FileChannel) field(r, "channel")).isOpen()).as("iteration %d", i).isFalse();
    }
  }

  @Test
  void readsFromANonNativeFramesColumnsWriteIdentically() throws IOException {
    // batches whose columns are read-only views of big-endian buffers must still be written LE
    double[] values = {1.5, -2.25, Double.NaN, 0.0};
    ByteBuffer be = ByteBuffer.allocate(32);
    be.asDoubleBuffer().put(values);
    Frame data = Frame.builder().column("x", DoubleColumn.ofBuffers(ColumnType.FLOAT64,
        List.of(be.asDoubleBuffer()), org.optstore.NullMask.none(4))).noTimeColumn().build();
    Path file = dir.resolve("endian.osr");
    WriteSummary s = write(file, data, 64);
    try (SerialReader r = open(new SerialFormat(), file, s, true)) {
      assertThat(r.read(Query.all().bind(r.schema())).doubles("x").toArray())
          .containsExactly(values);
    }
  }

  @Test
  void allNullColumnsRoundTripAndPruneEveryBlock() throws IOException {
    int rows = 300;
    Frame.Builder fb = Frame.builder();
    for (ColumnType type : ColumnType.values()) {
      ColumnBuilder b = ColumnBuilder.of(type, rows);
      for (int i = 0; i < rows; i++) {
        b.appendNull();
      }
      fb.column(type.name().toLowerCase(java.util.Locale.ROOT), b.build());
    }
    Frame data = fb.noTimeColumn().build();
    Path file = dir.resolve("nulls.osr");
    WriteSummary s = write(file, data, 64);
    for (boolean mmap : new boolean[] {true, false}) {
      try (SerialReader r = open(new SerialFormat(), file, s, mmap)) {
        assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(data);
        assertThat(r.blocks()).hasSize(5).allSatisfy(b -> {
          assertThat(b.minTimeMicros()).isEqualTo(Long.MIN_VALUE);
          assertThat(b.maxTimeMicros()).isEqualTo(Long.MAX_VALUE);
        });
        for (Predicate p : List.of(Predicates.ne("int64", 0L), Predicates.eq("string", ""),
            Predicates.ne("float64", Double.NaN), Predicates.not(Predicates.lt("int32", 0)))) {
          assertThat(r.read(Query.builder().where(p).build().bind(r.schema())).rowCount())
              .as("%s on all-null blocks", p).isZero();
        }
        assertThat(r.read(Query.builder().where(Predicates.isNull("bool")).build()
            .bind(r.schema())).rowCount()).isEqualTo(rows);
      }
    }
  }
}
