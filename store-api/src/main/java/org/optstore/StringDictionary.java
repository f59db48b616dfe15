package org.optstore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The distinct-ish values a {@link StringColumn}'s codes point into: code {@code i} stands for
 * {@link #get(int) get(i)}. Immutable and thread-safe. Entries are never null; a dictionary may
 * hold a value more than once (dictionaries merged from several files do), so filters evaluate a
 * predicate once per entry and then compare codes.
 *
 * <p>Held either as Java strings or as UTF-8 bytes plus offsets (for instance inside a
 * memory-mapped file), decoded on first use.
 */
public final class StringDictionary {
  private static final StringDictionary EMPTY = new StringDictionary(new String[0], null, null);

  private final String[] decoded; // lazily filled in the UTF-8 form
  private final ByteBuffer utf8; // null in the string form
  private final int[] offsets; // size + 1 offsets into utf8

  private StringDictionary(String[] decoded, ByteBuffer utf8, int[] offsets) {
    this.decoded = decoded;
    this.utf8 = utf8;
    this.offsets = offsets;
  }

  /** @return the dictionary with no entries */
  public static StringDictionary empty() {
    return EMPTY;
  }

  /**
   * @param values the entries (copied), none null
   * @return the dictionary
   */
  public static StringDictionary of(String... values) {
    String[] v = values.clone();
    for (int i = 0; i < v.length; i++) {
      if (v[i] == null) {
        throw new InvalidArgumentException("dictionary entry " + i + " is null; nulls belong in the "
            + "column's null mask, not in its dictionary");
      }
    }
    return new StringDictionary(v, null, null);
  }

  /**
   * A dictionary over UTF-8 bytes: entry {@code i} is the bytes {@code [offsets[i], offsets[i+1])}
   * counted from {@code bytes}' position. Neither argument may change afterwards.
   *
   * @param bytes the concatenated UTF-8 entries
   * @param offsets {@code size + 1} non-decreasing offsets, the first 0
   * @return the dictionary
   */
  public static StringDictionary ofUtf8(ByteBuffer bytes, int[] offsets) {
    if (offsets.length == 0 || offsets[0] != 0) {
      throw new InvalidArgumentException("dictionary offsets must start with 0");
    }
    ByteBuffer b = bytes.slice().asReadOnlyBuffer();
    for (int i = 1; i < offsets.length; i++) {
      if (offsets[i] < offsets[i - 1] || offsets[i] > b.limit()) {
        throw new InvalidArgumentException("dictionary offset " + offsets[i] + " at index " + i
            + " is decreasing or past the " + b.limit() + " bytes of the dictionary");
      }
    }
    return new StringDictionary(new String[offsets.length - 1], b, offsets.clone());
  }

  /** @return the number of entries */
  public int size() {
    return decoded.length;
  }

  /**
   * @param code an entry index in {@code [0, size)}
   * @return the entry
   */
  public String get(int code) {
    String s = decoded[code];
    if (s == null) {
      // a benign race: two threads may both decode the same immutable string
      byte[] b = new byte[offsets[code + 1] - offsets[code]];
      utf8.get(offsets[code], b);
      s = new String(b, StandardCharsets.UTF_8);
      decoded[code] = s;
    }
    return s;
  }

  /**
   * @param value a string
   * @return the first code whose entry equals {@code value}, or -1
   */
  public int indexOf(String value) {
    for (int i = 0; i < decoded.length; i++) {
      if (get(i).equals(value)) {
        return i;
      }
    }
    return -1;
  }

  /** @return the entries as a new array */
  public String[] toArray() {
    String[] out = new String[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = get(i);
    }
    return out;
  }

  /** @return an estimate of the memory held, in bytes */
  public long sizeInBytes() {
    long n = 32L + 8L * decoded.length;
    if (utf8 != null) {
      n += utf8.capacity() + 4L * offsets.length;
    } else {
      for (String s : decoded) {
        n += 40 + 2L * s.length();
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StringDictionary d && Arrays.equals(toArray(), d.toArray());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toArray());
  }

  @Override
  public String toString() {
    return "StringDictionary[" + size() + " entries]";
  }
}
