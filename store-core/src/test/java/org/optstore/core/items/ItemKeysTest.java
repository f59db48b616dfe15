package org.optstore.core.items;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemKeysTest {
  /** Ids that look like each other's slot keys under a printable suffix such as "#0". */
  private static final List<String> IDS = List.of("a", "a0", "a1", "a#0", "a#1", "a#", "#0", "0",
      "1", "ab", "a\u00a0", "\uD83D\uDE00", "x".repeat(200), "optstore-items-layout");

  @Test
  void everySlotKeySplitsBackIntoItsIdAndSlotAndNoTwoCollide() {
    Map<String, String> owner = new HashMap<>();
    for (String id : IDS) {
      for (int slot = 0; slot < 2; slot++) {
        String key = ItemKeys.slotKey(id, slot);
        assertThat(ItemKeys.slotOf(key)).isEqualTo(slot);
        assertThat(ItemKeys.idOf(key)).isEqualTo(id);
        assertThat(ItemKeys.isLegacy(key)).as(key).isFalse();
        String before = owner.put(key, id + "/" + slot);
        assertThat(before).as("key of %s/%d also belongs to %s", id, slot, before).isNull();
      }
    }
    for (String id : IDS) {
      // an id is never a slot key, and is what the single-copy layout used as key
      assertThat(owner).doesNotContainKey(id);
      assertThat(ItemKeys.slotOf(id)).isEqualTo(-1);
      assertThat(ItemKeys.isLegacy(id)).isTrue();
    }
  }

  @Test
  void theLayoutKeyIsNeitherAnIdNorASlotKey() {
    assertThat(ItemKeys.slotOf(ItemKeys.LAYOUT)).isEqualTo(-1);
    assertThat(ItemKeys.isLegacy(ItemKeys.LAYOUT)).isFalse();
    for (String id : IDS) {
      assertThat(ItemKeys.slotKey(id, 0)).isNotEqualTo(ItemKeys.LAYOUT);
      assertThat(ItemKeys.slotKey(id, 1)).isNotEqualTo(ItemKeys.LAYOUT);
    }
  }

  @Test
  void keysThatAreNoSlotKeysAreRecognised() {
    assertThat(ItemKeys.slotOf("")).isEqualTo(-1);
    assertThat(ItemKeys.slotOf("\u0000")).isEqualTo(-1);
    assertThat(ItemKeys.slotOf("\u0001\u0001")).isEqualTo(-1);
    assertThat(ItemKeys.slotOf("a\u0002")).isEqualTo(-1);
    assertThat(ItemKeys.isLegacy("")).isFalse();
    assertThat(ItemKeys.isLegacy("a\u0085b")).isFalse();
  }

  @Test
  void printableHidesControlCharactersAndCuts() {
    assertThat(ItemKeys.printable(ItemKeys.slotKey("id", 1), 60)).isEqualTo("id?");
    assertThat(ItemKeys.printable("abcdef", 3)).isEqualTo("abc...");
  }
}
