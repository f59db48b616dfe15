package org.optstore.core.items;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The item store across processes: a killed writer, and JVMs that cannot run Chronicle Map. */
class ItemStoreProcessTest {
  static final long EXPECTED_ITEMS = 20_000;
  static final int AVERAGE_ITEM_BYTES = 160;
  /** Steps the parent waits to see before it kills the writer. */
  private static final int COMMITS_BEFORE_KILL = 200;
  /** Writers killed one after the other on the same store. */
  private static final int KILLS = 3;

  @TempDir
  Path tmp;

  private static ProcessBuilder child(List<String> jvmOptions, Path stderr, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    // C1 only: a child lives a few seconds, mostly starting Chronicle, which C2 only slows down
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ItemStoreChild.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    // options must come only from the command line above
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("_JAVA_OPTIONS");
    builder.redirectError(stderr.toFile());
    return builder;
  }

  private static List<String> run(ProcessBuilder builder, Path stderr) throws Exception {
    Process process = builder.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
      }
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("child exit; stderr:%n%s", Files.readString(stderr))
        .isZero();
    return lines;
  }

  /**
   * Starts a writer on {@code dir} from step {@code first}, kills it once it has reported {@link
   * #COMMITS_BEFORE_KILL} steps, and returns the last step it reported.
   */
  private long killWriterMidWrites(Path dir, long first, Path stderr) throws Exception {
    Process writer = child(ChronicleJvmOptions.OPTIONS, stderr, "write", dir.toString(),
        Long.toString(first)).start();
    long lastReported = first - 1;
    boolean killed = false;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("committed ")) {
          lastReported = Long.parseLong(line.substring("committed ".length()));
          if (lastReported + 1 - first >= COMMITS_BEFORE_KILL) {
            // the writer is mid-loop: SIGKILL lands inside some put, most likely an overwrite of
            // a hot id; destroying also closes our end of its stdout, so later lines are not
            // read (the counter covers them)
            writer.destroyForcibly();
            killed = true;
            break;
          }
        }
      }
    } finally {
      writer.destroyForcibly();
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(killed).as("the writer reported %d steps before it ended; stderr:%n%s",
        lastReported + 1 - first, Files.readString(stderr)).isTrue();
    // 137 = 128 + SIGKILL: the writer died in its loop, not by running out of work
    assertThat(writer.exitValue()).isEqualTo(137);
    assertThat(dir.resolve(ItemsDirectory.OPEN_MARKER)).exists();
    // the writer ran with exactly the options the InvalidConfigException prints: they suffice
    assertThat(Files.readString(stderr)).doesNotContain("ERROR").doesNotContain("WARN")
        .doesNotContain("Exception");
    return lastReported;
  }

  /**
   * Checks a store recovered after a kill: every step up to the counter's is whole, the step in
   * flight is partly there in put order, and every overwritten id holds its old or its new value.
   *
   * @return the last step the counter records
   */
  private static long checkAfterKill(ItemStore store, long lastReported, int kill) {
    // the counter is overwritten on every step: an overwrite cut off by the kill must leave its
    // old value, so it is never absent
    Optional<Map<String, Object>> counter = store.get("counter");
    assertThat(counter).as("kill %d: the counter", kill).isPresent();
    long last = (Long) counter.get().get("last");
    assertThat(last).isGreaterThanOrEqualTo(lastReported);
    for (long i = 0; i <= last; i++) {
      assertThat(store.get("item-" + i)).as("kill %d: item-%d", kill, i)
          .contains(ItemStoreTest.item(i));
    }
    // step last + 1 was in flight: its item first, then the hot ids in order, then the counter
    Optional<Map<String, Object>> next = store.get("item-" + (last + 1));
    next.ifPresent(item -> assertThat(item).isEqualTo(ItemStoreTest.item(last + 1)));
    assertThat(store.get("item-" + (last + 2))).isEmpty();
    boolean oldSeen = false;
    for (int h = 0; h < ItemStoreChild.HOT_IDS; h++) {
      Optional<Map<String, Object>> hot = store.get("hot-" + h);
      assertThat(hot).as("kill %d: hot-%d, overwritten on every step, is never absent", kill, h)
          .isPresent();
      Map<String, Object> old = ItemStoreChild.hot(h, last);
      Map<String, Object> updated = ItemStoreChild.hot(h, last + 1);
      assertThat(hot.get()).as("kill %d: hot-%d holds step %d's or step %d's value", kill, h,
          last, last + 1).isIn(old, updated);
      if (hot.get().equals(updated)) {
        assertThat(next).as("kill %d: hot-%d is from step %d, whose item comes first", kill, h,
            last + 1).isPresent();
        assertThat(oldSeen).as("kill %d: hot-%d is new but an earlier hot id is old", kill, h)
            .isFalse();
      } else {
        oldSeen = true;
      }
    }
    assertThat(store.size())
        .isEqualTo(last + 1 + (next.isPresent() ? 1 : 0) + ItemStoreChild.HOT_IDS + 1);
    return last;
  }

  @Test
  void overwritesCutOffByKillsLeaveTheOldOrTheNewItemAndCommittedItemsSurvive() throws Exception {
    Path dir = tmp.resolve("items");
    long first = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      long lastReported = killWriterMidWrites(dir, first, tmp.resolve("writer-" + kill + ".err"));
      try (ItemStore store = ItemStore.open(dir, EXPECTED_ITEMS, AVERAGE_ITEM_BYTES)) {
        assertThat(store.recoveredOnOpen()).isTrue();
        first = checkAfterKill(store, lastReported, kill) + 1;
      }
      // the next writer continues from the step after the counter's, on the recovered store
    }
    try (ItemStore store = ItemStore.open(dir, EXPECTED_ITEMS, AVERAGE_ITEM_BYTES)) {
      assertThat(store.recoveredOnOpen()).isFalse();
      assertThat(store.get("counter")).contains(Map.of("last", first - 1));
      store.put("after-recovery", Map.of("ok", true));
      assertThat(store.get("after-recovery")).contains(Map.of("ok", true));
    }
  }

  @Test
  void aJvmWithoutTheOptionsGetsInvalidConfigPrintingThemOnEveryAttempt() throws Exception {
    Path dir = tmp.resolve("items");
    Path stderr = tmp.resolve("no-options.err");

    List<String> lines = run(child(List.of(), stderr, "open", dir.toString()), stderr);

    assertThat(lines).hasSize(2);
    for (String line : lines) {
      assertThat(line).startsWith("InvalidConfigException: ").contains(dir.toString());
      for (String option : ChronicleJvmOptions.OPTIONS) {
        assertThat(line).contains(option);
      }
      assertThat(line).contains("missing: --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED");
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void aJvmWithoutJavacGetsInvalidConfigAskingForAFullJdk() throws Exception {
    Path dir = tmp.resolve("items");
    Path stderr = tmp.resolve("no-javac.err");
    List<String> options = new ArrayList<>(ChronicleJvmOptions.OPTIONS);
    options.add("--limit-modules");
    options.add("java.base,java.logging,java.management,jdk.unsupported");

    List<String> lines = run(child(options, stderr, "open", dir.toString()), stderr);

    assertThat(lines).hasSize(2);
    for (String line : lines) {
      assertThat(line).startsWith("InvalidConfigException: ").contains("full JDK")
          .contains("jdk.compiler").contains(ChronicleJvmOptions.commandLine());
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void theSurefireJvmHasEveryOption() throws IOException {
    // the in-process tests rely on the argLine; this pins it to the list the message prints
    ChronicleJvmOptions.checkRuntime(tmp);
    assertThat(ChronicleJvmOptions.OPTIONS).hasSize(10);
    assertThat(ChronicleJvmOptions.commandLine())
        .isEqualTo("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"
            + " --add-exports=java.base/sun.nio.ch=ALL-UNNAMED"
            + " --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED"
            + " --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED"
            + " --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED"
            + " --add-opens=java.base/java.lang=ALL-UNNAMED"
            + " --add-opens=java.base/java.lang.reflect=ALL-UNNAMED"
            + " --add-opens=java.base/java.io=ALL-UNNAMED"
            + " --add-opens=java.base/java.util=ALL-UNNAMED"
            + " -Dchronicle.analytics.disable=true");
  }
}
