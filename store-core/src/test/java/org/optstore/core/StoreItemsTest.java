package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.DataStore;
import org.optstore.InvalidConfigException;
import org.optstore.StoreClosedException;

/** The item methods of a DataStore: served by the writer, refused by read-only stores. */
class StoreItemsTest {
  @TempDir Path dir;

  @Test
  void itemsRoundTripThroughTheStoreAndSurviveReopen() {
    try (DataStore store = TestStores.open(TestStores.config(dir).batchSize(7).build())) {
      store.putItem("item-1", Map.of("value", 10, "tags", List.of("a", "ü")));
      store.putItem("item-2", Map.of("value", 20));
      assertThat(store.getItem("item-1")).hasValueSatisfying(item -> {
        assertThat(item).containsEntry("value", 10L);
        assertThat(item.get("tags")).isEqualTo(List.of("a", "ü"));
      });
      assertThat(store.deleteItem("item-2")).isTrue();
      assertThat(store.deleteItem("item-2")).isFalse();
      assertThat(store.getItem("item-2")).isEmpty();
      // the dataset side works beside the items
      store.store("ticks", TestStores.ticks(100), Map.of());
      assertThat(store.retrieve("ticks").frame().rowCount()).isEqualTo(100);
    }
    assertThat(dir.resolve("items")).isDirectory();
    try (DataStore store = TestStores.open(TestStores.config(dir).build())) {
      assertThat(store.getItem("item-1")).isPresent();
      assertThat(store.info("ticks").rowCount()).isEqualTo(100);
    }
  }

  @Test
  void batchGetEqualsOneByOneGetsInTheGivenOrderWithMissingIdsAbsent() {
    try (DataStore store = TestStores.open(TestStores.config(dir).batchSize(13).build())) {
      List<String> ids = new ArrayList<>();
      Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
      for (int i = 0; i < 500; i++) {
        String id = "id-" + i;
        ids.add(id);
        if (i % 5 != 0) {
          store.putItem(id, Map.of("i", i));
        }
      }
      for (String id : ids) {
        store.getItem(id).ifPresent(item -> expected.put(id, item));
      }
      Map<String, Map<String, Object>> got = store.batchGetItems(ids);
      assertThat(got).isEqualTo(expected);
      assertThat(new ArrayList<>(got.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
      assertThat(got).hasSize(400).doesNotContainKey("id-0");
    }
  }

  @Test
  void aReadOnlyStoreRefusesItemCallsAndSaysWhy() {
    try (DataStore writer = TestStores.open(TestStores.config(dir).build())) {
      writer.store("t", TestStores.ticks(10), Map.of());
    }
    try (DataStore ro = TestStores.open(TestStores.config(dir).readOnly(true).build())) {
      assertThatThrownBy(() -> ro.getItem("x"))
          .isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("read-only")
          .hasMessageContaining("readOnly(false)");
      assertThat(ro.retrieve("t").frame().rowCount()).isEqualTo(10);
    }
    assertThat(Files.exists(dir.resolve("items"))).isFalse();
  }

  @Test
  void itemCallsOnAClosedStoreFail() {
    DataStore store = TestStores.open(TestStores.config(dir).build());
    store.putItem("a", Map.of("v", 1));
    store.close();
    assertThatThrownBy(() -> store.getItem("a")).isInstanceOf(StoreClosedException.class);
    try (DataStore again = TestStores.open(TestStores.config(dir).build())) {
      assertThat(again.getItem("a")).isPresent();
    }
  }
}
