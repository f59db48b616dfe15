package org.optstore.core.items;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.MapSegmentContext;
import org.optstore.CorruptDataException;
import org.optstore.InvalidConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout of the item map, checked and repaired when the store opens.
 *
 * <p>Layout 2 keeps up to two copies per id, under the id's two slot keys ({@link ItemKeys}); at
 * rest there is one, and a second exists only while a put runs (between writing the new copy and
 * removing the old one). The {@link ItemKeys#LAYOUT} entry records the layout. At open:
 *
 * <ul>
 *   <li>a file without that entry holds the single-copy layout written before: each item moves, as
 *       its stored bytes (their checksum covers the id, not the key), from its bare id to slot 0,
 *       and then the entry is written. A crash part-way leaves the entry unwritten, and the next
 *       open moves what is left;
 *   <li>after a recovery, an id found with both copies (its put was cut off after the new copy was
 *       written) keeps the intact copy of the higher generation, and the other is removed, so that
 *       every id is back to one copy.
 * </ul>
 *
 * <p>Both walk the whole map segment by segment, which costs about as much as the recovery itself;
 * a clean open of a layout-2 file walks nothing.
 */
final class ItemsLayout {
  private static final Logger LOG = LoggerFactory.getLogger(ItemsLayout.class);

  /** The layout this code writes and reads. */
  static final byte TWO_SLOTS = 2;

  /** What an open found and repaired. */
  record Repairs(long migrated, long supersededRemoved, long pairsKept, long foreignKeys) {
    static final Repairs NONE = new Repairs(0, 0, 0, 0);
  }

  private ItemsLayout() {}

  /**
   * Checks the layout of a freshly opened map and repairs it as the class comment says.
   *
   * @param map the map, used by nothing else yet
   * @param file the map file, for messages
   * @param recovered whether the map was just recovered after an unclean shutdown
   * @return what was repaired
   * @throws InvalidConfigException when the file has a layout newer than this code reads
   * @throws CorruptDataException when the layout entry is damaged
   */
  static Repairs prepare(ChronicleMap<String, byte[]> map, Path file, boolean recovered) {
    byte[] layout = map.get(ItemKeys.LAYOUT);
    if (layout != null) {
      if (layout.length != 1 || layout[0] < TWO_SLOTS) {
        throw new CorruptDataException("the item store file " + file + " has a damaged layout"
            + " entry (" + layout.length + " bytes, first " + (layout.length > 0 ? layout[0] : -1)
            + "); move the file aside to start an empty item store (its items are then lost)");
      }
      if (layout[0] > TWO_SLOTS) {
        throw new InvalidConfigException("the item store file " + file + " has item layout "
            + layout[0] + ", written by a newer optstore; this version reads layout " + TWO_SLOTS
            + ". Open it with the optstore version that wrote it");
      }
      return recovered ? walk(map, file, false) : Repairs.NONE;
    }
    Repairs repairs = walk(map, file, true);
    map.put(ItemKeys.LAYOUT, new byte[] {TWO_SLOTS});
    if (repairs.migrated() > 0) {
      LOG.info("moved {} items of {} to the two-copy layout", repairs.migrated(), file);
    }
    return repairs;
  }

  /**
   * Removes the older copy of every id that has two, as after a recovery; for a store closing
   * after a put could not remove an older copy.
   *
   * @return what was repaired
   */
  static Repairs removeSupersededCopies(ChronicleMap<String, byte[]> map, Path file) {
    return walk(map, file, false);
  }

  /** Writes the layout entry into a new, empty map. */
  static void initialise(ChronicleMap<String, byte[]> map) {
    map.put(ItemKeys.LAYOUT, new byte[] {TWO_SLOTS});
  }

  private static Repairs walk(ChronicleMap<String, byte[]> map, Path file, boolean migrate) {
    long migrated = 0;
    long superseded = 0;
    long pairsKept = 0;
    long foreign = 0;
    List<String> keys = new ArrayList<>();
    for (int segment = 0; segment < map.segments(); segment++) {
      keys.clear();
      // collect first, change after: the segment's context must be closed before other keys
      // (in other segments) are touched
      try (MapSegmentContext<String, byte[], ?> c = map.segmentContext(segment)) {
        c.forEachSegmentEntry(e -> keys.add(e.key().getUsing(null)));
      }
      for (String key : keys) {
        int slot = ItemKeys.slotOf(key);
        if (slot == 1) {
          int removed = removeSuperseded(map, file, ItemKeys.idOf(key));
          superseded += Math.max(removed, 0);
          pairsKept += removed < 0 ? 1 : 0;
        } else if (slot == 0 || key.equals(ItemKeys.LAYOUT)) {
          continue; // a slot 0 is looked at from its slot 1, if it has one
        } else if (migrate && ItemKeys.isLegacy(key)) {
          byte[] bytes = map.get(key);
          if (bytes != null) {
            map.put(ItemKeys.slotKey(key, 0), bytes);
            map.remove(key);
            migrated++;
          }
        } else {
          foreign++;
          if (foreign <= 5) {
            LOG.warn("the item store file {} holds an entry under the key '{}', which is no item"
                + " key; it is left as it is and never read", file, printable(key));
          }
        }
      }
    }
    if (superseded > 0) {
      LOG.warn("item store {}: {} put(s) had been cut off after writing the new copy; kept the"
          + " newer copy of each and removed the older", file, superseded);
    }
    return new Repairs(migrated, superseded, pairsKept, foreign);
  }

  /**
   * When the id has both copies, removes the one that is not current.
   *
   * @return 1 when a copy was removed, 0 when the id has one copy, -1 when both copies are
   *     damaged and kept
   */
  private static int removeSuperseded(ChronicleMap<String, byte[]> map, Path file, String id) {
    String key0 = ItemKeys.slotKey(id, 0);
    String key1 = ItemKeys.slotKey(id, 1);
    byte[] copy0 = map.get(key0);
    byte[] copy1 = map.get(key1);
    if (copy0 == null || copy1 == null) {
      return 0;
    }
    int current = ItemStore.currentSlot(id, copy0, copy1);
    if (current < 0) {
      LOG.warn("item '{}' in {} has two copies and both fail their CRC32C; both are kept, and"
          + " reading the item reports the damage", printable(id), file);
      return -1;
    }
    map.remove(current == 0 ? key1 : key0);
    return 1;
  }

  private static String printable(String key) {
    return ItemKeys.printable(key, 60);
  }
}
