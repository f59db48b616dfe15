package org.optstore.core.items;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.openhft.chronicle.map.ChronicleMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.optstore.CorruptDataException;
import org.optstore.InvalidConfigException;

/**
 * The two copies per id, seen in the map file: the states a crash can leave are built directly in
 * the file (with the store closed), then the store is opened as after a crash, and what it reads
 * is checked.
 *
 * <p>A crash in the middle of writing a copy leaves that copy's bytes part new, part old, with
 * Chronicle's entry checksum not yet updated; {@link #tear} makes exactly that state by overwriting
 * bytes in the middle of a copy in the closed file.
 */
class ItemCopiesTest {
  private static final long EXPECTED_ITEMS = 20_000;
  private static final int AVERAGE_ITEM_BYTES = 160;

  @TempDir
  Path tmp;

  private Path dir() {
    return tmp.resolve("items");
  }

  private ItemStore open() {
    return ItemStore.open(dir(), EXPECTED_ITEMS, AVERAGE_ITEM_BYTES);
  }

  /** Opens the closed store's map file directly, as the store's own code would. */
  private ChronicleMap<String, byte[]> openMapFile() throws IOException {
    return ItemStore.mapBuilder(EXPECTED_ITEMS, AVERAGE_ITEM_BYTES)
        .createPersistedTo(dir().resolve(ItemsDirectory.MAP_FILE).toFile());
  }

  /** What a crashed process leaves behind besides the map: its open marker. */
  private void leaveOpenMarker() throws IOException {
    Files.writeString(dir().resolve(ItemsDirectory.OPEN_MARKER), "opened by pid 1 at then\n");
  }

  /** An item whose stored bytes hold {@code tag} once, as raw ASCII (Smile keeps long text raw). */
  private static Map<String, Object> tagged(String tag, long n) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("n", n);
    item.put("text", tag + "-" + "q".repeat(300));
    return item;
  }

  private static byte[] copy(String id, Map<String, Object> item, long generation) {
    byte[] bytes = ItemCodec.encode(id, item);
    ItemCodec.setGeneration(id, bytes, generation);
    return bytes;
  }

  /**
   * Overwrites 40 bytes in the middle of the one copy in the map file that holds {@code tag}, as a
   * write cut off half-way leaves it.
   */
  private void tear(String tag) throws IOException {
    Path file = dir().resolve(ItemsDirectory.MAP_FILE);
    byte[] content = Files.readAllBytes(file);
    byte[] needle = (tag + "-qqqq").getBytes(US_ASCII);
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i + needle.length <= content.length; i++) {
      if (content[i] == needle[0]
          && Arrays.equals(content, i, i + needle.length, needle, 0, needle.length)) {
        at.add(i);
      }
    }
    assertThat(at).as("copies of %s in the map file", tag).hasSize(1);
    byte[] torn = new byte[40];
    Arrays.fill(torn, (byte) 'Z');
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(torn), at.get(0) + needle.length + 100);
    }
  }

  @ParameterizedTest(name = "current copy in slot {0}")
  @ValueSource(ints = {0, 1})
  void aNewCopyCutOffMidWriteLeavesTheOldItem(int currentSlot) throws IOException {
    Map<String, Object> old = tagged("old", 1);
    Map<String, Object> cutOff = tagged("new", 2);
    try (ItemStore store = open()) {
      store.put("neighbour", Map.of("v", 7));
    }
    // the state a put leaves when the process dies while it copies the new bytes: the current
    // copy untouched, the new one (a generation higher, in the other slot) half written
    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      map.put(ItemKeys.slotKey("x", currentSlot), copy("x", old, 5));
      map.put(ItemKeys.slotKey("x", 1 - currentSlot), copy("x", cutOff, 6));
    }
    tear("new");
    leaveOpenMarker();

    try (ItemStore store = open()) {
      assertThat(store.recoveredOnOpen()).isTrue();
      assertThat(store.get("x")).contains(old);
      assertThat(store.get("neighbour")).contains(Map.of("v", 7L));
      assertThat(store.size()).isEqualTo(2);
    }
    // Chronicle's recovery dropped the torn copy, and the old one is left alone
    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      assertThat(map.containsKey(ItemKeys.slotKey("x", 1 - currentSlot))).isFalse();
      assertThat(ItemCodec.generation(map.get(ItemKeys.slotKey("x", currentSlot)))).isEqualTo(5);
    }
    try (ItemStore store = open()) {
      assertThat(store.recoveredOnOpen()).isFalse();
      store.put("x", cutOff);
      assertThat(store.get("x")).contains(cutOff);
    }
    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      assertThat(map.containsKey(ItemKeys.slotKey("x", currentSlot))).isFalse();
      assertThat(ItemCodec.generation(map.get(ItemKeys.slotKey("x", 1 - currentSlot))))
          .isEqualTo(6);
    }
  }

  @ParameterizedTest(name = "current copy in slot {0}")
  @ValueSource(ints = {0, 1})
  void aPutCutOffBeforeRemovingTheOldCopyReadsNewAndTheOpenRemovesTheOld(int currentSlot)
      throws IOException {
    Map<String, Object> old = tagged("old", 1);
    Map<String, Object> updated = tagged("new", 2);
    Files.createDirectories(dir());
    try (ItemStore store = open()) {
      store.put("neighbour", Map.of("v", 7));
    }
    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      map.put(ItemKeys.slotKey("x", currentSlot), copy("x", old, 8));
      map.put(ItemKeys.slotKey("x", 1 - currentSlot), copy("x", updated, 9));
    }
    leaveOpenMarker();

    try (ItemStore store = open()) {
      assertThat(store.repairsOnOpen().supersededRemoved()).isEqualTo(1);
      assertThat(store.get("x")).contains(updated);
      assertThat(store.size()).isEqualTo(2);
    }
    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      assertThat(map.containsKey(ItemKeys.slotKey("x", currentSlot))).isFalse();
      assertThat(map.containsKey(ItemKeys.slotKey("x", 1 - currentSlot))).isTrue();
    }
  }

  @Test
  void aCopyFailingItsOwnChecksumLosesToTheIntactOneWhateverItsGeneration() throws IOException {
    Map<String, Object> intact = tagged("intact", 1);
    try (ItemStore store = open()) {
      store.put("x", intact);
    }
    byte[] damaged = copy("x", tagged("damaged", 2), 2);
    damaged[damaged.length - 3] ^= 0x10;
    // written through Chronicle, so Chronicle's own entry checksum passes: only the CRC32C of the
    // copy tells it is damaged
    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      map.put(ItemKeys.slotKey("x", 1), damaged);
    }
    leaveOpenMarker();

    try (ItemStore store = open()) {
      assertThat(store.repairsOnOpen().supersededRemoved()).isEqualTo(1);
      assertThat(store.get("x")).contains(intact);
      assertThat(store.size()).isEqualTo(1);
    }
  }

  @Test
  void twoDamagedCopiesAreReportedAndAPutOrDeleteReplacesThem() throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (ItemStore store = open()) {
      store.put("kept", Map.of("v", 1));
    }
    for (String id : List.of("x", "y")) {
      byte[] first = copy(id, tagged(id + "1", 1), 1);
      byte[] second = copy(id, tagged(id + "2", 2), 2);
      first[first.length - 2] ^= 1;
      second[second.length - 2] ^= 1;
      try (ChronicleMap<String, byte[]> map = openMapFile()) {
        map.put(ItemKeys.slotKey(id, 0), first);
        map.put(ItemKeys.slotKey(id, 1), second);
      }
    }
    leaveOpenMarker();

    try (ItemStore store = open()) {
      assertThat(store.repairsOnOpen().pairsKept()).isEqualTo(2);
      assertThatThrownBy(() -> store.get("x")).isInstanceOf(CorruptDataException.class)
          .hasMessageContaining("'x'").hasMessageContaining("CRC32C");
      assertThatThrownBy(() -> store.batchGet(List.of("kept", "y"), 1, pool))
          .isInstanceOf(CorruptDataException.class).hasMessageContaining("'y'");

      store.put("x", Map.of("fresh", true));
      assertThat(store.get("x")).contains(Map.of("fresh", true));
      assertThat(store.delete("y")).isTrue();
      assertThat(store.get("y")).isEmpty();
      assertThat(store.size()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
    // no id has two copies any more, so the close was clean
    assertThat(dir().resolve(ItemsDirectory.OPEN_MARKER)).doesNotExist();
    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      assertThat(map.keySet()).containsExactlyInAnyOrder(ItemKeys.LAYOUT,
          ItemKeys.slotKey("kept", 0), ItemKeys.slotKey("x", 0));
    }
  }

  @Test
  void eachPutWritesTheOtherSlotOneGenerationHigherAndLeavesOneCopy() throws IOException {
    try (ItemStore store = open()) {
      for (int i = 0; i < 5; i++) {
        store.put("x", Map.of("i", i));
      }
      store.put("y", Map.of());
    }
    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      assertThat(map.keySet()).containsExactlyInAnyOrder(ItemKeys.LAYOUT,
          ItemKeys.slotKey("x", 0), ItemKeys.slotKey("y", 0));
      assertThat(ItemCodec.generation(map.get(ItemKeys.slotKey("x", 0)))).isEqualTo(5);
      assertThat(ItemCodec.generation(map.get(ItemKeys.slotKey("y", 0)))).isEqualTo(1);
    }
    try (ItemStore store = open()) {
      store.put("x", Map.of("i", 5));
      assertThat(store.delete("y")).isTrue();
    }
    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      assertThat(map.keySet()).containsExactlyInAnyOrder(ItemKeys.LAYOUT,
          ItemKeys.slotKey("x", 1));
      assertThat(ItemCodec.generation(map.get(ItemKeys.slotKey("x", 1)))).isEqualTo(6);
    }
  }

  @Test
  void aFileOfTheSingleCopyLayoutIsMovedToSlotsAtOpenEvenAfterAnInterruptedMove()
      throws IOException {
    Files.createDirectories(dir());
    byte[] damaged = ItemCodecTest.singleCopyLayoutBytes("damaged", Map.of("v", 1));
    damaged[damaged.length - 1] ^= 4;
    // sized for 100 items and given 700: the segments chain extra tiers, which the move must walk
    try (ChronicleMap<String, byte[]> map = ItemStore.mapBuilder(100, AVERAGE_ITEM_BYTES)
        .createPersistedTo(dir().resolve(ItemsDirectory.MAP_FILE).toFile())) {
      for (long i = 0; i < 700; i++) {
        map.put("item-" + i,
            ItemCodecTest.singleCopyLayoutBytes("item-" + i, ItemStoreTest.item(i)));
      }
      map.put("damaged", damaged);
      // an earlier open moved this one and died before removing the bare id
      map.put(ItemKeys.slotKey("item-7", 0), ItemCodecTest.singleCopyLayoutBytes("item-7",
          ItemStoreTest.item(7)));
    }

    try (ItemStore store = open()) {
      assertThat(store.recoveredOnOpen()).isFalse();
      assertThat(store.repairsOnOpen().migrated()).isEqualTo(701);
      assertThat(store.size()).isEqualTo(701);
      for (long i = 0; i < 700; i++) {
        assertThat(store.get("item-" + i)).contains(ItemStoreTest.item(i));
      }
      // moved as it was: still damaged, still reported
      assertThatThrownBy(() -> store.get("damaged")).isInstanceOf(CorruptDataException.class)
          .hasMessageContaining("'damaged'");
      store.put("item-3", Map.of("v", "new"));
      assertThat(store.get("item-3")).contains(Map.of("v", "new"));
    }
    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      assertThat(map.get(ItemKeys.LAYOUT)).containsExactly(ItemsLayout.TWO_SLOTS);
      assertThat(map.containsKey("item-0")).isFalse();
      assertThat(map.containsKey(ItemKeys.slotKey("item-0", 0))).isTrue();
      // the single-copy bytes count as generation 0: the put wrote generation 1 in slot 1
      assertThat(ItemCodec.generation(map.get(ItemKeys.slotKey("item-3", 1)))).isEqualTo(1);
      assertThat(map.size()).isEqualTo(702);
      assertThat(map.keySet()).allMatch(key -> key.equals(ItemKeys.LAYOUT)
          || ItemKeys.slotOf(key) >= 0);
    }
    try (ItemStore store = open()) {
      assertThat(store.repairsOnOpen()).isEqualTo(ItemsLayout.Repairs.NONE);
      assertThat(store.get("item-699")).contains(ItemStoreTest.item(699));
    }
  }

  @Test
  void aLayoutFromANewerVersionOrDamagedIsRefusedAndLeavesNoMarker() throws IOException {
    try (ItemStore store = open()) {
      store.put("x", Map.of());
    }
    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      map.put(ItemKeys.LAYOUT, new byte[] {3});
    }
    assertThatThrownBy(this::open).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("layout 3").hasMessageContaining("reads layout 2")
        .hasMessageContaining(dir().resolve(ItemsDirectory.MAP_FILE).toString());
    assertThat(dir().resolve(ItemsDirectory.OPEN_MARKER)).doesNotExist();

    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      map.put(ItemKeys.LAYOUT, new byte[0]);
    }
    assertThatThrownBy(this::open).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("damaged layout");

    try (ChronicleMap<String, byte[]> map = openMapFile()) {
      map.put(ItemKeys.LAYOUT, new byte[] {ItemsLayout.TWO_SLOTS});
    }
    try (ItemStore store = open()) {
      assertThat(store.get("x")).contains(Map.of());
    }
  }

  @Test
  void idsANaiveSlotSuffixWouldConfuseStayApart() {
    List<String> ids = List.of("a", "a0", "a1", "a#0", "a#1", "a#", "#0", "0", "1", "a a",
        "a\u00a0", "\uD83D\uDE00", "\uD83D\uDE000");
    try (ItemStore store = open()) {
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < ids.size(); i++) {
          store.put(ids.get(i), Map.of("i", i, "round", round));
        }
      }
      store.put("a", Map.of("i", -1));
      assertThat(store.delete("a0")).isTrue();

      assertThat(store.get("a")).contains(Map.of("i", -1L));
      assertThat(store.get("a0")).isEmpty();
      for (int i = 2; i < ids.size(); i++) {
        assertThat(store.get(ids.get(i))).as(ids.get(i))
            .contains(Map.of("i", (long) i, "round", 2L));
      }
      assertThat(store.size()).isEqualTo(ids.size() - 1);
    }
  }
}
