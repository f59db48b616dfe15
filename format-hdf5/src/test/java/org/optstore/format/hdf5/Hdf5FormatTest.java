package org.optstore.format.hdf5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.BoolColumn;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.DoubleColumn;
import org.optstore.FloatColumn;
import org.optstore.FormatUnavailableException;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.IntColumn;
import org.optstore.InvalidConfigException;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Query;
import org.optstore.SchemaException;
import org.optstore.StringColumn;
import org.optstore.TimeRange;
import org.optstore.spi.Availability;
import org.optstore.spi.Block;
import org.optstore.spi.FormatReader;
import org.optstore.spi.Pushdown;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteSummary;

class Hdf5FormatTest {

  @TempDir Path dir;

  /** Every type, nulls in every column but the time column, values chosen to hit edge cases. */
  static Frame everyType(int n, long seed) {
    Random rnd = new Random(seed);
    long[] ts = new long[n];
    long[] i64 = new long[n];
    int[] i32 = new int[n];
    double[] f64 = new double[n];
    float[] f32 = new float[n];
    boolean[] b = new boolean[n];
    String[] s = new String[n];
    boolean[] nul = new boolean[n];
    String[] words = {"", "a", "é", "日本語", "x y", "SYM042", "%/_", "emoji \uD83D\uDE00"};
    for (int r = 0; r < n; r++) {
      ts[r] = TicksFrames.START_MICROS + (r % 10 == 5 ? r - 2 : r) * 1_000_000L;
      i64[r] = r % 7 == 0 ? Long.MIN_VALUE + r : rnd.nextLong();
      i32[r] = r % 5 == 0 ? Integer.MAX_VALUE : rnd.nextInt();
      f64[r] = r % 11 == 0 ? Double.NaN : r % 13 == 0 ? Double.NEGATIVE_INFINITY : rnd.nextGaussian();
      f32[r] = r % 17 == 0 ? -0.0f : rnd.nextFloat();
      b[r] = rnd.nextBoolean();
      s[r] = r % 4 == 3 ? null : words[rnd.nextInt(words.length)];
      nul[r] = r % 4 == 1;
    }
    return Frame.builder()
        .column("timestamp", LongColumn.wrap(ColumnType.TIMESTAMP, ts, NullMask.none(n)))
        .column("i64", LongColumn.wrap(ColumnType.INT64, i64, NullMask.of(nul)))
        .column("i32", IntColumn.wrap(ColumnType.INT32, i32, NullMask.of(nul)))
        .column("f64", DoubleColumn.wrap(ColumnType.FLOAT64, f64, NullMask.of(nul)))
        .column("f32", FloatColumn.wrap(ColumnType.FLOAT32, f32, NullMask.none(n)))
        .column("bool", BoolColumn.of(b, NullMask.of(nul)))
        .column("str", StringColumn.of(s))
        .column("_odd/name%", LongColumn.wrap(ColumnType.INT64, i64.clone(), NullMask.none(n)))
        .timeColumn("timestamp")
        .build();
  }

  @Test
  void roundTripsEveryTypeWithNullsAcrossChunksAndBatches() {
    Frame f = everyType(1000, 1);
    Path p = dir.resolve("all.h5");
    WriteSummary s = Hdf5Files.write(p, f, 97, 64, "deflate-1");
    assertThat(s.rowCount()).isEqualTo(1000);
    assertThat(s.checksums()).containsKey(Hdf5Layout.CHECKSUM_KEY);
    try (FormatReader r = Hdf5Files.open(p, s)) {
      assertThat(r.schema()).isEqualTo(f.schema());
      assertThat(r.rowCount()).isEqualTo(1000);
      Frame back = r.read(Query.all().bind(r.schema()));
      assertThat(back).isEqualTo(f);
      // the time column is not sorted (row 5 of every ten steps back): no time-range pushdown
      assertThat(r.pushdown(Query.builder().timeRange(TimeRange.ofMicros(0, 1)).build().bind(r.schema()))).isEmpty();
    }
  }

  @Test
  void roundTripsWithEveryCodecAndOneChunk() {
    Frame f = everyType(50, 2);
    for (String codec : List.of("none", "deflate-9")) {
      Path p = dir.resolve(codec + ".h5");
      WriteSummary s = Hdf5Files.write(p, f, 50, 65536, codec);
      try (FormatReader r = Hdf5Files.open(p, s)) {
        assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(f);
      }
    }
  }

  @Test
  void emptyAndOneRowFiles() {
    Frame f = everyType(1, 3);
    for (int n : new int[] {0, 1}) {
      Frame part = f.slice(0, n);
      Path p = dir.resolve("n" + n + ".h5");
      WriteSummary s = Hdf5Files.write(p, part, 10, 16, "deflate-1");
      try (FormatReader r = Hdf5Files.open(p, s)) {
        assertThat(r.rowCount()).isEqualTo(n);
        assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(part);
        Frame ranged = r.read(Query.builder().timeRange(TimeRange.ofMicros(0, Long.MAX_VALUE - 1)).build()
            .bind(r.schema()));
        assertThat(ranged.rowCount()).isEqualTo(n);
      }
    }
  }

  @Test
  void timeRangesAreCutExactlyAtEveryBoundary() {
    Frame f = TicksFrames.ticks(1000);
    Path p = dir.resolve("ticks.h5");
    WriteSummary s = Hdf5Files.write(p, f, 333, 64, "deflate-1");
    long t0 = TicksFrames.START_MICROS;
    long[] bounds = {Long.MIN_VALUE, t0 - 1, t0, t0 + 1, t0 + 63_000_000L, t0 + 64_000_000L, t0 + 64_000_001L,
        t0 + 500_500_000L, t0 + 999_000_000L, t0 + 999_000_001L, t0 + 1_000_000_000L, Long.MAX_VALUE};
    try (FormatReader r = Hdf5Files.open(p, s)) {
      for (long from : bounds) {
        for (long to : bounds) {
          if (to < from) {
            continue;
          }
          var q = Query.builder().timeRange(TimeRange.ofMicros(from, to)).build().bind(r.schema());
          assertThat(r.pushdown(q)).containsExactly(Pushdown.TIME_RANGE);
          Frame got = r.read(q);
          int lo = expectedFirst(from, t0, 1000);
          int hi = Math.max(lo, expectedFirst(to, t0, 1000));
          assertThat(got).as("[%d, %d)", from, to).isEqualTo(f.slice(lo, hi));
        }
      }
    }
  }

  private static int expectedFirst(long t, long t0, int n) {
    for (int i = 0; i < n; i++) {
      if (t0 + i * 1_000_000L >= t) {
        return i;
      }
    }
    return n;
  }

  @Test
  void projectionReadsOnlyTheAskedColumnsAndStreamsInBatches() {
    Frame f = TicksFrames.ticks(500);
    Path p = dir.resolve("proj.h5");
    WriteSummary s = Hdf5Files.write(p, f, 500, 100, "deflate-1");
    try (FormatReader r = Hdf5Files.open(p, s)) {
      var q = Query.builder().columns("volume", "symbol").build().bind(r.schema());
      Frame got = r.read(q);
      assertThat(got.schema().names()).containsExactly("volume", "symbol");
      assertThat(got).isEqualTo(f.project("volume", "symbol"));
      var ranged = Query.builder().timeRange(TimeRange.ofMicros(TicksFrames.START_MICROS + 10_000_000L,
          TicksFrames.START_MICROS + 260_000_000L)).build().bind(r.schema());
      List<Frame> batches = new ArrayList<>();
      try (FrameStream st = r.stream(ranged, 64)) {
        st.forEachRemaining(batches::add);
      }
      assertThat(batches).hasSize(4);
      assertThat(batches.get(0).rowCount()).isEqualTo(64);
      assertThat(Frame.concat(batches)).isEqualTo(f.slice(10, 260));
    }
  }

  @Test
  void blocksAreTheChunksWithTheirTimeBounds() {
    Frame f = TicksFrames.ticks(250);
    Path p = dir.resolve("blocks.h5");
    WriteSummary s = Hdf5Files.write(p, f, 250, 100, "deflate-1");
    try (FormatReader r = Hdf5Files.open(p, s)) {
      List<Block> blocks = r.blocks();
      assertThat(blocks).containsExactly(
          new Block(0, 100, TicksFrames.START_MICROS, TicksFrames.START_MICROS + 99_000_000L),
          new Block(100, 100, TicksFrames.START_MICROS + 100_000_000L, TicksFrames.START_MICROS + 199_000_000L),
          new Block(200, 50, TicksFrames.START_MICROS + 200_000_000L, TicksFrames.START_MICROS + 249_000_000L));
      assertThat(r.readBlock(2, "symbol")).isEqualTo(f.column("symbol").slice(200, 250));
      assertThatThrownBy(() -> r.readBlock(3, "symbol")).hasMessageContaining("block 3");
    }
  }

  @Test
  void aFlippedByteInAChunkIsACorruptDataException() throws IOException {
    int n = 4 * 8192;
    Random rnd = new Random(7);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextDouble();
    }
    Frame f = Frame.builder().column("x", DoubleColumn.wrap(ColumnType.FLOAT64, v, NullMask.none(n))).build();
    Path p = dir.resolve("flip.h5");
    WriteSummary s = Hdf5Files.write(p, f, n, 8192, "deflate-1");
    long size = Files.size(p);
    // random doubles barely compress: the middle of the file is chunk data, far from the metadata
    flip(p, size / 2);
    try (FormatReader r = Hdf5Files.open(p, s)) {
      assertThatThrownBy(() -> r.read(Query.all().bind(r.schema())))
          .isInstanceOf(CorruptDataException.class)
          .hasMessageContaining(p.toString())
          .hasMessageContaining("column 'x'")
          .hasMessageContaining("Fletcher-32");
      // chunks before the damaged one still read
      assertThat(r.readBlock(0, "x")).isEqualTo(f.column("x").slice(0, 8192));
    }
  }

  @Test
  void aFlippedByteInTheMetadataIsACorruptDataExceptionAtOpen() throws IOException {
    Frame f = TicksFrames.ticks(100);
    Path p = dir.resolve("meta.h5");
    WriteSummary s = Hdf5Files.write(p, f, 100, 64, "deflate-1");
    flip(p, 20); // inside the version 3 superblock, which carries a checksum
    assertThatThrownBy(() -> Hdf5Files.open(p, s))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(p.toString())
        .hasMessageContaining("cannot be opened");
  }

  @Test
  void aLayoutThatDiffersFromTheManifestIsRefused() {
    Frame f = TicksFrames.ticks(10);
    Path p = dir.resolve("crc.h5");
    Hdf5Files.write(p, f, 10, 64, "deflate-1");
    ReadSpec spec = new ReadSpec(p, Map.of(Hdf5Layout.CHECKSUM_KEY, "00000000"), false, "dataset 'x' version 2");
    assertThatThrownBy(() -> Hdf5Files.FORMAT.openReader(spec))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("dataset 'x' version 2")
        .hasMessageContaining("the manifest recorded 00000000");
  }

  @Test
  void aMissingOrForeignFileIsACorruptDataException() throws IOException {
    assertThatThrownBy(() -> Hdf5Files.FORMAT.openReader(ReadSpec.of(dir.resolve("none.h5"))))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("missing");
    Path junk = dir.resolve("junk.h5");
    Files.writeString(junk, "not hdf5 at all");
    assertThatThrownBy(() -> Hdf5Files.FORMAT.openReader(ReadSpec.of(junk)))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining(junk.toString());
  }

  @Test
  void batchesOfAnotherSchemaAreRefused() {
    Frame f = TicksFrames.ticks(2);
    WriteSpec spec = new WriteSpec(f.schema(), "deflate-1", 2, "dataset 'bad'", Map.of());
    try (var w = Hdf5Files.FORMAT.createWriter(Hdf5Files.target(dir.resolve("bad.h5")), spec)) {
      w.write(f);
      assertThatThrownBy(() -> w.write(f.project("ts", "price"))).isInstanceOf(SchemaException.class)
          .hasMessageContaining("dataset 'bad'").hasMessageContaining("one schema");
    }
  }

  @Test
  void unknownCodecsAndBadOptionsFailListingWhatIsAccepted() {
    Frame f = TicksFrames.ticks(1);
    WriteSpec zstd = new WriteSpec(f.schema(), "zstd", 1, "dataset 'z'", Map.of());
    assertThatThrownBy(() -> Hdf5Files.FORMAT.createWriter(Hdf5Files.target(dir.resolve("z.h5")), zstd))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'zstd'").hasMessageContaining("deflate-1");
    WriteSpec rows = new WriteSpec(f.schema(), "none", 1, "dataset 'z'", Map.of("chunk-rows", "0"));
    assertThatThrownBy(() -> Hdf5Files.FORMAT.createWriter(Hdf5Files.target(dir.resolve("z.h5")), rows))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("chunk-rows='0'");
    assertThat(Hdf5Files.FORMAT.codecs()).contains("none", "deflate-1", "deflate-9")
        .contains(Hdf5Files.FORMAT.defaultCodec());
  }

  @Test
  void nativesThatDoNotLoadMakeTheFormatUnavailableWithTheReason() {
    Hdf5Format broken = new Hdf5Format(() -> NativeHdf5.unavailable("linux-riscv64",
        new UnsatisfiedLinkError("no jnihdf5 in java.library.path")));
    Availability a = broken.availability();
    assertThat(a.available()).isFalse();
    assertThat(a.reason()).contains("linux-riscv64").contains("UnsatisfiedLinkError")
        .contains("no jnihdf5").contains("org.bytedeco:hdf5");
    WriteSpec spec = new WriteSpec(TicksFrames.ticks(1).schema(), "deflate-1", 1, "dataset 'u'", Map.of());
    assertThatThrownBy(() -> broken.createWriter(Hdf5Files.target(dir.resolve("u.h5")), spec))
        .isInstanceOf(FormatUnavailableException.class).hasMessageContaining("linux-riscv64")
        .hasMessageContaining("dataset 'u'");
    assertThatThrownBy(() -> broken.openReader(ReadSpec.of(dir.resolve("u.h5"))))
        .isInstanceOf(FormatUnavailableException.class);
    // the real natives load here
    assertThat(Hdf5Files.FORMAT.availability().available()).isTrue();
  }

  @Test
  void concurrentReadsFromFourThreadsAreCorrect() throws Exception {
    Frame f = TicksFrames.ticks(20_000);
    Path p = dir.resolve("conc.h5");
    WriteSummary s = Hdf5Files.write(p, f, 20_000, 1024, "deflate-1");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (FormatReader r = Hdf5Files.open(p, s)) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        results.add(pool.submit(() -> {
          Random rnd = new Random(seed);
          for (int k = 0; k < 25; k++) {
            int lo = rnd.nextInt(20_000);
            int hi = lo + rnd.nextInt(20_000 - lo + 1);
            var q = Query.builder().timeRange(TimeRange.ofMicros(TicksFrames.START_MICROS + lo * 1_000_000L,
                TicksFrames.START_MICROS + hi * 1_000_000L)).build().bind(r.schema());
            if (!r.read(q).equals(f.slice(lo, hi))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> ok : results) {
        assertThat(ok.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void defaultSizeChunksWithNullsRoundTripThroughEveryReadPath() {
    int n = 3 * Hdf5Layout.DEFAULT_CHUNK_ROWS + 4321;
    Frame ticks = TicksFrames.ticks(n);
    boolean[] nul = new boolean[n];
    for (int i = 100_000; i < n; i += 13) {
      nul[i] = true; // nulls only from the second chunk on: the first mask chunk is never written
    }
    double[] price = ticks.doubles("price").toArray();
    Frame f = Frame.builder().column("ts", ticks.column("ts")).column("symbol", ticks.column("symbol"))
        .column("price", DoubleColumn.wrap(ColumnType.FLOAT64, price, NullMask.of(nul)))
        .column("volume", ticks.column("volume")).column("flag", ticks.column("flag")).timeColumn("ts").build();
    Path p = dir.resolve("default.h5");
    WriteSummary s = Hdf5Files.write(p, f, 50_000, Hdf5Layout.DEFAULT_CHUNK_ROWS, "deflate-1");
    try (FormatReader r = Hdf5Files.open(p, s)) {
      assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(f);
      long t0 = TicksFrames.START_MICROS;
      for (int[] rows : new int[][] {{0, n}, {1, 2}, {65_535, 65_537}, {70_000, 200_000}, {131_072, 196_608},
          {n - 1, n}, {5, 5}}) {
        var q = Query.builder().timeRange(TimeRange.ofMicros(t0 + rows[0] * 1_000_000L, t0 + rows[1] * 1_000_000L))
            .build().bind(r.schema());
        assertThat(r.read(q)).as("rows %d..%d", rows[0], rows[1]).isEqualTo(f.slice(rows[0], rows[1]));
        List<Frame> parts = new ArrayList<>();
        try (FrameStream st = r.stream(q, 30_000)) {
          st.forEachRemaining(parts::add);
        }
        assertThat(parts.isEmpty() ? f.slice(0, 0) : Frame.concat(parts)).isEqualTo(f.slice(rows[0], rows[1]));
      }
      for (int b = 0; b < r.blocks().size(); b++) {
        Block blk = r.blocks().get(b);
        assertThat(r.readBlock(b, "price")).isEqualTo(f.column("price")
            .slice((int) blk.firstRow(), (int) blk.firstRow() + blk.rowCount()));
      }
    }
  }

  /** Replaces dataset /data/{@code name} of a written file with one made by {@code create}. */
  private static void replaceDataset(Path p, String name, java.util.function.LongUnaryOperator create) {
    synchronized (NativeHdf5.LOCK) {
      long file = hdf.hdf5lib.H5.H5Fopen(p.toString(), hdf.hdf5lib.HDF5Constants.H5F_ACC_RDWR,
          hdf.hdf5lib.HDF5Constants.H5P_DEFAULT);
      try {
        long group = hdf.hdf5lib.H5.H5Gopen(file, "data", hdf.hdf5lib.HDF5Constants.H5P_DEFAULT);
        try {
          hdf.hdf5lib.H5.H5Ldelete(group, name, hdf.hdf5lib.HDF5Constants.H5P_DEFAULT);
          hdf.hdf5lib.H5.H5Dclose(create.applyAsLong(group));
        } finally {
          hdf.hdf5lib.H5.H5Gclose(group);
        }
      } finally {
        hdf.hdf5lib.H5.H5Fclose(file);
      }
    }
  }

  @Test
  void columnDatasetsThatAreNotWhatTheWriterMakesAreRefused() {
    Frame f = TicksFrames.ticks(300);
    long i64 = hdf.hdf5lib.HDF5Constants.H5T_STD_I64LE;
    long f64 = hdf.hdf5lib.HDF5Constants.H5T_IEEE_F64LE;
    // the price column stored as integers
    Path type = dir.resolve("type.h5");
    WriteSummary s1 = Hdf5Files.write(type, f, 300, 100, "deflate-1");
    replaceDataset(type, "price", g -> filled(Hdf5Io.createColumn(g, "price", i64, 100, 1), 300));
    assertThatThrownBy(() -> Hdf5Files.open(type, s1)).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(type.toString()).hasMessageContaining("column 'price'")
        .hasMessageContaining("FLOAT64");
    // the price column without its Fletcher-32 checksum
    Path filters = dir.resolve("filters.h5");
    WriteSummary s2 = Hdf5Files.write(filters, f, 300, 100, "deflate-1");
    replaceDataset(filters, "price", g -> {
      long space = hdf.hdf5lib.H5.H5Screate_simple(1, new long[] {300}, new long[] {-1});
      long dcpl = hdf.hdf5lib.H5.H5Pcreate(hdf.hdf5lib.HDF5Constants.H5P_DATASET_CREATE);
      hdf.hdf5lib.H5.H5Pset_chunk(dcpl, 1, new long[] {100});
      hdf.hdf5lib.H5.H5Pset_deflate(dcpl, 1);
      long d = hdf.hdf5lib.H5.H5Dcreate(g, "price", f64, space, hdf.hdf5lib.HDF5Constants.H5P_DEFAULT, dcpl,
          hdf.hdf5lib.HDF5Constants.H5P_DEFAULT);
      hdf.hdf5lib.H5.H5Pclose(dcpl);
      hdf.hdf5lib.H5.H5Sclose(space);
      return d;
    });
    assertThatThrownBy(() -> Hdf5Files.open(filters, s2)).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("column 'price'").hasMessageContaining("Fletcher-32");
    // a column of the right shape whose chunks were never written reads as an error, not as zeros
    Path empty = dir.resolve("unwritten.h5");
    WriteSummary s3 = Hdf5Files.write(empty, f, 300, 100, "deflate-1");
    replaceDataset(empty, "price", g -> {
      long d = Hdf5Io.createColumn(g, "price", f64, 100, 1);
      hdf.hdf5lib.H5.H5Dset_extent(d, new long[] {300});
      return d;
    });
    // checked against the manifest, every chunk is located at open
    assertThatThrownBy(() -> Hdf5Files.open(empty, s3)).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("column 'price' rows 0..100").hasMessageContaining("never written");
    try (FormatReader r = Hdf5Files.FORMAT.openReader(ReadSpec.of(empty))) {
      assertThat(r.read(Query.builder().columns("volume").build().bind(r.schema()))).isEqualTo(f.project("volume"));
      assertThatThrownBy(() -> r.read(Query.all().bind(r.schema()))).isInstanceOf(CorruptDataException.class)
          .hasMessageContaining("column 'price' rows 0..100").hasMessageContaining("never written");
    }
  }

  /** A dataset grown to {@code rows} rows of zeros written through HDF5. */
  private static long filled(long dataset, int rows) {
    Hdf5Io.append(dataset, hdf.hdf5lib.HDF5Constants.H5T_NATIVE_INT64, 0, rows, new long[rows]);
    return dataset;
  }

  @Test
  void aWriterClosedWithChunksInFlightStopsCleanlyAndCannotFinish() {
    Frame f = TicksFrames.ticks(20_000);
    WriteSpec spec = new WriteSpec(f.schema(), "deflate-9", -1, "dataset 'aborted'", Map.of("chunk-rows", "1000"));
    var w = Hdf5Files.FORMAT.createWriter(Hdf5Files.target(dir.resolve("aborted.h5")), spec);
    w.write(f); // twenty chunk groups handed to the workers, some still being filtered
    w.close();
    w.close();
    assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> w.write(f)).isInstanceOf(IllegalStateException.class);
    // the workers are free for the next writer
    Path p = dir.resolve("after.h5");
    WriteSummary s = Hdf5Files.write(p, f, 20_000, 1000, "deflate-1");
    try (FormatReader r = Hdf5Files.open(p, s)) {
      assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(f);
    }
  }

  @Test
  void readsAfterCloseFailAndEarlierFramesStayValid() {
    Frame f = TicksFrames.ticks(1000);
    Path p = dir.resolve("closed.h5");
    WriteSummary s = Hdf5Files.write(p, f, 1000, 256, "deflate-1");
    FormatReader r = Hdf5Files.open(p, s);
    Frame before = r.read(Query.all().bind(r.schema()));
    r.close();
    r.close();
    assertThatThrownBy(() -> r.read(Query.all().bind(r.schema())))
        .isInstanceOf(org.optstore.StoreClosedException.class).hasMessageContaining("closed");
    assertThat(before).isEqualTo(f);
  }

  @Test
  void picklesAreRefusedWithTheWayOut() throws IOException {
    Path pkl = dir.resolve("frame.pkl");
    Files.write(pkl, new byte[] {(byte) 0x80, 4, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0, 0, '.'});
    assertThat(Hdf5Files.FORMAT.canImport(pkl)).isTrue();
    assertThatThrownBy(() -> Hdf5Files.FORMAT.importFile(pkl, org.optstore.WriteOptions.defaults()))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining(pkl.toString())
        .hasMessageContaining("runs whatever code")
        .hasMessageContaining("to_hdf(");
    Path notHdf5 = dir.resolve("x.h5");
    Files.writeString(notHdf5, "plain text");
    assertThatThrownBy(() -> Hdf5Files.FORMAT.importFile(notHdf5, org.optstore.WriteOptions.defaults()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("not an HDF5 file");
    // our own files are HDF5 but not pandas files
    Path ours = dir.resolve("ours.h5");
    Hdf5Files.write(ours, TicksFrames.ticks(3), 3, 64, "deflate-1");
    assertThatThrownBy(() -> Hdf5Files.FORMAT.importFile(ours, org.optstore.WriteOptions.defaults()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("no pandas DataFrame");
  }

  @Test
  void closingAnIdentifierReportsFailuresUnlessAskedToBeQuiet() {
    long notOpen = 0x7fff_0000_0000_0001L;
    synchronized (NativeHdf5.LOCK) {
      for (char kind : new char[] {'f', 'g', 'd', 't'}) {
        assertThatThrownBy(() -> Hdf5Io.close(notOpen, kind)).as("kind %s", kind)
            .isInstanceOf(hdf.hdf5lib.exceptions.HDF5Exception.class);
        Hdf5Io.closeQuietly(notOpen, kind, "test");
      }
      Hdf5Io.close(-1, 'f');
    }
  }

  static void flip(Path p, long offset) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ 0x40);
    }
  }
}
