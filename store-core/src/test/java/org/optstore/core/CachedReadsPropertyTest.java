package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optstore.DataStore;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.Query;
import org.optstore.WriteOptions;

/**
 * Reads through the cache against reads without it, on datasets of several blocks in the real
 * formats (serial's blocks and HDF5's chunks are 65,536 rows): the same random queries, cold and
 * warm, through a writable store with the cache and a read-only store of the same files without
 * it; every few queries also against the row-by-row reference of {@link ReadPathPropertyTest}.
 */
class CachedReadsPropertyTest {
  private static final long SEED = 0x5EED_CAC4EL;
  private static final int ROWS = 150_000;
  private static final int QUERIES = 30;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}, memory mapping {1}")
  @CsvSource({"serial, false", "serial, true", "hdf5, true", "testblock, true"})
  void cachedReadsEqualUncachedReads(String format, boolean mmap) {
    Random rnd = new Random(SEED ^ format.hashCode() ^ (mmap ? 1 : 0));
    StoreConfig on = TestStores.config(dir).format(format).memoryMapping(mmap).build();
    StoreConfig off = on.toBuilder().readOnly(true).cacheMaxBytes(0).build();
    try (DataStore cached = TestStores.open(on)) {
      Frame[] frames = new Frame[2];
      for (int i = 0; i < 2; i++) {
        frames[i] = ReadPathPropertyTest.randomFrame(rnd, ROWS, i == 0);
        cached.store("d" + i, FrameStream.slices(frames[i], 20_000), Map.of(),
            WriteOptions.defaults());
        assertThat(cached.info("d" + i).format()).isEqualTo(format);
      }
      try (DataStore plain = TestStores.open(off)) {
        int partial = 0;
        for (int i = 0; i < 2; i++) {
          String name = "d" + i;
          for (int k = 0; k < QUERIES; k++) {
            Query q = ReadPathPropertyTest.randomQuery(rnd, frames[i]);
            String what = name + " " + q;
            Frame expected = plain.retrieve(name, q).frame();
            partial += expected.rowCount() > 0 && expected.rowCount() < ROWS ? 1 : 0;
            assertThat(cached.retrieve(name, q).frame()).as("cold " + what).isEqualTo(expected);
            assertThat(cached.retrieve(name, q).frame()).as("warm " + what).isEqualTo(expected);
            if (k % 4 == 0) {
              assertThat(expected).as("reference " + what)
                  .isEqualTo(ReadPathPropertyTest.reference(frames[i], q));
              try (FrameStream s = cached.scan(name, q)) {
                assertThat(s.readAll()).as("scan " + what).isEqualTo(expected);
              }
            }
          }
        }
        assertThat(partial).isGreaterThan(QUERIES / 2);
        // no data cache: each dataset's reader opened once, no block decoded into the cache
        assertThat(plain.cacheStats().missCount()).isEqualTo(2);
        assertThat(plain.cacheStats().bytesHeld()).isZero();
      }
      assertThat(cached.retrieveAll(List.of("d0", "d1"), Query.all()).get("d1").frame())
          .isEqualTo(frames[1]);
      assertThat(cached.cacheStats().hitCount()).isPositive();
    }
  }
}
