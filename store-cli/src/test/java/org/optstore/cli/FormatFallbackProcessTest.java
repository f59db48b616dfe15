package org.optstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM in which HDF5's natives do not load (simulated by the format's switch) still runs the
 * command: the store falls back to the next format with one WARN naming hdf5 and why.
 */
class FormatFallbackProcessTest {
  @TempDir Path dir;

  @Test
  void aStoreConfiguredForHdf5FallsBackWhenItsNativesCannotLoad() throws Exception {
    Path base = dir.resolve("store");
    Process p = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Doptstore.hdf5.disabled=true",
        "-cp", System.getProperty("java.class.path"),
        OptstoreCli.class.getName(),
        "--base-path", base.toString(), "--format", "hdf5", "demo", "--rows", "2000"))
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .start();
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    } finally {
      p.destroyForcibly();
    }
    String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out + err).isZero();
    assertThat(out).contains("all checks passed").doesNotContain("in format hdf5");
    assertThat(err.lines().filter(l -> l.contains("WARN") && l.contains("'hdf5'")))
        .singleElement().asString()
        .contains("disabled by the system property optstore.hdf5.disabled=true")
        .contains("falling back to");
  }
}
