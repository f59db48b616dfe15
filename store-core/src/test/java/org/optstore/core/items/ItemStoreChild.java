package org.optstore.core.items;

import java.nio.file.Path;
import java.util.Map;
import org.optstore.InvalidConfigException;

/**
 * The program {@link ItemStoreProcessTest} runs in a child JVM.
 *
 * <ul>
 *   <li>{@code write DIR}: opens the store and puts {@code item-i} then {@code counter = {last:
 *       i}} for i = 0, 1, ..., printing {@code committed i} after both returned, until killed (or
 *       a safety cap).
 *   <li>{@code open DIR}: opens the store and puts one item, twice; prints {@code
 *       InvalidConfigException: message} for each attempt that fails that way, {@code ok} for one
 *       that works.
 * </ul>
 */
final class ItemStoreChild {
  static final int WRITE_CAP = 150_000;

  private ItemStoreChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[1]);
    switch (args[0]) {
      case "write":
        write(dir);
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

  private static void write(Path dir) {
    ItemStore store = ItemStore.open(dir, ItemStoreProcessTest.EXPECTED_ITEMS,
        ItemStoreProcessTest.AVERAGE_ITEM_BYTES);
    System.out.println("open");
    System.out.flush();
    for (long i = 0; i < WRITE_CAP; i++) {
      store.put("item-" + i, ItemStoreTest.item(i));
      store.put("counter", Map.of("last", i));
      System.out.println("committed " + i);
      System.out.flush();
    }
    // reached only when nobody killed us; the parent fails the test then
    System.exit(3);
  }
}
