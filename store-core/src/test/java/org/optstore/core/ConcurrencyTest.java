package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optstore.DataStore;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.Query;
import org.optstore.Result;

/**
 * Writers and readers of one dataset at once, with only the newest version kept, so readers race
 * the pruning of the version they started on: every read must answer from one whole version.
 */
class ConcurrencyTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}, memory mapping {1}")
  @CsvSource({"serial, true", "serial, false", "testcol, true"})
  void readersRacingWritersAndPruningAlwaysSeeOneWholeVersion(String format, boolean mmap)
      throws Exception {
    int writers = 2;
    int writes = 4;
    Set<Integer> sizes = ConcurrentHashMap.newKeySet();
    try (DataStore s = TestStores.open(TestStores.config(dir).format(format).memoryMapping(mmap)
        .keepVersions(1).build())) {
      s.store("t", TestStores.ticks(1), Map.of());
      sizes.add(1);
      ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
      AtomicBoolean done = new AtomicBoolean();
      List<Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int id = w;
        tasks.add(pool.submit(() -> {
          for (int i = 0; i < writes; i++) {
            int n = 100 + id * 1000 + i;
            sizes.add(n);
            s.store("t", TestStores.ticks(n), Map.of("n", n));
          }
          return null;
        }));
      }
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        boolean scan = r == 1;
        readers.add(pool.submit(() -> {
          int reads = 0;
          while (!done.get() || reads < 3) {
            Frame f;
            if (scan) {
              try (FrameStream b = s.scan("t", Query.all())) {
                f = b.readAll();
              }
            } else {
              Result res = s.retrieve("t");
              f = res.frame();
              assertThat(res.info().rowCount()).isEqualTo(f.rowCount());
            }
            assertThat(sizes).contains(f.rowCount());
            assertThat(f).isEqualTo(TestStores.ticks(f.rowCount()));
            reads++;
          }
          return reads;
        }));
      }
      for (Future<?> t : tasks) {
        t.get(120, TimeUnit.SECONDS);
      }
      done.set(true);
      for (Future<Integer> r : readers) {
        assertThat(r.get(120, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(3);
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThat(s.info("t").version()).isEqualTo(1 + writers * writes);
    }
  }
}
