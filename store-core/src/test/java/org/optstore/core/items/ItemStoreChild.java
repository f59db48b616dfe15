package org.optstore.core.items;

import java.nio.file.Path;
import java.util.Map;
import org.optstore.InvalidConfigException;

/**
 * The program {@link ItemStoreProcessTest} runs in a child JVM.
 *
 * <ul>
 *   <li>{@code write DIR FIRST}: opens the store and, for step i = FIRST, FIRST + 1, ..., puts
 *       {@code item-i}, then overwrites {@code hot-0} ... {@code hot-(HOT_IDS - 1)} with {@link
 *       #hot}{@code (h, i)}, then {@code counter = {last: i}}, printing {@code committed i} after
 *       all returned, until killed (or a safety cap).
 *   <li>{@code open DIR}: opens the store and puts one item, twice; prints {@code
 *       InvalidConfigException: message} for each attempt that fails that way, {@code ok} for one
 *       that works.
 * </ul>
 */
final class ItemStoreChild {
  static final int WRITE_CAP = 150_000;
  /** Ids overwritten on every step, so that the kill lands in an overwrite more often than not. */
  static final int HOT_IDS = 8;

  private ItemStoreChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[1]);
    switch (args[0]) {
      case "write":
        write(dir, Long.parseLong(args[2]));
        break;
      case "open":
        for (int attempt = 0; attempt < 2; attempt++) {
          try (ItemStore store = ItemStore.open(dir)) {
            store.put("probe", Map.of("v", 1));
            System.out.println("ok");
          } catch (InvalidConfigException e) {
            System.out.println("InvalidConfigException: " + e.getMessage().replace('\n', ' '));
          }
        }
        break;
      default:
        throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    System.out.flush();
  }

  /**
   * The value of hot id {@code h} after step {@code i}: a few kilobytes, of a size that changes
   * from step to step, so that the kill often lands while the bytes are being copied.
   */
  static Map<String, Object> hot(int h, long i) {
    int length = 1_000 + (int) ((i * 37 + h * 101) % 3_000);
    char fill = (char) ('a' + (int) ((i + h) % 26));
    return Map.of("h", (long) h, "step", i, "pad", String.valueOf(fill).repeat(length));
  }

  private static void write(Path dir, long first) {
    ItemStore store = ItemStore.open(dir, ItemStoreProcessTest.EXPECTED_ITEMS,
        ItemStoreProcessTest.AVERAGE_ITEM_BYTES);
    System.out.println("open");
    System.out.flush();
    for (long i = first; i < first + WRITE_CAP; i++) {
      store.put("item-" + i, ItemStoreTest.item(i));
      for (int h = 0; h < HOT_IDS; h++) {
        store.put("hot-" + h, hot(h, i));
      }
      store.put("counter", Map.of("last", i));
      System.out.println("committed " + i);
      System.out.flush();
    }
    // reached only when nobody killed us; the parent fails the test then
    System.exit(3);
  }
}
