package org.optstore.core.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.DataStoreException;
import org.optstore.InvalidArgumentException;
import org.optstore.InvalidConfigException;
import org.optstore.StoreClosedException;

class ItemStoreTest {
  @TempDir
  Path tmp;

  /** A small store: quick to create, small on disk. */
  private ItemStore openSmall(Path dir) {
    return ItemStore.open(dir, 20_000, 160);
  }

  /** The item the tests write for number i: nested, unicode, every value kind. */
  static Map<String, Object> item(long i) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("value", i);
    item.put("label", "item №" + i + " – ünïcødé – 価格 – \uD83D\uDCC8");
    item.put("price", 100 + Math.sin(i / 7.0));
    item.put("active", i % 3 == 0);
    item.put("note", i % 5 == 0 ? null : "n" + i);
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("tags", List.of("a" + (i % 10), "b"));
    nested.put("history", List.of(i - 1, i, i + 1));
    nested.put("deeper",
        Map.of("flag", i % 2 == 0, "text", "x".repeat((int) Math.floorMod(i, 50L))));
    item.put("meta", nested);
    return item;
  }

  @Test
  void putGetRoundTripsNestedUnicodeItems() throws Exception {
    try (ItemStore store = openSmall(tmp.resolve("items"))) {
      for (long i = 0; i < 100; i++) {
        store.put("item-" + i, item(i));
      }
      store.put("ключ/../日本語 ids are keys, not paths", item(-1));

      for (long i = 0; i < 100; i++) {
        assertThat(store.get("item-" + i)).contains(item(i));
      }
      assertThat(store.get("ключ/../日本語 ids are keys, not paths")).contains(item(-1));
      assertThat(store.size()).isEqualTo(101);
      assertThat(store.get("item-100")).isEmpty();
    }
    assertThat(tmp.resolve("items")).isDirectory();
    try (var files = Files.list(tmp.resolve("items"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("items.dat", "items.lock");
    }
  }

  @Test
  void overwriteReplacesAndDeleteRemoves() {
    try (ItemStore store = openSmall(tmp.resolve("items"))) {
      store.put("k", Map.of("v", 1));
      store.put("k", Map.of("v", "x".repeat(3000), "more", List.of(1, 2, 3)));
      assertThat(store.get("k")).contains(Map.of("v", "x".repeat(3000), "more", List.of(1L, 2L,
          3L)));
      store.put("k", Map.of());
      assertThat(store.get("k")).contains(Map.of());
      assertThat(store.size()).isEqualTo(1);

      assertThat(store.delete("k")).isTrue();
      assertThat(store.delete("k")).isFalse();
      assertThat(store.get("k")).isEmpty();
      assertThat(store.size()).isZero();

      store.put("k", Map.of("again", true));
      assertThat(store.get("k")).contains(Map.of("again", true));
    }
  }

  @Test
  void badIdsAreRefusedByEveryCall() {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (ItemStore store = openSmall(tmp.resolve("items"))) {
      String tooLong = "x".repeat(201);
      for (String bad : new String[] {null, "", tooLong, "a\u0000b", "line\nbreak", "del\u007f",
          "c1\u0085control", "tab\t"}) {
        assertThatThrownBy(() -> store.put(bad, Map.of("v", 1)))
            .as("put %s", bad).isInstanceOf(InvalidArgumentException.class)
            .hasMessageContaining("200");
        assertThatThrownBy(() -> store.get(bad)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store.delete(bad)).isInstanceOf(InvalidArgumentException.class);
        List<String> ids = new ArrayList<>(List.of("ok-1", "ok-2"));
        ids.add(bad);
        assertThatThrownBy(() -> store.batchGet(ids, 10, pool))
            .isInstanceOf(InvalidArgumentException.class)
            .hasMessageContaining("position 2");
      }
      assertThatThrownBy(() -> store.put("a\u0000b", Map.of()))
          .hasMessageContaining("U+0000").hasMessageContaining("index 1");
      assertThat(store.size()).isZero();

      String longest = "y".repeat(200);
      store.put(longest, Map.of("v", 1));
      store.put("\uD83D\uDE00", Map.of("v", 2));
      assertThat(store.get(longest)).contains(Map.of("v", 1L));
      assertThat(store.get("\uD83D\uDE00")).contains(Map.of("v", 2L));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badValuesAreRefusedNamingIdAndKeyAndLeaveTheStoreUnchanged() {
    try (ItemStore store = openSmall(tmp.resolve("items"))) {
      store.put("order-1", Map.of("v", 1));
      Map<String, Object> bad = new LinkedHashMap<>();
      bad.put("fine", "yes");
      bad.put("when", java.time.LocalDate.of(2024, 1, 2));

      assertThatThrownBy(() -> store.put("order-1", bad))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("'order-1'")
          .hasMessageContaining("key 'when'")
          .hasMessageContaining("java.time.LocalDate");
      assertThatThrownBy(() -> store.put("order-2", null))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'order-2'");

      assertThat(store.get("order-1")).contains(Map.of("v", 1L));
      assertThat(store.get("order-2")).isEmpty();
    }
  }

  @Test
  void itemsSurviveCloseAndReopenWithoutRecovery() {
    Path dir = tmp.resolve("items");
    try (ItemStore store = openSmall(dir)) {
      assertThat(store.recoveredOnOpen()).isFalse();
      assertThat(dir.resolve(ItemsDirectory.OPEN_MARKER)).exists();
      for (long i = 0; i < 500; i++) {
        store.put("item-" + i, item(i));
      }
      store.delete("item-7");
    }
    assertThat(dir.resolve(ItemsDirectory.OPEN_MARKER)).doesNotExist();

    try (ItemStore store = ItemStore.open(dir)) {
      assertThat(store.recoveredOnOpen()).isFalse();
      assertThat(store.size()).isEqualTo(499);
      for (long i = 0; i < 500; i++) {
        assertThat(store.get("item-" + i)).isEqualTo(i == 7 ? Optional.empty()
            : Optional.of(item(i)));
      }
    }
  }

  @Test
  void aLeftoverOpenMarkerMakesTheNextOpenRecover() throws Exception {
    Path dir = tmp.resolve("items");
    try (ItemStore store = openSmall(dir)) {
      store.put("kept", item(1));
    }
    Files.writeString(dir.resolve(ItemsDirectory.OPEN_MARKER), "opened by pid 1 at then\n");

    try (ItemStore store = openSmall(dir)) {
      assertThat(store.recoveredOnOpen()).isTrue();
      assertThat(store.get("kept")).contains(item(1));
    }
    try (ItemStore store = openSmall(dir)) {
      assertThat(store.recoveredOnOpen()).isFalse();
    }
  }

  @Test
  void aCrashBeforeTheMapFileWasCreatedLeavesNothingToRecover() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("items"));
    Files.writeString(dir.resolve(ItemsDirectory.OPEN_MARKER), "opened by pid 1 at then\n");
    Files.writeString(dir.resolve(ItemsDirectory.CREATING_FILE), "half a map");

    try (ItemStore store = openSmall(dir)) {
      assertThat(store.recoveredOnOpen()).isFalse();
      assertThat(dir.resolve(ItemsDirectory.CREATING_FILE)).doesNotExist();
      store.put("first", Map.of("v", 1));
    }
    try (ItemStore store = openSmall(dir)) {
      assertThat(store.get("first")).contains(Map.of("v", 1L));
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFails() {
    Path dir = tmp.resolve("items");
    try (ItemStore store = openSmall(dir)) {
      store.put("a", Map.of());
      assertThatThrownBy(() -> openSmall(dir))
          .isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("already open")
          .hasMessageContaining(dir.toString());
      assertThat(store.get("a")).contains(Map.of());
      assertThat(dir.resolve(ItemsDirectory.OPEN_MARKER)).exists();
    }
    try (ItemStore again = openSmall(dir)) {
      assertThat(again.recoveredOnOpen()).isFalse();
    }
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsAConfigError() throws Exception {
    Path file = Files.writeString(tmp.resolve("items"), "not a directory");
    assertThatThrownBy(() -> openSmall(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void badSizingIsRefused() {
    assertThatThrownBy(() -> ItemStore.open(tmp, 0, 100))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("expectedItems");
    assertThatThrownBy(() -> ItemStore.open(tmp, 10, 0))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("averageItemBytes");
    assertThatThrownBy(() -> ItemStore.open(null))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void everyCallAfterCloseFailsAndCloseIsIdempotent() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    ItemStore store = openSmall(tmp.resolve("items"));
    store.put("a", Map.of("v", 1));
    store.close();
    store.close();
    try {
      assertThatThrownBy(() -> store.put("a", Map.of())).isInstanceOf(StoreClosedException.class);
      assertThatThrownBy(() -> store.get("a")).isInstanceOf(StoreClosedException.class)
          .hasMessageContaining(tmp.resolve("items").toString());
      assertThatThrownBy(() -> store.delete("a")).isInstanceOf(StoreClosedException.class);
      assertThatThrownBy(store::size).isInstanceOf(StoreClosedException.class);
      assertThatThrownBy(() -> store.batchGet(List.of("a", "b"), 1, pool))
          .isInstanceOf(StoreClosedException.class);
      assertThatThrownBy(() -> store.batchGet(List.of(), 1, pool))
          .isInstanceOf(StoreClosedException.class);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anItemTooLargeForTheMapIsRefusedAndTheStoreStaysUsable() {
    try (ItemStore store = ItemStore.open(tmp.resolve("items"), 1_000, 100)) {
      store.put("small", Map.of("v", 1));
      Random random = new Random(42);
      StringBuilder noise = new StringBuilder();
      for (int i = 0; i < 4_000_000; i++) {
        noise.append((char) ('a' + random.nextInt(26)));
      }
      assertThatThrownBy(() -> store.put("huge", Map.of("blob", noise.toString())))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("'huge'")
          .hasMessageContaining("too large");

      assertThat(store.get("huge")).isEmpty();
      assertThat(store.get("small")).contains(Map.of("v", 1L));
      store.put("after", Map.of("v", 2));
      assertThat(store.get("after")).contains(Map.of("v", 2L));
    }
  }

  @Test
  void aFullStoreFailsClearlyAndTakesItemsAgainAfterDeletes() {
    try (ItemStore store = ItemStore.open(tmp.resolve("items"), 100, 64)) {
      DataStoreException full = null;
      int stored = 0;
      for (int i = 0; i < 1_000_000 && full == null; i++) {
        try {
          store.put("item-" + i, Map.of("i", i, "pad", "p".repeat(40)));
          stored++;
        } catch (DataStoreException e) {
          full = e;
        }
      }
      assertThat(full).isNotNull();
      assertThat(full).hasMessageContaining("is full")
          .hasMessageContaining("expectedItems")
          .hasMessageContaining(tmp.resolve("items").toString());
      assertThat(stored).isGreaterThanOrEqualTo(100);
      assertThat(store.size()).isEqualTo(stored);
      assertThat(store.get("item-0")).contains(Map.of("i", 0L, "pad", "p".repeat(40)));

      for (int i = 0; i < stored; i += 2) {
        assertThat(store.delete("item-" + i)).isTrue();
      }
      store.put("item-0", Map.of("back", true));
      assertThat(store.get("item-0")).contains(Map.of("back", true));
      assertThat(store.get("item-1")).contains(Map.of("i", 1L, "pad", "p".repeat(40)));
    }
  }

  @Test
  void batchGetOf10000IdsEqualsOneByOneGets() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (ItemStore store = openSmall(tmp.resolve("items"))) {
      for (int i = 0; i < 10_000; i++) {
        store.put("item-" + i, item(i));
      }
      // 10,000 ids: present and missing interleaved, shuffled with a fixed seed, some repeated
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 9_000; i++) {
        ids.add("item-" + (i * 7 % 10_000));
      }
      for (int i = 0; i < 1_000; i++) {
        ids.add("missing-" + i);
      }
      Collections.shuffle(ids, new Random(7));
      ids.addAll(ids.subList(0, 50));

      Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
      for (String id : ids) {
        store.get(id).ifPresent(item -> expected.putIfAbsent(id, item));
      }
      assertThat(expected).hasSize(9_000);

      for (int batchSize : new int[] {1_000, 1, 333, 20_000}) {
        Map<String, Map<String, Object>> got = store.batchGet(ids, batchSize, pool);
        assertThat(new ArrayList<>(got.entrySet()))
            .as("batchSize %d", batchSize)
            .containsExactlyElementsOf(expected.entrySet());
        assertThat(got).doesNotContainKey("missing-0");
      }
      assertThat(store.batchGet(List.of(), 10, pool)).isEmpty();
      assertThatThrownBy(() -> store.batchGet(ids, 0, pool))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("batchSize");
      assertThatThrownBy(() -> store.batchGet(null, 10, pool))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> store.batchGet(ids, 10, null))
          .isInstanceOf(InvalidArgumentException.class);

      // a shut-down executor rejects work: the caller reads everything itself
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(new ArrayList<>(store.batchGet(ids, 500, pool).entrySet()))
          .containsExactlyElementsOf(expected.entrySet());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void batchGetFromAThreadOfItsOwnSaturatedExecutorDoesNotDeadlock() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1);
    try (ItemStore store = openSmall(tmp.resolve("items"))) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        store.put("item-" + i, Map.of("i", i));
        ids.add("item-" + i);
      }
      Future<Map<String, Map<String, Object>>> nested =
          pool.submit(() -> store.batchGet(ids, 10, pool));
      Map<String, Map<String, Object>> got = nested.get(30, TimeUnit.SECONDS);
      assertThat(got).hasSize(300);
      assertThat(new ArrayList<>(got.keySet())).containsExactlyElementsOf(ids);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentWritersAndReadersSeeWholeItems() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (ItemStore store = openSmall(tmp.resolve("items"))) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 2_000; i++) {
            int k = (i * 31 + thread) % 500;
            if (thread % 2 == 0) {
              store.put("shared-" + k, item(k));
            } else {
              store.get("shared-" + k).ifPresent(got -> assertThat(got).isEqualTo(item(k)));
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void readsRacingOverwritesNeverFindAnItemMissingOrMixed() throws Exception {
    // a put writes the new copy and then removes the old one: no read may fall between the two
    ExecutorService pool = Executors.newFixedThreadPool(4);
    int ids = 40;
    int rounds = 300;
    try (ItemStore store = openSmall(tmp.resolve("items"))) {
      List<String> all = new ArrayList<>();
      for (int k = 0; k < ids; k++) {
        store.put("hot-" + k, Map.of("k", k, "round", 0, "pad", "p".repeat(k * 10)));
        all.add("hot-" + k);
      }
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger writersLeft = new AtomicInteger(2);
      List<Future<Integer>> futures = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int writer = w;
        futures.add(pool.submit(() -> {
          start.await();
          try {
            for (int round = 1; round <= rounds; round++) {
              for (int k = writer; k < ids; k += 2) {
                store.put("hot-" + k, Map.of("k", k, "round", round,
                    "pad", "p".repeat((k * 10 + round) % 400)));
              }
            }
          } finally {
            writersLeft.decrementAndGet();
          }
          return rounds;
        }));
      }
      for (int r = 0; r < 2; r++) {
        int reader = r;
        futures.add(pool.submit(() -> {
          start.await();
          Random random = new Random(reader);
          int reads = 0;
          while (writersLeft.get() > 0 || reads == 0) {
            if (reader == 0) {
              int k = random.nextInt(ids);
              Map<String, Object> got = store.get("hot-" + k).orElseThrow(
                  () -> new AssertionError("hot-" + k + " was missing during an overwrite"));
              assertThat(got.get("k")).isEqualTo((long) k);
              long round = (Long) got.get("round");
              assertThat(got.get("pad")).isEqualTo("p".repeat(
                  round == 0 ? k * 10 : (int) ((k * 10 + round) % 400)));
            } else {
              assertThat(store.batchGet(all, 7, Runnable::run).keySet())
                  .containsExactlyElementsOf(all);
            }
            reads++;
          }
          return reads;
        }));
      }
      start.countDown();
      for (Future<Integer> f : futures) {
        assertThat(f.get(120, TimeUnit.SECONDS)).isPositive();
      }
      assertThat(store.size()).isEqualTo(ids);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void callsRacingCloseEitherSucceedOrSeeStoreClosed() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    ItemStore store = openSmall(tmp.resolve("items"));
    try {
      for (int i = 0; i < 100; i++) {
        store.put("item-" + i, item(i));
      }
      CountDownLatch running = new CountDownLatch(4);
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          running.countDown();
          int done = 0;
          for (int i = 0; ; i++) {
            try {
              if (thread == 0) {
                store.put("item-" + (i % 100), item(i % 100));
              } else {
                assertThat(store.get("item-" + (i % 100))).contains(item(i % 100));
              }
              done++;
            } catch (StoreClosedException e) {
              return done;
            }
          }
        }));
      }
      running.await();
      Thread.sleep(50);
      store.close();
      for (Future<Integer> f : futures) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isPositive();
      }
    } finally {
      store.close();
      pool.shutdownNow();
    }
    try (ItemStore again = openSmall(tmp.resolve("items"))) {
      assertThat(again.recoveredOnOpen()).isFalse();
      assertThat(again.get("item-42")).contains(item(42));
    }
  }

  @Test
  void closeLeavesNoThreadBehind() throws Exception {
    // Chronicle starts one daemon thread per JVM on first use; let that happen before counting
    try (ItemStore warm = openSmall(tmp.resolve("warm"))) {
      warm.put("w", Map.of());
    }
    Set<Thread> before = Thread.getAllStackTraces().keySet();

    ExecutorService pool = Executors.newFixedThreadPool(3);
    ItemStore store = openSmall(tmp.resolve("items"));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      store.put("item-" + i, item(i));
      ids.add("item-" + i);
    }
    assertThat(store.batchGet(ids, 100, pool)).hasSize(2_000);
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    store.close();

    Set<Thread> after = new HashSet<>(Thread.getAllStackTraces().keySet());
    after.removeAll(before);
    after.removeIf(t -> !t.isAlive());
    assertThat(after.stream().map(Thread::getName).collect(Collectors.toList())).isEmpty();
    assertThat(tmp.resolve("items").resolve(ItemsDirectory.OPEN_MARKER)).doesNotExist();
  }
}
