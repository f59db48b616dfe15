package org.optstore.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.optstore.BoundQuery;
import org.optstore.CacheStats;
import org.optstore.Column;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.LongColumn;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.StringColumn;
import org.optstore.TimeRange;
import org.optstore.spi.FormatReader;

/**
 * The cache on its own: bounds by count, by weight and by time (a fake ticker, no sleeping),
 * leases, supersession, single loads under concurrent misses, block planning and the counters.
 */
class ReadCacheTest {
  private static final long T0 = 1_672_531_200_000_000L;
  private static final long SECOND = 1_000_000L;
  private static final Duration TTL = Duration.ofMinutes(10);

  private final AtomicLong nanos = new AtomicLong(1_000);
  private final List<ExecutorService> pools = new ArrayList<>();

  @AfterEach
  void stopPools() throws InterruptedException {
    for (ExecutorService p : pools) {
      p.shutdownNow();
      assertThat(p.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private ReadCache cache(long bytes, int entries, Duration ttl) {
    return new ReadCache(bytes, entries, ttl, nanos::get);
  }

  private static VersionKey key(String dataset, long version) {
    return new VersionKey(dataset, version, 0, "crc" + version);
  }

  /** ts (seconds apart, sorted), symbol (some nulls), price (some nulls), volume. */
  static Frame ticks(int n) {
    ColumnBuilder ts = ColumnBuilder.of(ColumnType.TIMESTAMP, n);
    ColumnBuilder sym = ColumnBuilder.of(ColumnType.STRING, n);
    ColumnBuilder price = ColumnBuilder.of(ColumnType.FLOAT64, n);
    ColumnBuilder vol = ColumnBuilder.of(ColumnType.INT64, n);
    for (int i = 0; i < n; i++) {
      long l = i;
      ts.appendLong(T0 + l * SECOND);
      if (i % 17 == 5) {
        sym.appendNull();
      } else {
        sym.appendString(String.format("SYM%03d", (l * 7919) % 100));
      }
      if (i % 13 == 3) {
        price.appendNull();
      } else {
        price.appendDouble(100 + 10 * Math.sin(l / 1000.0));
      }
      vol.appendLong((l * 31) % 10000);
    }
    return Frame.builder().column("ts", ts.build()).column("symbol", sym.build())
        .column("price", price.build()).column("volume", vol.build()).timeColumn("ts").build();
  }

  private static Supplier<FormatReader> counting(FormatReader r, AtomicInteger opens) {
    return () -> {
      opens.incrementAndGet();
      return r;
    };
  }

  private static BoundQuery range(Frame f, int fromRow, int toRow, String... columns) {
    Query.Builder q = Query.builder().timeRange(TimeRange.ofMicros(T0 + fromRow * SECOND,
        T0 + toRow * SECOND));
    if (columns.length > 0) {
      q.columns(columns);
    }
    return q.build().bind(f.schema());
  }

  @Test
  void repeatedReadsShareOneOpenReader() {
    ReadCache c = cache(1L << 30, 8, null);
    FrameBlockReader fr = new FrameBlockReader(ticks(1000), 100);
    AtomicInteger opens = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      try (CachedReader r = c.reader(key("a", 1), true, counting(fr, opens))) {
        assertThat(r.reader()).isSameAs(fr);
        assertThat(r.readsBlocks()).isTrue();
      }
    }
    assertThat(opens).hasValue(1);
    assertThat(fr.closes).hasValue(0);
    CacheStats s = c.stats();
    assertThat(s.hitCount()).isEqualTo(2);
    assertThat(s.missCount()).isEqualTo(1);
    assertThat(s.entries()).isEqualTo(1);
    c.close();
    assertThat(fr.closes).hasValue(1);
  }

  @Test
  void aRangeReadsOnlyTheOverlappingBlocksAndAWarmReadDecodesNothing() {
    Frame f = ticks(1000);
    FrameBlockReader fr = new FrameBlockReader(f, 100);
    ReadCache c = cache(1L << 30, 8, null);
    BoundQuery q = range(f, 250, 450, "ts");
    Frame first;
    try (CachedReader r = c.reader(key("a", 1), true, () -> fr)) {
      first = r.read(q);
    }
    // blocks 2, 3 and 4 hold rows 200..499: whole blocks, the refiner cuts them
    assertThat(first.rowCount()).isEqualTo(300);
    assertThat(first.longs("ts").get(0)).isEqualTo(T0 + 200 * SECOND);
    assertThat(first.schema().names()).containsExactly("ts");
    assertThat(fr.blockReads).hasValue(3);
    CacheStats cold = c.stats();
    try (CachedReader r = c.reader(key("a", 1), true, () -> fr)) {
      assertThat(r.read(q)).isEqualTo(first);
      // an overlapping range loads only the block it lacks
      assertThat(r.read(range(f, 480, 520, "ts")).rowCount()).isEqualTo(200);
    }
    assertThat(fr.blockReads).hasValue(4);
    CacheStats warm = c.stats();
    assertThat(warm.hitCount() - cold.hitCount()).isEqualTo(1 + 3 + 1);
    assertThat(warm.missCount() - cold.missCount()).isEqualTo(1);
  }

  @Test
  void aReadLargerThanAnEighthOfTheCacheIsCachedOnlyWhenAskedAgain() {
    Frame f = ticks(1000); // 28 bytes a row: ts, price, volume 8 each, symbol codes 4
    FrameBlockReader fr = new FrameBlockReader(f, 100);
    ReadCache c = cache(80_000, 8, null); // admits 10,000 new bytes a read
    BoundQuery all = Query.all().bind(f.schema());
    BoundQuery small = range(f, 0, 300); // blocks 0-2: 8,400 bytes
    try (CachedReader r = c.reader(key("a", 1), true, () -> fr)) {
      assertThat(r.admits(small)).isTrue();
      assertThat(r.read(small).rowCount()).isEqualTo(300);
      assertThat(fr.blockReads).hasValue(3 * 4);
      // everything: 28,000 bytes, of which the 8,400 cached do not count; still too many
      assertThat(r.admits(all)).isFalse();
      assertThat(fr.blockReads).hasValue(3 * 4);
      long held = c.stats().bytesHeld();
      assertThat(held).isPositive();
      // asked again: admitted, and only the blocks not cached are decoded
      assertThat(r.admits(all)).isTrue();
      assertThat(r.read(all)).isEqualTo(f);
      assertThat(fr.blockReads).hasValue(10 * 4);
      assertThat(c.stats().bytesHeld()).isGreaterThan(held);
      assertThat(r.admits(all)).isTrue();
      assertThat(r.read(all)).isEqualTo(f);
      assertThat(fr.blockReads).hasValue(10 * 4);
      // the remembered blocks belong to this reader entry: another version starts afresh
    }
    FrameBlockReader other = new FrameBlockReader(f, 100);
    try (CachedReader r = c.reader(key("a", 2), true, () -> other)) {
      assertThat(r.admits(all)).isFalse();
      assertThat(r.admits(Query.builder().columns("symbol").build().bind(f.schema()))).isTrue();
    }
    // a cache without data admits nothing, and says so without remembering anything
    ReadCache noData = cache(0, 8, null);
    try (CachedReader r = noData.reader(key("a", 1), true, () -> fr)) {
      assertThat(r.admits(small)).isFalse();
      assertThat(r.admits(small)).isFalse();
    }
  }

  @Test
  void blocksOutOfTimeOrderAreChosenByOverlapAsTheBinarySearchChoosesSortedOnes() {
    Random rnd = new Random(42);
    for (boolean sorted : new boolean[] {true, false}) {
      Frame f = shuffledTimes(ticks(1000), sorted ? null : rnd);
      FrameBlockReader fr = new FrameBlockReader(f, 64);
      ReaderEntry e = new ReaderEntry(key("a", 1), fr, true);
      assertThat(e.blocksInTimeOrder).isEqualTo(sorted);
      var blocks = fr.blocks();
      for (int i = 0; i < 200; i++) {
        long a = T0 + (rnd.nextInt(1200) - 100) * SECOND + rnd.nextInt(3) - 1;
        long b = a + rnd.nextInt(300) * SECOND;
        TimeRange r = TimeRange.ofMicros(a, b);
        List<Integer> expected = new ArrayList<>();
        for (int k = 0; k < blocks.size(); k++) {
          if (r.overlaps(blocks.get(k).minTimeMicros(), blocks.get(k).maxTimeMicros())) {
            expected.add(k);
          }
        }
        assertThat(e.overlapping(r, true)).as(r + (sorted ? " sorted" : " unsorted"))
            .containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
      }
      assertThat(e.overlapping(TimeRange.ofMicros(T0, T0), true)).isEmpty();
      assertThat(e.overlapping(TimeRange.all(), false)).hasSize(blocks.size());
    }
  }

  private static Frame shuffledTimes(Frame f, Random rnd) {
    if (rnd == null) {
      return f;
    }
    long[] ts = f.longs("ts").toArray();
    for (int i = ts.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      long t = ts[i];
      ts[i] = ts[j];
      ts[j] = t;
    }
    return Frame.builder().column("ts", LongColumn.wrap(ColumnType.TIMESTAMP, ts,
            org.optstore.NullMask.none(ts.length)))
        .column("volume", f.column("volume")).timeColumn("ts").build();
  }

  @Test
  void aLimitWithoutPredicateReadsOnlyTheBlocksItNeeds() {
    Frame f = ticks(1000);
    FrameBlockReader fr = new FrameBlockReader(f, 100);
    ReadCache c = cache(1L << 30, 8, null);
    try (CachedReader r = c.reader(key("a", 1), true, () -> fr)) {
      Frame out = r.read(Query.builder().columns("volume").limit(150).build().bind(f.schema()));
      assertThat(out.rowCount()).isEqualTo(200);
      assertThat(fr.blockReads).hasValue(2);
      // block 2 overlaps the range only partly, so it cannot settle the limit
      Frame ranged = r.read(Query.builder().columns("volume").limit(60)
          .timeRange(TimeRange.ofMicros(T0 + 250 * SECOND, T0 + 900 * SECOND)).build()
          .bind(f.schema()));
      assertThat(ranged.rowCount()).isEqualTo(200); // blocks 2 and 3
      // with a predicate any block may hold too few matches: every overlapping block is read
      Frame filtered = r.read(Query.builder().columns("volume").limit(1)
          .where(Predicates.gt("volume", 9990)).build().bind(f.schema()));
      assertThat(filtered.rowCount()).isEqualTo(1000);
    }
  }

  @Test
  void streamsWholeBlocksInBatchesAndReturnsTheLeaseOnClose() {
    Frame f = ticks(1000);
    FrameBlockReader fr = new FrameBlockReader(f, 100);
    ReadCache c = cache(1L << 30, 8, null);
    CachedReader r = c.reader(key("a", 1), true, () -> fr);
    List<Integer> sizes = new ArrayList<>();
    try (FrameStream s = r.stream(range(f, 150, 760), 250)) {
      while (s.hasNext()) {
        sizes.add(s.next().rowCount());
      }
    }
    assertThat(sizes).containsExactly(200, 200, 200, 100); // blocks 1..7, two per batch at most
    c.invalidate(key("a", 1));
    assertThat(fr.closes).hasValue(1); // the stream's close returned the only lease
  }

  @Test
  void countBoundEvictsReadersAndTheirBlocks() {
    Frame f = ticks(1000);
    ReadCache c = cache(1L << 30, 2, null);
    List<FrameBlockReader> readers = new ArrayList<>();
    for (String d : List.of("a", "b", "c")) {
      FrameBlockReader fr = new FrameBlockReader(f, 100);
      readers.add(fr);
      try (CachedReader r = c.reader(key(d, 1), true, () -> fr)) {
        r.read(range(f, 0, 200, "ts"));
      }
    }
    CacheStats s = c.stats();
    assertThat(readers.stream().mapToInt(r -> r.closes.get()).sum()).isEqualTo(1);
    assertThat(s.evictionCount()).isEqualTo(1);
    assertThat(s.entries()).isEqualTo(2 + 2 * 2); // two readers and their two blocks each
    FrameBlockReader evicted = readers.stream().filter(r -> r.closes.get() == 1).findFirst()
        .orElseThrow();
    long weight = 0;
    for (FrameBlockReader r : readers) {
      if (r != evicted) {
        weight += r.readBlock(0, "ts").sizeInBytes() + r.readBlock(1, "ts").sizeInBytes();
      }
    }
    assertThat(s.bytesHeld()).isEqualTo(weight);
  }

  @Test
  void weightBoundKeepsTheBytesHeldUnderTheLimit() {
    Frame f = ticks(1000);
    FrameBlockReader fr = new FrameBlockReader(f, 100);
    long blockBytes = fr.readBlock(0, "ts").sizeInBytes();
    long max = 3 * blockBytes + blockBytes / 2;
    ReadCache c = cache(max, 8, null);
    try (CachedReader r = c.reader(key("a", 1), true, () -> fr)) {
      for (int i = 0; i < 2; i++) {
        assertThat(r.read(Query.builder().columns("ts").build().bind(f.schema())))
            .isEqualTo(f.project("ts"));
      }
    }
    CacheStats s = c.stats();
    long loads = fr.blockReads.get() - 1;
    long held = s.entries() - 1; // blocks, besides the reader
    assertThat(s.bytesHeld()).isLessThanOrEqualTo(max).isGreaterThan(0);
    assertThat(held).isBetween(1L, 3L);
    assertThat(loads).isGreaterThanOrEqualTo(20 - 3); // evicted blocks are read again
    assertThat(s.evictionCount()).isEqualTo(loads - held);
    assertThat(fr.closes).hasValue(0); // the reader itself stays
  }

  @Test
  void aDictionarySharedByTheBlocksIsWeighedOnce() {
    Frame f = ticks(1000);
    FrameBlockReader fr = new FrameBlockReader(f, 100);
    ReadCache c = cache(1L << 30, 8, null);
    try (CachedReader r = c.reader(key("a", 1), true, () -> fr)) {
      r.read(range(f, 0, 300, "symbol"));
    }
    StringColumn b0 = (StringColumn) fr.readBlock(0, "symbol");
    long expected = 0;
    for (int b = 0; b < 3; b++) {
      expected += fr.readBlock(b, "symbol").sizeInBytes();
      expected += fr.readBlock(b, "ts").sizeInBytes();
    }
    expected -= 2 * b0.dictionary().sizeInBytes();
    assertThat(c.stats().bytesHeld()).isEqualTo(expected);
  }

  @Test
  void entriesExpireTheTtlAfterTheyWereLoaded() {
    Frame f = ticks(1000);
    FrameBlockReader fr = new FrameBlockReader(f, 100);
    AtomicInteger opens = new AtomicInteger();
    ReadCache c = cache(1L << 30, 8, TTL);
    BoundQuery q = range(f, 0, 100, "ts");
    try (CachedReader r = c.reader(key("a", 1), true, counting(fr, opens))) {
      r.read(q);
    }
    nanos.addAndGet(TTL.minusSeconds(1).toNanos());
    try (CachedReader r = c.reader(key("a", 1), true, counting(fr, opens))) {
      r.read(q);
    }
    assertThat(opens).hasValue(1);
    assertThat(fr.blockReads).hasValue(1);
    assertThat(c.stats().entries()).isEqualTo(2);
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    CacheStats s = c.stats();
    assertThat(s.entries()).isZero();
    assertThat(s.bytesHeld()).isZero();
    assertThat(s.evictionCount()).isEqualTo(2);
    assertThat(fr.closes).hasValue(1);
    FrameBlockReader reopened = new FrameBlockReader(f, 100);
    try (CachedReader r = c.reader(key("a", 1), true, counting(reopened, opens))) {
      assertThat(r.read(q).rowCount()).isEqualTo(100);
    }
    assertThat(opens).hasValue(2);
    assertThat(reopened.blockReads).hasValue(1);
    assertThat(c.stats().entries()).isEqualTo(2);
  }

  @Test
  void concurrentMissesOnOneBlockLoadItOnce() throws Exception {
    Frame f = ticks(1000);
    FrameBlockReader fr = new FrameBlockReader(f, 100);
    ReadCache c = cache(1L << 30, 8, null);
    fr.entered = new CountDownLatch(1);
    fr.release = new CountDownLatch(1);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    pools.add(pool);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Future<Column>> results = new ArrayList<>();
    BoundQuery q = range(f, 0, 50, "ts");
    for (int i = 0; i < threads; i++) {
      results.add(pool.submit(() -> {
        workers.add(Thread.currentThread());
        start.await();
        try (CachedReader r = c.reader(key("a", 1), true, () -> fr)) {
          return r.read(q).column(0);
        }
      }));
    }
    start.countDown();
    assertThat(fr.entered.await(30, TimeUnit.SECONDS)).isTrue();
    awaitAllButOneWaiting(workers, threads);
    fr.release.countDown();
    Column first = results.get(0).get(30, TimeUnit.SECONDS);
    for (Future<Column> r : results) {
      assertThat(r.get(30, TimeUnit.SECONDS)).isSameAs(first); // the one cached block
    }
    assertThat(fr.blockReads).hasValue(1);
    CacheStats s = c.stats();
    assertThat(s.missCount()).isEqualTo(2); // the reader once, the block once
    assertThat(s.hitCount()).isEqualTo(2L * threads - 2);
  }

  @Test
  void concurrentMissesOnOneReaderOpenItOnce() throws Exception {
    FrameBlockReader fr = new FrameBlockReader(ticks(100), 100);
    ReadCache c = cache(1L << 30, 8, null);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger opens = new AtomicInteger();
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    pools.add(pool);
    List<Thread> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Future<FormatReader>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      results.add(pool.submit(() -> {
        workers.add(Thread.currentThread());
        try (CachedReader r = c.reader(key("a", 1), false, () -> {
          opens.incrementAndGet();
          entered.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return fr;
        })) {
          return r.reader();
        }
      }));
    }
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    awaitAllButOneWaiting(workers, threads);
    release.countDown();
    for (Future<FormatReader> r : results) {
      assertThat(r.get(30, TimeUnit.SECONDS)).isSameAs(fr);
    }
    assertThat(opens).hasValue(1);
  }

  /** Waits until every worker but the loading one is parked on the load in progress. */
  private static void awaitAllButOneWaiting(List<Thread> workers, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      int parked = 0;
      for (Thread t : workers) {
        Thread.State st = t.getState();
        parked += st == Thread.State.WAITING || st == Thread.State.BLOCKED
            || st == Thread.State.TIMED_WAITING ? 1 : 0;
      }
      if (workers.size() == count && parked == count) {
        return; // the loader waits on the release latch, the others on its load
      }
      assertThat(System.nanoTime()).as("workers waiting on one load").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void aNewerVersionDropsTheOlderAtOnceAndOlderReadsAreNotCached() {
    Frame f = ticks(1000);
    FrameBlockReader v1 = new FrameBlockReader(f, 100);
    ReadCache c = cache(1L << 30, 8, null);
    try (CachedReader r = c.reader(key("a", 1), true, () -> v1)) {
      r.read(range(f, 0, 300));
    }
    try (CachedReader r = c.reader(key("b", 1), true, () -> new FrameBlockReader(f, 100))) {
      r.read(range(f, 0, 100));
    }
    long bOnly = 1 + 4; // b's reader and its block of each of the 4 columns
    c.supersede("a", 2, 0); // a write committed version 2
    assertThat(v1.closes).hasValue(1);
    assertThat(c.stats().entries()).isEqualTo(bOnly);
    // a read that started on version 1 before the commit gets a reader of its own
    FrameBlockReader late = new FrameBlockReader(f, 100);
    try (CachedReader r = c.reader(key("a", 1), true, () -> late)) {
      assertThat(r.readsBlocks()).isFalse();
      assertThat(late.closes).hasValue(0);
    }
    assertThat(late.closes).hasValue(1);
    assertThat(c.stats().entries()).isEqualTo(bOnly);
    // a rebuild (same version, next generation) replaces the generation before it
    FrameBlockReader v2 = new FrameBlockReader(f, 100);
    try (CachedReader r = c.reader(key("a", 2), true, () -> v2)) {
      assertThat(r.readsBlocks()).isTrue();
    }
    FrameBlockReader rebuilt = new FrameBlockReader(f, 100);
    try (CachedReader r = c.reader(new VersionKey("a", 2, 1, "other"), true, () -> rebuilt)) {
      assertThat(r.readsBlocks()).isTrue();
    }
    assertThat(v2.closes).hasValue(1);
    assertThat(c.stats().entries()).isEqualTo(bOnly + 1);
    c.forget("a"); // deleted by another process
    assertThat(rebuilt.closes).hasValue(1);
    assertThat(c.stats().entries()).isEqualTo(bOnly);
  }

  @Test
  void aLeasedReaderStaysOpenAfterItWasDroppedUntilTheLeaseReturns() {
    Frame f = ticks(1000);
    FrameBlockReader fr = new FrameBlockReader(f, 100);
    ReadCache c = cache(1L << 30, 8, null);
    try (CachedReader r = c.reader(key("a", 1), true, () -> fr)) {
      r.read(range(f, 0, 100));
      c.invalidate(key("a", 1));
      assertThat(fr.closes).hasValue(0);
      assertThat(r.read(range(f, 0, 300)).rowCount()).isEqualTo(300);
      assertThat(c.stats().entries()).isZero(); // blocks of a dropped reader are not kept
    }
    assertThat(fr.closes).hasValue(1);
  }

  @Test
  void zeroEntriesTurnTheCacheOff() {
    for (ReadCache c : List.of(cache(1L << 20, 0, TTL), cache(0, 0, null))) {
      assertThat(c.enabled()).isFalse();
      assertThat(c.cachesBlocks()).isFalse();
      FrameBlockReader fr = new FrameBlockReader(ticks(10), 5);
      AtomicInteger opens = new AtomicInteger();
      for (int i = 0; i < 3; i++) {
        try (CachedReader r = c.reader(key("a", 1), true, counting(fr, opens))) {
          assertThat(r.readsBlocks()).isFalse();
          assertThatThrownBy(() -> r.read(Query.all().bind(fr.schema())))
              .isInstanceOf(IllegalStateException.class);
        }
      }
      assertThat(opens).hasValue(3);
      assertThat(fr.closes).hasValue(3);
      assertThat(c.stats()).isEqualTo(new CacheStats(0, 0, 0, 0, 0, 0));
    }
  }

  @Test
  void zeroBytesKeepOpenReadersButNoBlocks() {
    ReadCache c = cache(0, 2, null);
    assertThat(c.enabled()).isTrue();
    assertThat(c.cachesBlocks()).isFalse();
    FrameBlockReader fr = new FrameBlockReader(ticks(10), 5);
    AtomicInteger opens = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      try (CachedReader r = c.reader(key("a", 1), true, counting(fr, opens))) {
        assertThat(r.reader()).isSameAs(fr);
        assertThat(r.readsBlocks()).isFalse();
        assertThatThrownBy(() -> r.read(Query.all().bind(fr.schema())))
            .isInstanceOf(IllegalStateException.class);
      }
    }
    assertThat(opens).hasValue(1);
    assertThat(fr.closes).hasValue(0);
    assertThat(fr.blockReads).hasValue(0);
    assertThat(c.stats()).isEqualTo(new CacheStats(2, 1, 0, c.stats().totalLoadTimeNanos(), 0, 1));
    c.close();
    assertThat(fr.closes).hasValue(1);
  }

  @Test
  void badBoundsAreRefused() {
    assertThatThrownBy(() -> cache(-1, 1, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> cache(1, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
  }

  @Test
  void aFailedOpenCachesNothingAndAFailedBlockLoadIsRetried() {
    Frame f = ticks(1000);
    ReadCache c = cache(1L << 30, 8, null);
    assertThatThrownBy(() -> c.reader(key("a", 1), true, () -> {
      throw new CorruptDataException("footer of x fails its checksum");
    })).isInstanceOf(CorruptDataException.class).hasMessageContaining("footer of x");
    assertThat(c.stats().entries()).isZero();
    AtomicInteger failures = new AtomicInteger(1);
    FrameBlockReader fr = new FrameBlockReader(f, 100) {
      @Override
      public Column readBlock(int block, String column) {
        if (failures.getAndDecrement() > 0) {
          throw new CorruptDataException("block " + block + " of x fails its checksum");
        }
        return super.readBlock(block, column);
      }
    };
    try (CachedReader r = c.reader(key("a", 1), true, () -> fr)) {
      assertThatThrownBy(() -> r.read(range(f, 0, 50))).isInstanceOf(CorruptDataException.class)
          .hasMessageContaining("block 0 of x");
      assertThat(r.read(range(f, 0, 50)).rowCount()).isEqualTo(100);
    }
  }

  @Test
  void aBlockIndexThatDoesNotAddUpIsCorruption() {
    Frame f = ticks(100);
    FrameBlockReader lying = new FrameBlockReader(f, 30) {
      @Override
      public long rowCount() {
        return 101;
      }
    };
    ReadCache c = cache(1L << 30, 8, null);
    assertThatThrownBy(() -> c.reader(key("a", 1), true, () -> lying))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("hold 100 rows")
        .hasMessageContaining("101");
    assertThat(lying.closes).hasValue(1);
    FrameBlockReader wrongType = new FrameBlockReader(f, 30) {
      @Override
      public Column readBlock(int block, String column) {
        return LongColumn.of(new long[Math.min(30, 100 - block * 30)]);
      }
    };
    try (CachedReader r = c.reader(key("b", 1), true, () -> wrongType)) {
      assertThatThrownBy(() -> r.read(Query.builder().columns("price").build()
          .bind(f.schema()))).isInstanceOf(CorruptDataException.class)
          .hasMessageContaining("'price'").hasMessageContaining("FLOAT64");
    }
  }

  @Test
  void statsCountHitsMissesEvictionsLoadTimeBytesAndEntries() {
    Frame f = ticks(1000);
    AtomicLong timeInLoads = new AtomicLong();
    FrameBlockReader fr = new FrameBlockReader(f, 100) {
      @Override
      public Column readBlock(int block, String column) {
        long t = System.nanoTime();
        Column c = super.readBlock(block, column);
        timeInLoads.addAndGet(System.nanoTime() - t);
        return c;
      }
    };
    ReadCache c = cache(1L << 30, 1, null);
    try (CachedReader r = c.reader(key("a", 1), true, () -> {
      long t = System.nanoTime();
      fr.blocks(); // the work of an open
      timeInLoads.addAndGet(System.nanoTime() - t);
      return fr;
    })) {
      r.read(range(f, 0, 200, "ts", "volume"));
      r.read(range(f, 100, 200, "ts", "volume"));
    }
    CacheStats s = c.stats();
    assertThat(s.missCount()).isEqualTo(1 + 4);
    assertThat(s.hitCount()).isEqualTo(2);
    // load time is measured around each load, so it covers the time spent inside them
    assertThat(s.totalLoadTimeNanos()).isGreaterThanOrEqualTo(timeInLoads.get()).isPositive();
    assertThat(s.entries()).isEqualTo(5);
    long bytes = 0;
    for (int b = 0; b < 2; b++) {
      bytes += fr.readBlock(b, "ts").sizeInBytes() + fr.readBlock(b, "volume").sizeInBytes();
    }
    assertThat(s.bytesHeld()).isEqualTo(bytes);
    assertThat(s.evictionCount()).isZero();
    assertThat(s.hitRate()).isEqualTo(2.0 / 7);
    c.invalidate(key("a", 1));
    assertThat(c.stats().entries()).isZero();
    assertThat(c.stats().bytesHeld()).isZero();
    assertThat(c.stats().evictionCount()).isZero(); // dropping is not evicting
    assertThat(c.stats().missCount()).isEqualTo(5); // counters survive what they counted
  }
}
