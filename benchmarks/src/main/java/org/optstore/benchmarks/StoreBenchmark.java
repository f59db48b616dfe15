package org.optstore.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The reference workload on optstore: R0-R3 per format, with the cache off (every read goes to the
 * file) or on (repeated reads answered from memory). Every answer is checked once in setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-Xms8g"})
public class StoreBenchmark {
  @Param({"parquet", "serial", "hdf5"})
  public String format;

  @Param({"10000000"})
  public long rows;

  @Param({"off"})
  public String cache;

  private Path dir;
  private DataStore store;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("optstore-bench-");
    store = DataStores.open(config(dir, format, "on".equals(cache)));
    try (FrameStream batches = TicksWorkload.stream(rows, 1 << 16)) {
      store.store(TicksWorkload.DATASET, batches, Map.of(),
          WriteOptions.builder().timeColumn("ts").build());
    }
    Checks.verify("optstore/" + format, rows, q -> store.retrieve(TicksWorkload.DATASET,
        q.query()).frame());
  }

  static StoreConfig config(Path dir, String format, boolean cache) {
    StoreConfig.Builder b = StoreConfig.builder().basePath(dir).format(format).rawCopy(false);
    if (!cache) {
      b.cacheMaxBytes(0);
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

  /** Query W: writing the workload, one fresh store per invocation. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 5)
  @Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-Xms8g"})
  public static class Write {
    @Param({"parquet", "serial", "hdf5"})
    public String format;

    @Param({"10000000"})
    public long rows;

    private Path dir;
    private DataStore store;

    @Setup(Level.Invocation)
    public void setup() throws IOException {
      dir = Files.createTempDirectory("optstore-bench-w-");
      store = DataStores.open(config(dir, format, false));
    }

    @TearDown(Level.Invocation)
    public void tearDown() throws IOException {
      store.close();
      Checks.deleteTree(dir);
    }

    @Benchmark
    public DatasetInfo w() {
      try (FrameStream batches = TicksWorkload.stream(rows, 1 << 16)) {
        return store.store(TicksWorkload.DATASET, batches, Map.of(),
            WriteOptions.builder().timeColumn("ts").build());
      }
    }
  }
}
