package org.optstore.format.hdf5;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the outside tools the interop tests compare against (Debian's h5py, pandas + PyTables and
 * h5dump, installed by {@code .ci/install-interop-tools.sh}). A missing tool skips the test with
 * the reason, or fails it under {@code -Dinterop=required}.
 */
final class InteropTools {

  static final String PYTHON = "/usr/bin/python3";

  private InteropTools() {}

  /** Skips (or, when required, fails) unless every named Python module imports. */
  static void requirePython(String... modules) {
    String imports = "import " + String.join(", ", modules);
    boolean ok;
    try {
      ok = run(List.of(PYTHON, "-c", imports), 60).exitCode == 0;
    } catch (IOException e) {
      ok = false;
    }
    missing(ok, PYTHON + " with " + String.join(", ", modules));
  }

  static void requireH5dump() {
    boolean ok;
    try {
      ok = run(List.of("h5dump", "--version"), 30).exitCode == 0;
    } catch (IOException e) {
      ok = false;
    }
    missing(ok, "h5dump");
  }

  private static void missing(boolean ok, String what) {
    if (ok) {
      return;
    }
    String msg = what + " is not installed (run .ci/install-interop-tools.sh as root)";
    if ("required".equals(System.getProperty("interop"))) {
      Assertions.fail(msg + "; -Dinterop=required makes this a failure");
    }
    Assumptions.abort(msg + "; interop test skipped");
  }

  record Output(int exitCode, String text) {}

  /**
   * Runs a command with a timeout. Its output goes to a file, not a pipe, so that waiting for it
   * is bounded by the timeout (reading a pipe to its end would wait for the process however long
   * it runs) and a tool that writes a lot cannot block on a full pipe.
   */
  static Output run(List<String> command, int timeoutSeconds) throws IOException {
    Path log = Files.createTempFile("optstore-interop-", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new IOException("timed out after " + timeoutSeconds + " s: " + command + "; output so far:\n"
              + text(log));
        }
        return new Output(p.exitValue(), text(log));
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

  /** Runs a Python script with arguments; asserts success and returns its output. */
  static String python(String script, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, "-c", script));
    cmd.addAll(List.of(args));
    Output o = run(cmd, 300);
    assertThat(o.exitCode).as("python output:\n%s", o.text).isZero();
    return o.text;
  }
}
