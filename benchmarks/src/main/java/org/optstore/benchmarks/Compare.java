package org.optstore.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
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
 * (ms) with the spread seen and the ratio to DuckDB.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar                # JMH's own runner, any options
 * java -cp benchmarks/target/benchmarks.jar org.optstore.benchmarks.Compare \
 *     [--rows 10000000] [--formats parquet,serial,hdf5] [--cache off|on] [--iterations 5] [--quick]
 * </pre>
 */
public final class Compare {
  private Compare() {}

  /**
   * @param args see the class comment
   * @throws RunnerException when JMH fails
   */
  public static void main(String[] args) throws RunnerException {
    Map<String, String> opt = parse(args);
    String rows = opt.getOrDefault("rows", "10000000");
    String[] formats = opt.getOrDefault("formats", "parquet,serial,hdf5").split(",");
    String cache = opt.getOrDefault("cache", "off");
    boolean quick = opt.containsKey("quick");
    int iterations = Integer.parseInt(opt.getOrDefault("iterations", quick ? "3" : "5"));

    ChainedOptionsBuilder b = new OptionsBuilder()
        .include(StoreBenchmark.class.getName() + "\\.")
        .include(DuckDbBenchmark.class.getName() + "\\.")
        .param("rows", rows)
        .param("format", formats)
        .param("cache", cache)
        .measurementIterations(iterations)
        .forks(1);
    if (quick) {
      b.warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1));
    }
    Collection<RunResult> results = new Runner(b.build()).run();
    System.out.println(table(results, formats, rows, cache));
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      String key = a.substring(2);
      if (key.equals("quick")) {
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
      double med = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
      return new Stat(med, v[0], v[v.length - 1]);
    }

    String cell() {
      return String.format("%.2f (%.2f-%.2f)", median, min, max);
    }
  }

  static String table(Collection<RunResult> results, String[] formats, String rows, String cache) {
    // key: "<system>|<query>"
    Map<String, Stat> stats = new LinkedHashMap<>();
    for (RunResult rr : results) {
      String bench = rr.getParams().getBenchmark();
      String method = bench.substring(bench.lastIndexOf('.') + 1);
      boolean duck = bench.contains("DuckDb");
      String query = method.equals("w") ? "W" : method.substring(0, 2).toUpperCase();
      String system = duck
          ? (method.endsWith("InEngine") ? "duckdb in-engine" : "duckdb jdbc")
          : "optstore " + rr.getParams().getParam("format");
      stats.put(system + "|" + query, Stat.of(rr.getAggregatedResult()));
    }
    List<String> systems = new ArrayList<>();
    for (String f : formats) {
      systems.add("optstore " + f);
    }
    systems.addAll(Arrays.asList("duckdb jdbc", "duckdb in-engine"));
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%nticks workload, %s rows, cache %s; median ms (min-max over "
        + "iterations)%n", rows, cache));
    sb.append(String.format("%-6s", "query"));
    for (String s : systems) {
      sb.append(String.format("%26s", s));
    }
    for (String f : formats) {
      sb.append(String.format("%22s", f + "/duckdb-jdbc"));
    }
    sb.append('\n');
    for (String q : List.of("W", "R0", "R1", "R2", "R3")) {
      sb.append(String.format("%-6s", q));
      for (String s : systems) {
        Stat st = stats.get(s + "|" + q);
        sb.append(String.format("%26s", st == null ? "-" : st.cell()));
      }
      Stat base = stats.get("duckdb jdbc|" + q);
      for (String f : formats) {
        Stat st = stats.get("optstore " + f + "|" + q);
        sb.append(String.format("%22s", st == null || base == null ? "-"
            : String.format("%.2fx", st.median / base.median)));
      }
      sb.append('\n');
    }
    sb.append("(a ratio below 1 means optstore is faster than DuckDB through JDBC)\n");
    return sb.toString();
  }
}
