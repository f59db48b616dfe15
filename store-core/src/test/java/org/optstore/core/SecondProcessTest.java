package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.DataStore;
import org.optstore.InvalidConfigException;

/** A writer in another JVM: its lock keeps writers here out, and readers here see its versions. */
class SecondProcessTest {
  @TempDir Path dir;

  @Test
  void aReadOnlyStoreSeesAVersionWrittenByAnotherProcessWithinASecond() throws Exception {
    Path base = dir.resolve("store");
    try (DataStore s = TestStores.open(TestStores.config(base).build())) {
      s.store("t", TestStores.ticks(5), Map.of());
    }
    Path log = dir.resolve("child.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), WriterProcess.class.getName(),
        base.toString()))
        .redirectError(log.toFile())
        .start();
    try (DataStore ro = TestStores.open(TestStores.config(base).readOnly(true).build());
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8));
        PrintStream in = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
      assertThat(ro.retrieve("t").frame().rowCount()).isEqualTo(5);
      String ready = readLine(out, child, log);
      assertThat(ready).startsWith("ready ");
      long pid = Long.parseLong(ready.substring(6));
      assertThat(pid).isEqualTo(child.pid());

      assertThatThrownBy(() -> TestStores.open(TestStores.config(base).build()))
          .isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("process " + pid);

      in.println("write 7");
      assertThat(readLine(out, child, log)).isEqualTo("written 2");
      // the child committed before it answered: every read starting a second after this sees it
      StoreLifecycleTest.awaitVisible(ro, "t", 7, System.nanoTime());
      assertThat(ro.info("t").version()).isEqualTo(2);

      in.println("write 9");
      assertThat(readLine(out, child, log)).isEqualTo("written 3");
      ro.refresh();
      assertThat(ro.retrieve("t").frame()).isEqualTo(TestStores.ticks(9));

      in.println("exit");
      assertThat(readLine(out, child, log)).isEqualTo("closed");
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    try (DataStore s = TestStores.open(TestStores.config(base).build())) {
      assertThat(s.info("t").version()).isEqualTo(3);
    }
  }

  private static String readLine(BufferedReader out, Process child, Path log) throws Exception {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String s = line.get(60, TimeUnit.SECONDS);
    if (s == null) {
      child.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the child process ended early: " + Files.readString(log));
    }
    return s;
  }
}
