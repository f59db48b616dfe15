package org.optstore.core.items;

/**
 * The keys of the item store's map.
 *
 * <p>An item lives under one of two <i>slot keys</i>: the id followed by one character, {@link
 * #SLOT_0} or {@link #SLOT_1}. Ids never hold control characters, and both slot characters are
 * control characters that always come last, so a slot key splits back into exactly one (id, slot)
 * pair: no id's slot key can equal another id's slot key, and no slot key is an id.
 *
 * <p>The map also holds one entry that is no item: {@link #LAYOUT}, which names the layout of the
 * file. It starts with a control character, so it is neither an id nor a slot key. A file without
 * it holds items of the older single-copy layout, each under its bare id (a {@link #isLegacy legacy
 * key}).
 */
final class ItemKeys {
  static final char SLOT_0 = '\u0000';
  static final char SLOT_1 = '\u0001';
  /** The key of the layout entry. */
  static final String LAYOUT = "\u0002optstore-items-layout";

  private ItemKeys() {}

  /**
   * @param id a valid item id
   * @param slot 0 or 1
   * @return the key of that slot of the id
   */
  static String slotKey(String id, int slot) {
    return id + (slot == 0 ? SLOT_0 : SLOT_1);
  }

  /** @return the slot (0 or 1) a key names, or -1 when it is no slot key */
  static int slotOf(String key) {
    int n = key.length();
    if (n < 2 || Character.isISOControl(key.charAt(0))) {
      return -1;
    }
    char last = key.charAt(n - 1);
    return last == SLOT_0 ? 0 : last == SLOT_1 ? 1 : -1;
  }

  /** @return the id of a slot key (one that {@link #slotOf} maps to 0 or 1) */
  static String idOf(String slotKey) {
    return slotKey.substring(0, slotKey.length() - 1);
  }

  /**
   * @return the text with control characters (such as a slot character) shown as '?', cut after
   *     {@code max} characters, for messages
   */
  static String printable(String text, int max) {
    StringBuilder b = new StringBuilder(Math.min(text.length(), max));
    for (int i = 0; i < text.length() && i < max; i++) {
      char c = text.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return text.length() > max ? b + "..." : b.toString();
  }

  /**
   * @return whether the key is a bare id, as the single-copy layout stored items: no control
   *     character anywhere
   */
  static boolean isLegacy(String key) {
    if (key.isEmpty()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      if (Character.isISOControl(key.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
