package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import org.optstore.Frame;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.Result;
import org.optstore.TimeRange;

class SmokeTest {
  @TempDir Path dir;

  @Test
  void storesAndReadsTicks() {
    Frame ticks = TestStores.ticks(10_000);
    try (DataStore store = TestStores.open(TestStores.config(dir).build())) {
      DatasetInfo info = store.store("ticks", ticks, Map.of("source", "test"));
      assertThat(info.version()).isEqualTo(1);
      assertThat(info.rowCount()).isEqualTo(10_000);
      assertThat(info.timeSorted()).isTrue();
      Result all = store.retrieve("ticks");
      assertThat(all.frame()).isEqualTo(ticks);
      Result r = store.retrieve("ticks", Query.builder()
          .timeRange(TimeRange.between(TestStores.T0.plusSeconds(100), TestStores.T0.plusSeconds(200)))
          .columns("ts", "price")
          .where(Predicates.gt("price", 100.0))
          .build());
      assertThat(r.frame().rowCount()).isEqualTo(100);
    }
  }
}
