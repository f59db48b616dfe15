package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.CacheStats;
import org.optstore.DataStore;
import org.optstore.DatasetNotFoundException;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.TimeRange;
import org.optstore.WriteOptions;
import org.optstore.core.testing.BlockTestFormat;
import org.optstore.core.testing.ColumnarTestFormat;

/** The cache as the store uses it: what it spares, when it lets go, and when it is off. */
class StoreCacheTest {
  @TempDir Path dir;
  private final List<ExecutorService> pools = new ArrayList<>();

  @AfterEach
  void stopPools() throws InterruptedException {
    ColumnarTestFormat.gate(null);
    for (ExecutorService p : pools) {
      p.shutdownNow();
      assertThat(p.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private StoreConfig.Builder config(String format) {
    return TestStores.config(dir.resolve("store")).format(format);
  }

  /** The ticks rows, stored in batches of 1,000 rows: one block each for the block format. */
  private static Frame store(DataStore s, String name, int rows, int shift) {
    Frame f = TestStores.ticks(rows + shift).slice(shift, rows + shift);
    s.store(name, FrameStream.slices(f, 1000), Map.of(), WriteOptions.defaults());
    return f;
  }

  private static Query hours(int from, int to, String... columns) {
    Query.Builder q = Query.builder().timeRange(TimeRange.between(
        TestStores.T0.plusSeconds(from * 3600L), TestStores.T0.plusSeconds(to * 3600L)));
    if (columns.length > 0) {
      q.columns(columns);
    }
    return q.build();
  }

  @Test
  void aRepeatedReadNeitherReopensTheFileNorDecodesItAgain() {
    try (DataStore s = TestStores.open(config(BlockTestFormat.NAME).build())) {
      Frame f = store(s, "t", 20_000, 0);
      long opens = ColumnarTestFormat.OPENS.get();
      long decoded = ColumnarTestFormat.BLOCK_READS.get();
      Frame first = s.retrieve("t", hours(1, 2, "ts")).frame();
      assertThat(first.rowCount()).isEqualTo(3600);
      assertThat(ColumnarTestFormat.OPENS.get() - opens).isEqualTo(1);
      // rows 3,600..7,199 lie in the blocks of rows 3,000..7,999: five blocks of one column
      assertThat(ColumnarTestFormat.BLOCK_READS.get() - decoded).isEqualTo(5);
      CacheStats cold = s.cacheStats();
      for (int i = 0; i < 3; i++) {
        assertThat(s.retrieve("t", hours(1, 2, "ts")).frame()).isEqualTo(first);
      }
      assertThat(ColumnarTestFormat.OPENS.get() - opens).isEqualTo(1);
      assertThat(ColumnarTestFormat.BLOCK_READS.get() - decoded).isEqualTo(5);
      CacheStats warm = s.cacheStats();
      assertThat(warm.hitCount() - cold.hitCount()).isEqualTo(3 * (1 + 5));
      assertThat(warm.missCount()).isEqualTo(cold.missCount());
      // a scan of a cached region is answered from memory too
      try (FrameStream scan = s.scan("t", hours(1, 2, "ts"))) {
        assertThat(scan.readAll()).isEqualTo(first);
      }
      assertThat(ColumnarTestFormat.BLOCK_READS.get() - decoded).isEqualTo(5);
      assertThat(first).isEqualTo(f.slice(3600, 7200).project("ts"));
    }
  }

  @Test
  void aMappedFormatWithoutBlockReadsKeepsItsReaderOpen() {
    try (DataStore s = TestStores.open(config(ColumnarTestFormat.NAME).build())) {
      Frame f = store(s, "t", 5000, 0);
      long opens = ColumnarTestFormat.OPENS.get();
      for (int i = 0; i < 4; i++) {
        assertThat(s.retrieve("t", hours(0, 1, "volume")).frame())
            .isEqualTo(f.slice(0, 3600).project("volume"));
      }
      assertThat(ColumnarTestFormat.OPENS.get() - opens).isEqualTo(1);
      CacheStats st = s.cacheStats();
      assertThat(st.entries()).isEqualTo(1); // the reader only: its columns are mapped
      assertThat(st.bytesHeld()).isZero();
      assertThat(st.hitCount()).isEqualTo(3);
    }
  }

  @Test
  void aNewVersionOrADeleteDropsTheOldEntriesAtOnce() {
    try (DataStore s = TestStores.open(config(BlockTestFormat.NAME).build())) {
      Frame v1 = store(s, "t", 5000, 0);
      store(s, "other", 3000, 0);
      assertThat(s.retrieve("t").frame()).isEqualTo(v1);
      s.retrieve("other", hours(0, 1));
      long otherEntries = 1 + 5 * 3; // its reader, 5 columns of 3 blocks
      assertThat(s.cacheStats().entries()).isEqualTo(otherEntries + 1 + 5 * 5);
      long closes = ColumnarTestFormat.CLOSES.get();
      Frame v2 = store(s, "t", 4000, 7);
      assertThat(ColumnarTestFormat.CLOSES.get() - closes).isEqualTo(1);
      assertThat(s.cacheStats().entries()).isEqualTo(otherEntries);
      assertThat(s.retrieve("t").frame()).isEqualTo(v2);
      assertThat(s.delete("t")).isTrue();
      assertThat(ColumnarTestFormat.CLOSES.get() - closes).isEqualTo(2);
      assertThat(s.cacheStats().entries()).isEqualTo(otherEntries);
      assertThatThrownBy(() -> s.retrieve("t")).isInstanceOf(DatasetNotFoundException.class);
      Frame v4 = store(s, "t", 1500, 3);
      assertThat(s.retrieve("t").frame()).isEqualTo(v4);
      assertThat(s.retrieve("other", hours(0, 1)).frame().rowCount()).isEqualTo(3000);
    }
  }

  @Test
  void aReadOnlyStoreNeverServesAVersionOlderThanItsCatalogShows() {
    StoreConfig writable = config(BlockTestFormat.NAME).build();
    try (DataStore w = TestStores.open(writable);
        DataStore ro = TestStores.open(writable.toBuilder().readOnly(true).build())) {
      Frame v1 = store(w, "t", 3000, 0);
      assertThat(ro.retrieve("t").frame()).isEqualTo(v1);
      assertThat(ro.retrieve("t").frame()).isEqualTo(v1);
      Frame v2 = store(w, "t", 2000, 11);
      ro.refresh();
      assertThat(ro.retrieve("t").frame()).isEqualTo(v2);
      assertThat(ro.cacheStats().entries()).isEqualTo(1 + 5 * 2); // version 2 only
      w.delete("t");
      ro.refresh();
      assertThatThrownBy(() -> ro.retrieve("t")).isInstanceOf(DatasetNotFoundException.class);
      assertThat(ro.cacheStats().entries()).isZero();
      Frame v4 = store(w, "t", 1000, 5);
      ro.refresh();
      assertThat(ro.retrieve("t").frame()).isEqualTo(v4);
    }
  }

  @Test
  void aFirstReadOfMoreThanAnEighthOfTheCacheIsAnsweredWithoutCachingIt() {
    // 29 bytes a row; 20,000 rows in blocks of 1,000; the cache admits 200,000 bytes a read
    try (DataStore s = TestStores.open(config(BlockTestFormat.NAME).cacheMaxBytes(1_600_000)
        .build())) {
      Frame f = store(s, "t", 20_000, 0);
      long decoded = ColumnarTestFormat.BLOCK_READS.get();
      // one hour: rows 3,000..7,999, five blocks of five columns, 145,000 bytes, cached at once
      assertThat(s.retrieve("t", hours(1, 2)).frame()).isEqualTo(f.slice(3600, 7200));
      assertThat(ColumnarTestFormat.BLOCK_READS.get() - decoded).isEqualTo(25);
      // everything (580,000 bytes): answered by the format, nothing decoded into the cache
      try (FrameStream all = s.scan("t", Query.all())) {
        assertThat(all.readAll()).isEqualTo(f);
      }
      assertThat(ColumnarTestFormat.BLOCK_READS.get() - decoded).isEqualTo(25);
      long held = s.cacheStats().bytesHeld();
      // asked again: cached now, and then answered from memory
      assertThat(s.retrieve("t").frame()).isEqualTo(f);
      assertThat(ColumnarTestFormat.BLOCK_READS.get() - decoded).isEqualTo(100);
      assertThat(s.cacheStats().bytesHeld()).isGreaterThan(held);
      assertThat(s.retrieve("t", Query.builder().where(Predicates.gt("volume", 9000L)).build())
          .frame().rowCount()).isEqualTo(countAbove(f, 9000));
      assertThat(ColumnarTestFormat.BLOCK_READS.get() - decoded).isEqualTo(100);
    }
  }

  private static int countAbove(Frame f, long v) {
    int n = 0;
    for (int i = 0; i < f.rowCount(); i++) {
      n += f.longs("volume").get(i) > v ? 1 : 0;
    }
    return n;
  }

  @Test
  void zeroCacheBytesKeepOpenReadersButDecodeNoBlocks() {
    StoreConfig noData = StoreConfig.fromMap(Map.of("base_path", dir.resolve("store").toString(),
        "storage_format", BlockTestFormat.NAME, "cache_max_bytes", 0));
    assertThat(noData.cacheMaxBytes()).isZero();
    Frame f;
    try (DataStore s = TestStores.open(noData)) {
      f = store(s, "t", 5000, 0);
      long opens = ColumnarTestFormat.OPENS.get();
      long closes = ColumnarTestFormat.CLOSES.get();
      long decoded = ColumnarTestFormat.BLOCK_READS.get();
      for (int i = 0; i < 3; i++) {
        assertThat(s.retrieve("t", hours(0, 1)).frame()).isEqualTo(f.slice(0, 3600));
      }
      // one open, kept; every read answered by the format itself, nothing decoded into the cache
      assertThat(ColumnarTestFormat.OPENS.get() - opens).isEqualTo(1);
      assertThat(ColumnarTestFormat.CLOSES.get() - closes).isZero();
      assertThat(ColumnarTestFormat.BLOCK_READS.get() - decoded).isZero();
      CacheStats st = s.cacheStats();
      assertThat(st.hitCount()).isEqualTo(2);
      assertThat(st.missCount()).isEqualTo(1);
      assertThat(st.bytesHeld()).isZero();
      assertThat(st.entries()).isEqualTo(1);
      // a new version replaces the kept reader at once
      Frame g = store(s, "t", 5000, 7);
      assertThat(s.retrieve("t", hours(0, 1)).frame()).isEqualTo(g.slice(0, 3600 - 7));
      assertThat(ColumnarTestFormat.OPENS.get() - opens).isEqualTo(2);
      assertThat(ColumnarTestFormat.CLOSES.get() - closes).isEqualTo(1);
    }
    try (DataStore s = TestStores.open(noData.toBuilder().cacheMaxBytes(64L << 20).build())) {
      assertThat(s.retrieve("t", hours(0, 1)).frame().rowCount()).isEqualTo(3600 - 7);
      assertThat(s.cacheStats().bytesHeld()).isPositive();
    }
  }

  @Test
  void zeroCacheEntriesTurnTheCacheOffAndReadsStillAgree() {
    StoreConfig off = StoreConfig.fromMap(Map.of("base_path", dir.resolve("store").toString(),
        "storage_format", BlockTestFormat.NAME, "cache_size", 0));
    assertThat(off.cacheMaxEntries()).isZero();
    try (DataStore s = TestStores.open(off)) {
      Frame f = store(s, "t", 5000, 0);
      long opens = ColumnarTestFormat.OPENS.get();
      long closes = ColumnarTestFormat.CLOSES.get();
      long decoded = ColumnarTestFormat.BLOCK_READS.get();
      for (int i = 0; i < 3; i++) {
        assertThat(s.retrieve("t", hours(0, 1)).frame()).isEqualTo(f.slice(0, 3600));
      }
      assertThat(ColumnarTestFormat.OPENS.get() - opens).isEqualTo(3);
      assertThat(ColumnarTestFormat.CLOSES.get() - closes).isEqualTo(3);
      assertThat(ColumnarTestFormat.BLOCK_READS.get() - decoded).isZero();
      assertThat(s.cacheStats()).isEqualTo(new CacheStats(0, 0, 0, 0, 0, 0));
    }
  }

  @Test
  void closingTheStoreClosesItsCachedReaders() {
    DataStore s = TestStores.open(config(BlockTestFormat.NAME).build());
    store(s, "a", 2000, 0);
    store(s, "b", 2000, 0);
    s.retrieve("a");
    s.retrieve("b");
    long closes = ColumnarTestFormat.CLOSES.get();
    s.close();
    assertThat(ColumnarTestFormat.CLOSES.get() - closes).isEqualTo(2);
  }

  @Test
  void aDamagedBlockIsRebuiltAndTheBrokenReaderLeavesTheCache() throws Exception {
    try (DataStore s = TestStores.open(config(BlockTestFormat.NAME).build())) {
      Frame f = store(s, "t", 5000, 0);
      s.retrieve("t", hours(0, 1, "ts")); // opens the file and caches four blocks of ts
      try (RandomAccessFile raf = new RandomAccessFile(dir.resolve(
          "store/optimized/t/1/part-0.tblk").toFile(), "rw")) {
        long at = raf.length() / 2; // inside some block's values
        raf.seek(at);
        int b = raf.read();
        raf.seek(at);
        raf.write(b ^ 0x5A);
      }
      long closes = ColumnarTestFormat.CLOSES.get();
      assertThat(s.retrieve("t").frame()).isEqualTo(f);
      assertThat(s.info("t").version()).isEqualTo(1);
      assertThat(ColumnarTestFormat.CLOSES.get() - closes).isEqualTo(1);
      assertThat(s.retrieve("t", hours(0, 1)).frame()).isEqualTo(f.slice(0, 3600));
      // the rebuilt version only: its reader and its one block (a rebuild writes in batches of
      // 65,536 rows) of each of the 5 columns
      assertThat(s.cacheStats().entries()).isEqualTo(1 + 5);
    }
  }

  @Test
  void concurrentColdReadsThroughTheStoreDecodeEachBlockOnce() throws Exception {
    try (DataStore s = TestStores.open(config(BlockTestFormat.NAME).build())) {
      Frame f = store(s, "t", 4000, 0);
      Query q = Query.builder().columns("price", "symbol").where(Predicates.gt("price", 105.0))
          .build();
      Frame expected = ReadPathPropertyTest.reference(f, q);
      long decoded = ColumnarTestFormat.BLOCK_READS.get();
      ColumnarTestFormat.Gate gate = ColumnarTestFormat.gate("t");
      int threads = 5;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      pools.add(pool);
      List<Future<Frame>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> s.retrieve("t", q).frame()));
      }
      assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
      gate.release.countDown();
      for (Future<Frame> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
      }
      assertThat(expected.rowCount()).isBetween(1, 3999);
      // 4 blocks of 2 columns, each decoded once however many reads wanted it at the same time
      assertThat(ColumnarTestFormat.BLOCK_READS.get() - decoded).isEqualTo(2 * 4);
    }
  }

  @Test
  void theCountBoundHoldsAcrossDatasets() {
    try (DataStore s = TestStores.open(config(BlockTestFormat.NAME).cacheMaxEntries(1)
        .cacheTtl(java.time.Duration.ofHours(1)).build())) {
      store(s, "a", 1000, 0);
      store(s, "b", 1000, 0);
      for (int i = 0; i < 3; i++) {
        s.retrieve("a", hours(0, 1, "ts"));
        s.retrieve("b", hours(0, 1, "ts"));
      }
      CacheStats st = s.cacheStats();
      assertThat(st.evictionCount()).isPositive();
      assertThat(st.entries()).isLessThanOrEqualTo(2); // one reader and its one block
    }
  }
}
