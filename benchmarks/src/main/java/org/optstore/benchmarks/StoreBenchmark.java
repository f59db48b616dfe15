package org.optstore.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.WriteOptions;
import org.optstore.cli.TicksWorkload;
import org.optstore.cli.TicksWorkload.Q;
import org.optstore.core.DataStores;
import org.optstore.core.StoreConfig;

/**
 * The reference workload on optstore: R0-R3 per format and cache mode. Every answer is checked
 * once in setup.
 *
 * <p>Cache modes ({@code cache}): {@code warm} is the default cache (open readers and decoded
 * blocks), warmed by the checks in setup and the warm-up iterations, so that reads are answered
 * from memory where the format's blocks are cached; {@code nodata} is {@code cacheMaxBytes(0)}:
 * open readers stay cached but nothing decoded, so every read is answered by the format itself;
 * {@code off} is {@code cacheMaxEntries(0)}: every read opens, verifies and closes its file.
 *
 * <p>Every fork pre-touches its 8 GB heap ({@code -XX:+AlwaysPreTouch}, as all benchmarks of
 * this module): without it, a read allocating a few MB keeps landing on heap pages the process
 * never touched, and pays the kernel's page faults and zeroing until all of eden was used once
 * (measured: R1 on Parquet at 10M rows drifted from under 1 ms to 4 ms per read over the first
 * thousand reads, and settled at 0.26-0.34 ms with a pre-touched heap). A long-running
 * application has touched its heap long before; a fresh JVM measuring reads in a loop has not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-Xms8g", "-XX:+AlwaysPreTouch"})
public class StoreBenchmark {
  @Param({"parquet", "serial", "hdf5"})
  public String format;

  @Param({"10000000"})
  public long rows;

  @Param({"warm", "nodata"})
  public String cache;

  private Path dir;
  private DataStore store;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("optstore-bench-");
    store = DataStores.open(config(dir, format, cache));
    writeAndCheck(store, format, rows);
  }

  /** Stores the workload and checks every query's answer once. */
  static void writeAndCheck(DataStore store, String format, long rows) {
    try (FrameStream batches = TicksWorkload.stream(rows, 1 << 16)) {
      store.store(TicksWorkload.DATASET, batches, Map.of(), OPTIONS);
    }
    Checks.verify("optstore/" + format, rows, q -> store.retrieve(TicksWorkload.DATASET,
        q.query()).frame());
  }

  static final WriteOptions OPTIONS = WriteOptions.builder().timeColumn("ts").build();

  /**
   * @param dir the base path
   * @param format the format
   * @param cache {@code warm} (the default cache), {@code nodata} or {@code off}
   * @return the store's configuration (no raw copy: DuckDB writes none either)
   */
  static StoreConfig config(Path dir, String format, String cache) {
    StoreConfig.Builder b = StoreConfig.builder().basePath(dir).format(format).rawCopy(false);
    switch (cache) {
      case "warm" -> { }
      case "nodata" -> b.cacheMaxBytes(0);
      case "off" -> b.cacheMaxEntries(0);
      default -> throw new IllegalArgumentException("cache mode '" + cache
          + "' is not one of warm, nodata, off");
    }
    return b.build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    Checks.deleteTree(dir);
  }

  private Frame read(Q q) {
    return store.retrieve(TicksWorkload.DATASET, q.query()).frame();
  }

  @Benchmark
  public long r0() {
    return Q.R0.check(read(Q.R0));
  }

  @Benchmark
  public long r1() {
    return Q.R1.check(read(Q.R1));
  }

  @Benchmark
  public long r2() {
    return Q.R2.check(read(Q.R2));
  }

  @Benchmark
  public long r3() {
    return Q.R3.check(read(Q.R3));
  }

  /**
   * The first read after the store opened (cache cold, JIT warm): each invocation reopens the
   * store and times one query. Shows what filling the cache costs a first read.
   */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 7)
  @Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-Xms8g", "-XX:+AlwaysPreTouch"})
  public static class FirstRead {
    @Param({"parquet", "serial", "hdf5"})
    public String format;

    @Param({"10000000"})
    public long rows;

    @Param({"warm", "nodata"})
    public String cache;

    private Path dir;
    private DataStore store;

    @Setup(Level.Trial)
    public void setup() throws IOException {
      dir = Files.createTempDirectory("optstore-bench-first-");
      try (DataStore s = DataStores.open(config(dir, format, cache))) {
        writeAndCheck(s, format, rows);
      }
    }

    @Setup(Level.Invocation)
    public void open() {
      store = DataStores.open(config(dir, format, cache));
    }

    @TearDown(Level.Invocation)
    public void close() {
      store.close();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      Checks.deleteTree(dir);
    }

    @Benchmark
    public long r0() {
      return Q.R0.check(store.retrieve(TicksWorkload.DATASET, Q.R0.query()).frame());
    }

    @Benchmark
    public long r3() {
      return Q.R3.check(store.retrieve(TicksWorkload.DATASET, Q.R3.query()).frame());
    }
  }

  /**
   * Query W: storing the workload, one fresh store per invocation. The rows are generated once
   * in setup (as DuckDB's are held in a table), so that W times the store, not the generator.
   */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 5)
  @Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-Xms8g", "-XX:+AlwaysPreTouch"})
  public static class Write {
    @Param({"parquet", "serial", "hdf5"})
    public String format;

    @Param({"10000000"})
    public long rows;

    /** Whether the store also writes the raw Avro copy (the store's default; DuckDB has none). */
    @Param({"false"})
    public boolean rawCopy;

    private List<Frame> batches;
    private Path dir;
    private DataStore store;

    @Setup(Level.Trial)
    public void generate() {
      batches = new ArrayList<>();
      try (FrameStream s = TicksWorkload.stream(rows, 1 << 16)) {
        while (s.hasNext()) {
          batches.add(s.next());
        }
      }
    }

    @Setup(Level.Invocation)
    public void setup() throws IOException {
      dir = Files.createTempDirectory("optstore-bench-w-");
      store = DataStores.open(config(dir, format, "warm").toBuilder().rawCopy(rawCopy).build());
    }

    @TearDown(Level.Invocation)
    public void tearDown() throws IOException {
      store.close();
      Checks.deleteTree(dir);
    }

    @Benchmark
    public DatasetInfo w() {
      DatasetInfo info = store.store(TicksWorkload.DATASET,
          FrameStream.of(TicksWorkload.schema(), batches), Map.of(), OPTIONS);
      if (info.rowCount() != rows) {
        throw new IllegalStateException("stored " + info.rowCount() + " rows, not " + rows);
      }
      return info;
    }
  }
}
