package org.optstore.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.optstore.cli.TicksWorkload;
import org.optstore.cli.TicksWorkload.Q;

/**
 * The baseline: DuckDB through JDBC on a Parquet file of the same workload. {@code rN} transfers
 * every result row to Java (as a caller of a store would need); {@code rNInEngine} computes the
 * row count and check inside DuckDB (its engine speed without the transfer).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-Xms8g", "-XX:+AlwaysPreTouch"})
public class DuckDbBenchmark {
  @Param({"10000000"})
  public long rows;

  private Path dir;
  private Connection conn;
  private String file;

  static final String R1_WHERE =
      "ts >= TIMESTAMP '2023-01-10 00:00:00' AND ts < TIMESTAMP '2023-01-11 00:00:00'";
  static final String R2_WHERE =
      "ts >= TIMESTAMP '2023-01-05 00:00:00' AND ts < TIMESTAMP '2023-01-10 00:00:00'";
  static final String R3_WHERE = "symbol = 'SYM042' AND price > 105";

  /** The workload generated inside DuckDB with the same formulas as {@link TicksWorkload}. */
  static String ticksSql(long rows) {
    return "SELECT make_timestamp((1672531200 + i) * 1000000) AS ts, "
        + "printf('SYM%03d', (i * 7919) % 100) AS symbol, "
        + "100.0::DOUBLE + 10.0::DOUBLE * sin(i::DOUBLE / 1000.0::DOUBLE) "
        + "+ (i % 17)::DOUBLE * 0.01::DOUBLE AS price, "
        + "(i * 31) % 10000 AS volume, i % 3 = 0 AS flag FROM range(" + rows + ") t(i)";
  }

  static void copy(Connection conn, long rows, String file) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute("COPY (" + ticksSql(rows) + ") TO '" + file
          + "' (FORMAT parquet, COMPRESSION snappy)");
    }
  }

  @Setup(Level.Trial)
  public void setup() throws IOException, SQLException {
    dir = Files.createTempDirectory("optstore-bench-duckdb-");
    file = dir.resolve("ticks.parquet").toString();
    conn = DriverManager.getConnection("jdbc:duckdb:");
    copy(conn, rows, file);
    TicksWorkload.Expected expected = TicksWorkload.expected(rows);
    long[] r0 = fetchAll(null);
    Checks.verify("duckdb", Q.R0, r0[0], r0[1], expected);
    long[] r1 = fetchTs();
    Checks.verify("duckdb", Q.R1, r1[0], r1[1], expected);
    long[] r2 = fetchAll(R2_WHERE);
    Checks.verify("duckdb", Q.R2, r2[0], r2[1], expected);
    long[] r3 = fetchAll(R3_WHERE);
    Checks.verify("duckdb", Q.R3, r3[0], r3[1], expected);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    conn.close();
    Checks.deleteTree(dir);
  }

  /** Transfers every column of every matching row; returns {rows, sum(volume)}. */
  private long[] fetchAll(String where) throws SQLException {
    String sql = "SELECT ts, symbol, price, volume, flag FROM read_parquet('" + file + "')"
        + (where == null ? "" : " WHERE " + where);
    long n = 0;
    long sum = 0;
    double sink = 0;
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        Object ts = rs.getObject(1);
        String sym = rs.getString(2);
        sink += rs.getDouble(3);
        sum += rs.getLong(4);
        boolean flag = rs.getBoolean(5);
        if (ts == null || sym == null || flag && sink < 0) {
          throw new IllegalStateException("unexpected null");
        }
        n++;
      }
    }
    return new long[] {n, sum};
  }

  /** R1: transfers the timestamps; returns {rows, sum(epoch seconds)}. */
  private long[] fetchTs() throws SQLException {
    String sql = "SELECT ts FROM read_parquet('" + file + "') WHERE " + R1_WHERE;
    long n = 0;
    long sum = 0;
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        sum += Math.floorDiv(rs.getTimestamp(1).getTime(), 1000L);
        n++;
      }
    }
    return new long[] {n, sum};
  }

  private long[] inEngine(String where, String check) throws SQLException {
    String sql = "SELECT count(*), " + check + " FROM read_parquet('" + file + "')"
        + (where == null ? "" : " WHERE " + where);
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  @Benchmark
  public long[] r0() throws SQLException {
    return fetchAll(null);
  }

  @Benchmark
  public long[] r1() throws SQLException {
    return fetchTs();
  }

  @Benchmark
  public long[] r2() throws SQLException {
    return fetchAll(R2_WHERE);
  }

  @Benchmark
  public long[] r3() throws SQLException {
    return fetchAll(R3_WHERE);
  }

  @Benchmark
  public long[] r0InEngine() throws SQLException {
    return inEngine(null, "sum(volume)");
  }

  @Benchmark
  public long[] r1InEngine() throws SQLException {
    return inEngine(R1_WHERE, "sum(epoch(ts))::BIGINT");
  }

  @Benchmark
  public long[] r2InEngine() throws SQLException {
    return inEngine(R2_WHERE, "sum(volume)");
  }

  @Benchmark
  public long[] r3InEngine() throws SQLException {
    return inEngine(R3_WHERE, "sum(volume)");
  }

  /**
   * Query W for DuckDB: COPY of the workload to Parquet (snappy). The rows are generated once
   * into an in-memory table in setup (as optstore's batches are), so W times the write.
   */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 5)
  @Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-Xms8g", "-XX:+AlwaysPreTouch"})
  public static class Write {
    @Param({"10000000"})
    public long rows;

    private Path dir;
    private Connection conn;

    @Setup(Level.Trial)
    public void generate() throws SQLException {
      conn = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement s = conn.createStatement()) {
        s.execute("CREATE TABLE ticks AS " + ticksSql(rows));
      }
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
      conn.close();
    }

    @Setup(Level.Invocation)
    public void setup() throws IOException {
      dir = Files.createTempDirectory("optstore-bench-duckdb-w-");
    }

    @TearDown(Level.Invocation)
    public void tearDown() {
      Checks.deleteTree(dir);
    }

    @Benchmark
    public Path w() throws SQLException {
      Path f = dir.resolve("ticks.parquet");
      try (Statement s = conn.createStatement()) {
        s.execute("COPY ticks TO '" + f + "' (FORMAT parquet, COMPRESSION snappy)");
      }
      return f;
    }
  }
}
