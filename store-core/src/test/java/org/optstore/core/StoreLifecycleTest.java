package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.DataStore;
import org.optstore.DataStoreException;
import org.optstore.DatasetNotFoundException;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.InvalidConfigException;
import org.optstore.Query;
import org.optstore.Result;
import org.optstore.SchemaException;
import org.optstore.StoreClosedException;
import org.optstore.core.testing.ColumnarTestFormat;

/** Opening, locking, sharing, closing, and the store's executor. */
class StoreLifecycleTest {
  @TempDir Path dir;

  private StoreConfig.Builder config() {
    return TestStores.config(dir.resolve("store"));
  }

  @Test
  void aSecondWritableOpenInThisProcessFailsNamingThePid() {
    try (DataStore first = TestStores.open(config().build())) {
      assertThatThrownBy(() -> TestStores.open(config().build()))
          .isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("pid " + ProcessHandle.current().pid())
          .hasMessageContaining("DataStores.shared");
      // a read-only store opens beside it and sees its writes
      try (DataStore ro = TestStores.open(config().readOnly(true).build())) {
        first.store("t", TestStores.ticks(5), Map.of());
        ro.refresh();
        assertThat(ro.retrieve("t").frame()).isEqualTo(TestStores.ticks(5));
      }
    }
    // closing released the lock
    try (DataStore again = TestStores.open(config().build())) {
      assertThat(again.info("t").rowCount()).isEqualTo(5);
    }
  }

  @Test
  void aReadOnlyStoreNeverWritesAndTakesNoLock() throws Exception {
    try (DataStore w = TestStores.open(config().build())) {
      w.store("t", TestStores.ticks(5), Map.of());
    }
    Path lock = dir.resolve("store/LOCK");
    long lockModified = Files.getLastModifiedTime(lock).toMillis();
    try (DataStore ro = TestStores.open(config().readOnly(true).build());
        DataStore w = TestStores.open(config().build())) {
      assertThatThrownBy(() -> ro.store("x", TestStores.ticks(1), Map.of()))
          .isInstanceOf(InvalidConfigException.class).hasMessageContaining("read-only");
      assertThatThrownBy(() -> ro.storeRecords("x", List.of(Map.of("a", 1)), Map.of()))
          .isInstanceOf(InvalidConfigException.class);
      assertThatThrownBy(() -> ro.delete("t")).isInstanceOf(InvalidConfigException.class);
      assertThat(ro.retrieve("t").frame().rowCount()).isEqualTo(5);
      assertThat(w.list()).hasSize(1);
    }
    assertThat(Files.getLastModifiedTime(lock).toMillis()).isGreaterThanOrEqualTo(lockModified);
    assertThatThrownBy(() -> TestStores.open(TestStores.config(dir.resolve("missing"))
        .readOnly(true).build()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("does not exist");
    assertThat(dir.resolve("missing")).doesNotExist();
  }

  /**
   * Reads until the read-only store sees {@code rows} rows of {@code name}, without refresh, and
   * checks the contract's bound without depending on the machine's speed: every read that starts
   * a second or more after the commit (which happened before {@code committedBy}) must see it.
   *
   * @return the milliseconds from {@code committedBy} to the start of the first read that saw it
   */
  static long awaitVisible(DataStore ro, String name, int rows, long committedBy)
      throws InterruptedException {
    long bound = committedBy + TimeUnit.SECONDS.toNanos(1);
    while (true) {
      long start = System.nanoTime();
      int seen;
      try {
        seen = ro.retrieve(name).frame().rowCount();
      } catch (DatasetNotFoundException e) {
        seen = -1;
      }
      if (seen == rows) {
        return TimeUnit.NANOSECONDS.toMillis(start - committedBy);
      }
      assertThat(start - bound).as("a read of '%s' that started %d ms after the commit still "
          + "saw %d rows, not %d", name, TimeUnit.NANOSECONDS.toMillis(start - committedBy), seen,
          rows).isNegative();
      Thread.sleep(20);
    }
  }

  @Test
  void aReadOnlyStoreSeesANewVersionWithinASecond() throws Exception {
    try (DataStore w = TestStores.open(config().build());
        DataStore ro = TestStores.open(config().readOnly(true).build())) {
      w.store("t", TestStores.ticks(5), Map.of());
      assertThatThrownBy(() -> ro.retrieve("nope")).isInstanceOf(DatasetNotFoundException.class);
      // a dataset the reader has already looked for, and found missing
      assertThatThrownBy(() -> ro.retrieve("later")).isInstanceOf(DatasetNotFoundException.class);
      w.store("later", TestStores.ticks(3), Map.of());
      awaitVisible(ro, "later", 3, System.nanoTime());
      // a new version of a dataset the reader holds a view of
      assertThat(ro.retrieve("t").frame().rowCount()).isEqualTo(5);
      w.store("t", TestStores.ticks(6), Map.of());
      awaitVisible(ro, "t", 6, System.nanoTime());
      assertThat(ro.info("t").version()).isEqualTo(2);
      // refresh() shows a commit at once
      w.store("t", TestStores.ticks(7), Map.of());
      ro.refresh();
      assertThat(ro.retrieve("t").frame().rowCount()).isEqualTo(7);
      assertThat(ro.list()).hasSize(2);
      w.delete("t");
      ro.refresh();
      assertThatThrownBy(() -> ro.retrieve("t")).isInstanceOf(DatasetNotFoundException.class);
      assertThat(ro.list()).extracting(org.optstore.DatasetInfo::name).containsExactly("later");
    }
  }

  @Test
  void sharedHandlesShareOneStoreThatClosesWithTheLastHandle() {
    StoreConfig c = config().build();
    DataStore a = DataStores.shared(c, TestStores.class.getClassLoader());
    DataStore b = DataStores.shared(StoreConfig.fromMap(Map.of(
        "base_path", dir.resolve("store/../store").toString(), "storage_format", "testcol",
        "max_workers", 4)), TestStores.class.getClassLoader());
    a.store("t", TestStores.ticks(3), Map.of());
    assertThat(b.retrieve("t").frame()).isEqualTo(TestStores.ticks(3));
    assertThatThrownBy(() -> DataStores.shared(config().keepVersions(5).build()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("keepVersions=2");
    assertThatThrownBy(() -> TestStores.open(c)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("pid");
    a.close();
    a.close();
    assertThatThrownBy(() -> a.list()).isInstanceOf(StoreClosedException.class);
    assertThat(b.list()).hasSize(1);
    b.close();
    // the last handle closed the store and released the lock
    try (DataStore own = TestStores.open(c)) {
      assertThat(own.list()).hasSize(1);
    }
  }

  @Test
  void sharedWaitsForAStoreStillClosingAndOpensItAnew() throws Exception {
    StoreConfig c = config().maxWorkers(1).build();
    ClassLoader formats = TestStores.class.getClassLoader();
    DataStore first = DataStores.shared(c, formats);
    first.store("gated-shared", TestStores.ticks(2000), Map.of());
    ColumnarTestFormat.Gate gate = ColumnarTestFormat.gate("gated-shared");
    Thread closer = new Thread(first::close, "closer");
    CompletableFuture<DataStore> second = new CompletableFuture<>();
    Thread opener = new Thread(() -> {
      try {
        second.complete(DataStores.shared(c, formats));
      } catch (Throwable t) {
        second.completeExceptionally(t);
      }
    }, "opener");
    try {
      CompletableFuture<Result> running = first.retrieveAsync("gated-shared", Query.all());
      assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
      closer.start();
      // the last handle's close now waits for the gated read, holding the lock
      awaitState(closer, "close", "wait");
      opener.start();
      awaitState(opener, "awaitClosed", null);
      assertThat(second).as("shared waits for the closing store instead of failing").isNotDone();
      gate.release.countDown();
      assertThat(running.get(10, TimeUnit.SECONDS).frame().rowCount()).isEqualTo(2000);
      try (DataStore again = second.get(30, TimeUnit.SECONDS)) {
        assertThat(again.retrieve("gated-shared").frame()).isEqualTo(TestStores.ticks(2000));
        again.store("after", TestStores.ticks(3), Map.of());
        assertThat(again.list()).hasSize(2);
      }
      closer.join(60_000);
      assertThat(closer.isAlive()).isFalse();
    } finally {
      gate.release.countDown();
      ColumnarTestFormat.gate(null);
    }
    // the reopened store closed with its last handle and released the lock
    try (DataStore own = TestStores.open(c)) {
      assertThat(own.list()).hasSize(2);
    }
  }

  /**
   * Waits until a thread is inside a method of this module whose name is {@code method} (and, if
   * {@code then} is given, has gone on from it into a JDK method of that name), or has ended.
   */
  private static void awaitState(Thread t, String method, String then) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && t.getState() != Thread.State.TERMINATED) {
      StackTraceElement[] stack = t.getStackTrace();
      for (int i = 0; i < stack.length; i++) {
        if (stack[i].getClassName().startsWith("org.optstore.core.")
            && stack[i].getMethodName().equals(method)) {
          if (then == null) {
            return;
          }
          for (int j = 0; j < i; j++) {
            if (stack[j].getMethodName().equals(then)) {
              return;
            }
          }
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError(t.getName() + " never reached " + method + " (state "
        + t.getState() + ")");
  }

  @Test
  void aClosedStoreRefusesEveryCall() {
    DataStore s = TestStores.open(config().build());
    s.store("t", TestStores.ticks(3), Map.of());
    FrameStream open = s.scan("t", Query.all());
    s.close();
    s.close();
    assertThatThrownBy(() -> s.retrieve("t")).isInstanceOf(StoreClosedException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> s.store("t", TestStores.ticks(1), Map.of()))
        .isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(s::list).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> s.info("t")).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> s.delete("t")).isInstanceOf(StoreClosedException.class);
    boolean[] closed = {false};
    FrameStream batches = new FrameStream() {
      @Override
      public org.optstore.Schema schema() {
        return TestStores.ticks(1).schema();
      }

      @Override
      public boolean hasNext() {
        return false;
      }

      @Override
      public Frame next() {
        throw new java.util.NoSuchElementException();
      }

      @Override
      public void close() {
        closed[0] = true;
      }
    };
    assertThatThrownBy(() -> s.store("t", batches, Map.of(), org.optstore.WriteOptions.defaults()))
        .isInstanceOf(StoreClosedException.class);
    assertThat(closed[0]).as("the batches were closed").isTrue();
    assertThatThrownBy(() -> s.retrieveAll(List.of("t"), Query.all()))
        .isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(open::hasNext).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> s.retrieveAsync("t", Query.all()).get())
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StoreClosedException.class);
  }

  private static Set<String> workerThreads() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(n -> n.startsWith("optstore-")).collect(Collectors.toSet());
  }

  @Test
  void closeLetsRunningReadsFinishFailsQueuedOnesAndLeavesNoThreads() throws Exception {
    Set<String> before = workerThreads();
    DataStore s = TestStores.open(config().maxWorkers(1).build());
    s.store("gated", TestStores.ticks(2000), Map.of());
    s.store("t", TestStores.ticks(10), Map.of());
    ColumnarTestFormat.Gate gate = ColumnarTestFormat.gate("gated");
    try {
      CompletableFuture<Result> running = s.retrieveAsync("gated", Query.all());
      assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<Result>> queued = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        queued.add(s.retrieveAsync("t", Query.all()));
      }
      Thread closer = new Thread(s::close);
      closer.start();
      closer.join(300);
      assertThat(closer.isAlive()).as("close waits for the running read").isTrue();
      gate.release.countDown();
      closer.join(60_000);
      assertThat(closer.isAlive()).isFalse();
      assertThat(running.get(10, TimeUnit.SECONDS).frame().rowCount()).isEqualTo(2000);
      for (CompletableFuture<Result> q : queued) {
        assertThatThrownBy(() -> q.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(
            StoreClosedException.class);
      }
    } finally {
      gate.release.countDown();
      ColumnarTestFormat.gate(null);
    }
    // the executor has stopped; its threads end soon after (a generous deadline for slow hosts)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!workerThreads().equals(before) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(workerThreads()).isEqualTo(before);
  }

  @Test
  void retrieveAllKeepsTheOrderAndNamesTheFirstFailure() throws Exception {
    try (DataStore s = TestStores.open(config().build())) {
      for (String n : List.of("c", "a", "b")) {
        s.store(n, TestStores.ticks(n.charAt(0) - 'a' + 1), Map.of());
      }
      Map<String, Result> all = s.retrieveAll(List.of("c", "a", "b", "a"), Query.all());
      assertThat(all.keySet()).containsExactly("c", "a", "b");
      assertThat(all.get("c").frame().rowCount()).isEqualTo(3);
      assertThat(all.get("a").frame().rowCount()).isEqualTo(1);
      assertThat(all.get("b").info().name()).isEqualTo("b");
      assertThatThrownBy(() -> s.retrieveAll(List.of("a", "zz", "b"), Query.all()))
          .isInstanceOf(DatasetNotFoundException.class).hasMessageContaining("'zz'")
          .hasMessageContaining("known: a, b, c");
      assertThatThrownBy(() -> s.retrieveAll(List.of("a", "b"), Query.builder()
          .columns("nope").build()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("dataset 'a'")
          .hasMessageContaining("nope");
      assertThat(s.retrieveAll(List.of(), Query.all())).isEmpty();
      assertThat(s.retrieveAsync("b", Query.all()).get(10, TimeUnit.SECONDS).frame().rowCount())
          .isEqualTo(2);
      assertThatThrownBy(() -> s.retrieveAsync("zz", Query.all()).get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(DatasetNotFoundException.class);
      // a nested parallel read from a store thread runs inline rather than waiting on itself
      Map<String, Result> nested = s.retrieveAsync("a", Query.all())
          .thenApplyAsync(r -> s.retrieveAll(List.of("a", "b", "c"), Query.all()),
              runnable -> new Thread(runnable).start())
          .get(10, TimeUnit.SECONDS);
      assertThat(nested).hasSize(3);
    }
  }

  @Test
  void retrieveFilteredAppliesTheFunctionToTheWholeDataset() {
    try (DataStore s = TestStores.open(config().cacheTtl(Duration.ofMinutes(1)).build())) {
      s.store("t", TestStores.ticks(100), Map.of("m", 1));
      Result r = s.retrieveFiltered("t", f -> f.slice(10, 20).project("volume"));
      assertThat(r.frame()).isEqualTo(TestStores.ticks(100).slice(10, 20).project("volume"));
      assertThat(r.info().metadata()).containsEntry("m", 1);
      assertThatThrownBy(() -> s.retrieveFiltered("t", f -> null))
          .isInstanceOf(DataStoreException.class).hasMessageContaining("returned null");
      assertThatThrownBy(() -> s.retrieveFiltered("none", f -> f))
          .isInstanceOf(DatasetNotFoundException.class);
    }
  }
}
