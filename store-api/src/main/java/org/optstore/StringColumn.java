package org.optstore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A column of {@link ColumnType#STRING} values, always held in dictionary form: one {@code int}
 * code per row pointing into a {@link StringDictionary}. Immutable and thread-safe.
 *
 * <p>Filters compare codes, not strings: {@code symbol == "SYM042"} is evaluated once per
 * dictionary entry and then once per row as an int lookup. The code at a null row is unspecified.
 */
public final class StringColumn extends Column {
  private final IntColumn codes;
  private final StringDictionary dictionary;

  private StringColumn(IntColumn codes, StringDictionary dictionary, NullMask nulls) {
    super(ColumnType.STRING, nulls);
    if (codes.size() != nulls.size()) {
      throw new InvalidArgumentException("string column of " + codes.size()
          + " codes has a null mask of " + nulls.size() + " rows");
    }
    this.codes = codes;
    this.dictionary = dictionary;
  }

  /**
   * Builds a dictionary-encoded column from values.
   *
   * @param values the values, null for a null row
   * @return the column
   */
  public static StringColumn of(String... values) {
    Map<String, Integer> ids = new HashMap<>();
    int[] c = new int[values.length];
    boolean[] isNull = new boolean[values.length];
    List<String> dict = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      String v = values[i];
      if (v == null) {
        isNull[i] = true;
        continue;
      }
      Integer id = ids.get(v);
      if (id == null) {
        id = dict.size();
        ids.put(v, id);
        dict.add(v);
      }
      c[i] = id;
    }
    return new StringColumn(IntColumn.wrap(ColumnType.INT32, c, NullMask.none(c.length)),
        StringDictionary.of(dict.toArray(new String[0])), NullMask.of(isNull));
  }

  /**
   * A column from codes and a dictionary, as formats read them.
   *
   * @param codes one code per row, each in {@code [0, dictionary.size())} at non-null rows; the
   *     codes' own null mask is ignored
   * @param dictionary the entries
   * @param nulls which rows are null
   * @return the column
   */
  public static StringColumn ofCodes(IntColumn codes, StringDictionary dictionary, NullMask nulls) {
    return new StringColumn(codes, dictionary, nulls);
  }

  @Override
  public int size() {
    return codes.size();
  }

  /**
   * @param row a row in {@code [0, size)}
   * @return its value, or null for a null row
   */
  public String get(int row) {
    return isNull(row) ? null : dictionary.get(codes.get(row));
  }

  /**
   * @param row a row in {@code [0, size)}
   * @return its dictionary code (unspecified for a null row)
   */
  public int code(int row) {
    return codes.get(row);
  }

  /** @return the codes, one per row */
  public IntColumn codes() {
    return codes;
  }

  /** @return the dictionary the codes point into */
  public StringDictionary dictionary() {
    return dictionary;
  }

  /** @return a new array of the values, null at null rows */
  public String[] toArray() {
    String[] out = new String[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = get(i);
    }
    return out;
  }

  @Override
  public StringColumn slice(int from, int to) {
    return new StringColumn(codes.slice(from, to), dictionary, nulls().slice(from, to));
  }

  @Override
  StringColumn gather(int[] positions, int count) {
    return new StringColumn(codes.gather(positions, count), dictionary,
        nulls().gather(positions, count));
  }

  @Override
  public Object getObject(int row) {
    return get(row);
  }

  @Override
  boolean sameValue(Column other, int row) {
    return get(row).equals(((StringColumn) other).get(row));
  }

  @Override
  int valueHash(int row) {
    return get(row).hashCode();
  }

  @Override
  public long sizeInBytes() {
    return 64 + codes.sizeInBytes() + dictionary.sizeInBytes() + nulls().sizeInBytes();
  }

  @Override
  public boolean isHeapBacked() {
    return codes.isHeapBacked();
  }
}
