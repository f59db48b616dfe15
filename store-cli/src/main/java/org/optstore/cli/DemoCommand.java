package org.optstore.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes the reference "ticks" workload and runs R0-R3 on it, checking every answer. */
@Command(name = "demo", description = "Write the reference 'ticks' workload, run R0-R3 and check "
    + "the answers.")
final class DemoCommand extends StoreCommand {
  @Option(names = "--rows", paramLabel = "N", defaultValue = "1000000",
      description = "Rows to write (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--batch-rows", paramLabel = "N", defaultValue = "65536", hidden = true)
  int batchRows;

  @Override
  boolean readOnly() {
    return false;
  }

  @Override
  void validate() {
    if (rows < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--rows must be at least 1, got " + rows);
    }
  }

  @Override
  int run(DataStore store) {
    PrintWriter out = out();
    out.printf("optstore demo: %,d rows of '%s' into %s%n", rows, TicksWorkload.DATASET,
        root.basePath.toAbsolutePath());
    long t0 = System.nanoTime();
    DatasetInfo info;
    try (Progress progress = Progress.start("writing", rows);
        FrameStream batches = progress.track(TicksWorkload.stream(rows, batchRows))) {
      WriteOptions options = WriteOptions.builder().timeColumn("ts").build();
      info = store.store(TicksWorkload.DATASET, batches, Map.of("source", "optstore demo"),
          options);
    }
    double writeMs = (System.nanoTime() - t0) / 1e6;
    out.printf("W   wrote %,d rows as version %d in format %s (%,d bytes) in %.1f ms%n",
        info.rowCount(), info.version(), info.format(), info.sizeBytes(), writeMs);

    TicksWorkload.Expected expected = TicksWorkload.expected(rows);
    boolean ok = true;
    for (TicksWorkload.Q q : TicksWorkload.Q.values()) {
      long s = System.nanoTime();
      Frame f = store.retrieve(TicksWorkload.DATASET, q.query()).frame();
      double ms = (System.nanoTime() - s) / 1e6;
      long check = q.check(f);
      boolean good = f.rowCount() == expected.rows(q) && check == expected.check(q);
      ok &= good;
      out.printf("%-3s %,11d rows  check %,22d  %-4s %9.1f ms%n", q, f.rowCount(), check,
          good ? "ok" : "FAIL (expected " + expected.rows(q) + " rows, check " + expected.check(q)
              + ")", ms);
    }
    out.println(ok ? "all checks passed" : "CHECKS FAILED");
    return ok ? 0 : 1;
  }
}
