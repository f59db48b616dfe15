package org.optstore.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the optstore and DuckDB benchmarks side by side in one run and prints a table of medians
 * (ms) with the spread seen, and the ratios to DuckDB through JDBC.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar                # JMH's own runner, any options
 * java -cp benchmarks/target/benchmarks.jar org.optstore.benchmarks.Compare \
 *     [--rows 10000000] [--formats parquet,serial,hdf5] [--cache warm,nodata] [--first]
 *     [--no-duckdb] [--raw-copy] [--iterations 5] [--quick] [--prof gc]
 * </pre>
 *
 * {@code --cache} takes the modes of {@link StoreBenchmark} ({@code warm}, {@code nodata},
 * {@code off}); {@code --first} adds the first R0 and R3 after the store opened (cache cold, JIT
 * warm); {@code --raw-copy} adds W with the store's default raw Avro copy ("W raw"; W itself
 * writes none, as DuckDB); {@code --prof} adds a JMH profiler (e.g. {@code gc} for allocation
 * per operation, which the load of a shared machine does not skew). The defaults take 10-20
 * minutes on two cores.
 */
public final class Compare {
  private static final List<String> QUERIES = List.of("W", "W raw", "R0", "R1", "R2", "R3",
      "R0 first", "R3 first");

  private Compare() {}

  /**
   * @param args see the class comment
   * @throws RunnerException when JMH fails
   */
  public static void main(String[] args) throws RunnerException {
    Map<String, String> opt = parse(args);
    String rows = opt.getOrDefault("rows", "10000000");
    String[] formats = opt.getOrDefault("formats", "parquet,serial,hdf5").split(",");
    String[] caches = opt.getOrDefault("cache", "warm,nodata").split(",");
    boolean quick = opt.containsKey("quick");
    boolean duck = !opt.containsKey("no-duckdb");
    int iterations = Integer.parseInt(opt.getOrDefault("iterations", quick ? "3" : "5"));

    ChainedOptionsBuilder b = new OptionsBuilder()
        .include(StoreBenchmark.class.getName() + "\\.r")
        .include(StoreBenchmark.class.getName() + "\\.Write\\.")
        .param("rows", rows)
        .param("format", formats)
        .param("cache", caches)
        .param("rawCopy", opt.containsKey("raw-copy") ? new String[] {"false", "true"}
            : new String[] {"false"})
        .measurementIterations(iterations)
        .forks(1);
    if (duck) {
      b.include(DuckDbBenchmark.class.getName() + "\\.");
    }
    if (opt.containsKey("first")) {
      b.include(StoreBenchmark.class.getName() + "\\.FirstRead\\.");
    }
    if (opt.containsKey("prof")) {
      b.addProfiler(opt.get("prof"));
    }
    if (quick) {
      b.warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1));
    }
    Collection<RunResult> results = new Runner(b.build()).run();
    System.out.println(table(results, formats, caches, rows));
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      String key = a.substring(2);
      if (key.equals("quick") || key.equals("first") || key.equals("no-duckdb")
          || key.equals("raw-copy")) {
        m.put(key, "true");
      } else if (i + 1 < args.length) {
        m.put(key, args[++i]);
      } else {
        throw new IllegalArgumentException(a + " needs a value");
      }
    }
    return m;
  }

  /** Median and spread of a benchmark's iteration scores. */
  record Stat(double median, double min, double max) {
    static Stat of(BenchmarkResult r) {
      List<Double> s = new ArrayList<>();
      for (IterationResult it : r.getIterationResults()) {
        s.add(it.getPrimaryResult().getScore());
      }
      double[] v = s.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = v.length;
      double med = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
      return new Stat(med, v[0], v[v.length - 1]);
    }

    String cell() {
      return String.format("%s (%s-%s)", num(median), num(min), num(max));
    }

    private static String num(double v) {
      return v >= 100 ? String.format("%.0f", v) : v >= 10 ? String.format("%.1f", v)
          : String.format("%.2f", v);
    }
  }

  static String table(Collection<RunResult> results, String[] formats, String[] caches,
      String rows) {
    // key: "<system>|<query>"
    Map<String, Stat> stats = new LinkedHashMap<>();
    for (RunResult rr : results) {
      String bench = rr.getParams().getBenchmark();
      String method = bench.substring(bench.lastIndexOf('.') + 1);
      String query = method.equals("w") ? "W" : method.substring(0, 2).toUpperCase();
      Stat st = Stat.of(rr.getAggregatedResult());
      if (bench.contains("DuckDb")) {
        stats.put((method.endsWith("InEngine") ? "duckdb in-engine" : "duckdb jdbc") + "|" + query,
            st);
        continue;
      }
      String format = rr.getParams().getParam("format");
      if (bench.contains("Write")) {
        for (String c : caches) {
          String w = "true".equals(rr.getParams().getParam("rawCopy")) ? "W raw" : "W";
          stats.put("optstore " + format + " " + c + "|" + w, st); // W keeps no cache
        }
        continue;
      }
      String cache = rr.getParams().getParam("cache");
      String q = bench.contains("FirstRead") ? query + " first" : query;
      stats.put("optstore " + format + " " + cache + "|" + q, st);
    }
    List<String> systems = new ArrayList<>();
    for (String f : formats) {
      for (String c : caches) {
        systems.add("optstore " + f + " " + c);
      }
    }
    systems.add("duckdb jdbc");
    systems.add("duckdb in-engine");
    List<String> queries = new ArrayList<>();
    for (String q : QUERIES) {
      for (String s : systems) {
        if (stats.containsKey(s + "|" + q)) {
          queries.add(q);
          break;
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%nticks workload, %s rows; median ms (min-max over iterations); "
        + "load average %.1f at the end%n", rows,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    sb.append(String.format("%-26s", "system"));
    for (String q : queries) {
      sb.append(String.format("%24s", q));
    }
    sb.append('\n');
    for (String s : systems) {
      sb.append(String.format("%-26s", s));
      for (String q : queries) {
        Stat st = stats.get(s + "|" + q);
        sb.append(String.format("%24s", st == null ? "-" : st.cell()));
      }
      sb.append('\n');
    }
    sb.append(String.format("%nratio of medians to duckdb jdbc (below 1: optstore is faster)%n"));
    for (String s : systems) {
      if (!s.startsWith("optstore")) {
        continue;
      }
      sb.append(String.format("%-26s", s));
      for (String q : queries) {
        Stat st = stats.get(s + "|" + q);
        Stat base = stats.get("duckdb jdbc|" + q.replace(" first", "").replace(" raw", ""));
        sb.append(String.format("%24s", st == null || base == null ? "-"
            : String.format("%.3fx", st.median / base.median)));
      }
      sb.append('\n');
    }
    sb.append("W: optstore forces its files to disk and commits a manifest; DuckDB's COPY does "
        + "not fsync.\n");
    return sb.toString();
  }
}
