package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.ColumnType;
import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import org.optstore.Field;
import org.optstore.Frame;

/**
 * Files other tools write, imported through the store: an HDF5 file pandas writes with {@code
 * to_hdf} (through format-hdf5's import) and a CSV pandas writes with {@code to_csv}. Needs
 * {@code /usr/bin/python3} with pandas and PyTables: skipped with the reason when missing, a
 * failure under {@code -Dinterop=required}.
 */
class ImportInteropTest {
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir Path dir;

  private static void requirePandas() {
    boolean ok;
    try {
      ok = run(List.of(PYTHON, "-c", "import pandas, tables"), "") == 0;
    } catch (IOException e) {
      ok = false;
    }
    if (ok) {
      return;
    }
    String msg = PYTHON + " with pandas and tables is not installed (run "
        + ".ci/install-interop-tools.sh as root)";
    if ("required".equals(System.getProperty("interop"))) {
      Assertions.fail(msg + "; -Dinterop=required makes this a failure");
    }
    Assumptions.abort(msg + "; interop test skipped");
  }

  /**
   * Runs a command with a timeout; its output goes to a file rather than a pipe, so that the wait
   * is bounded by the timeout and a chatty tool cannot block on a full pipe.
   */
  private static int run(List<String> command, String what) throws IOException {
    Path log = Files.createTempFile("optstore-interop-", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new IOException("timed out after 300 s: " + command + "; output so far:\n" + text(log));
        }
        if (p.exitValue() != 0 && !what.isEmpty()) {
          throw new AssertionError(what + " failed:\n" + text(log));
        }
        return p.exitValue();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted: " + command, e);
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String text(Path log) throws IOException {
    return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
  }

  private static final String FRAME = String.join("\n",
      "import sys, numpy as np, pandas as pd",
      "n = 5000",
      "df = pd.DataFrame({",
      "  'ts': pd.date_range('2023-01-01', periods=n, freq='s'),",
      "  'price': 100 + np.arange(n) * 0.25,",
      "  'volume': (np.arange(n, dtype='int64') * 31) % 10000,",
      "  'symbol': ['SYM%03d' % (i % 7) for i in range(n)],",
      "})");

  /** A text column with missing values, quotes and separators, for the CSV. */
  private static final String NOTE =
      "df['note'] = [None if i % 5 == 0 else 'n, \"%d\"' % i for i in range(n)]";

  @Test
  void anHdf5FilePandasWroteIsImportedThroughTheHdf5Format() throws IOException {
    requirePandas();
    Path h5 = dir.resolve("frame.h5");
    run(List.of(PYTHON, "-c", FRAME + "\ndf.to_hdf(sys.argv[1], key='data', format='table')",
        h5.toString()), "pandas to_hdf");
    try (DataStore s = TestStores.open(TestStores.config(dir.resolve("s")).format("serial")
        .build())) {
      DatasetInfo info = s.importFile("pd", h5);
      assertThat(info.metadata()).containsEntry("importKind", "hdf5");
      assertThat(info.rowCount()).isEqualTo(5000);
      assertThat(info.schema().timeColumn()).contains("ts");
      Frame f = s.retrieve("pd").frame();
      assertThat(f.longs("ts").get(0))
          .isEqualTo(org.optstore.TimeRange.toMicros(Instant.parse("2023-01-01T00:00:00Z")));
      assertThat(f.longs("ts").get(4999))
          .isEqualTo(org.optstore.TimeRange.toMicros(Instant.parse("2023-01-01T01:23:19Z")));
      long vol = 0;
      for (int i = 0; i < 5000; i++) {
        vol += f.longs("volume").get(i);
        assertThat(f.doubles("price").get(i)).isEqualTo(100 + i * 0.25);
      }
      long expected = 0;
      for (long i = 0; i < 5000; i++) {
        expected += (i * 31) % 10000;
      }
      assertThat(vol).isEqualTo(expected);
      assertThat(f.strings("symbol").get(12)).isEqualTo("SYM005");
    }
  }

  @Test
  void aCsvPandasWroteIsImportedWithPandasTypes() throws IOException {
    requirePandas();
    Path csv = dir.resolve("frame.csv");
    run(List.of(PYTHON, "-c", FRAME + "\n" + NOTE + "\ndf.to_csv(sys.argv[1], index=False)",
        csv.toString()), "pandas to_csv");
    try (DataStore s = TestStores.open(TestStores.config(dir.resolve("s")).format("serial")
        .build())) {
      DatasetInfo info = s.importFile("pd", csv);
      assertThat(info.schema().fields()).containsExactly(Field.of("ts", ColumnType.TIMESTAMP),
          Field.of("price", ColumnType.FLOAT64), Field.of("volume", ColumnType.INT64),
          Field.of("symbol", ColumnType.STRING), Field.of("note", ColumnType.STRING));
      assertThat(info.schema().timeColumn()).contains("ts");
      Frame f = s.retrieve("pd").frame();
      assertThat(f.rowCount()).isEqualTo(5000);
      assertThat(f.column("note").isNull(0)).isTrue();
      assertThat(f.strings("note").get(1)).isEqualTo("n, \"1\"");
      assertThat(f.doubles("price").get(3)).isEqualTo(100.75);
    }
  }
}
