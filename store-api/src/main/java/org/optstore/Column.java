package org.optstore;

import java.util.Objects;

/**
 * One column of a {@link Frame}: a typed, immutable, thread-safe sequence of nullable values.
 *
 * <p>The subclasses are the typed views ({@link LongColumn}, {@link IntColumn}, {@link
 * DoubleColumn}, {@link FloatColumn}, {@link BoolColumn}, {@link StringColumn}); each is created
 * through its static factories. Storage is either heap arrays or (memory-mapped) buffers; the
 * methods are the same for both, and nothing is copied until a caller asks for an array.
 */
public abstract sealed class Column
    permits LongColumn, IntColumn, DoubleColumn, FloatColumn, BoolColumn, StringColumn {
  private final ColumnType type;
  private final NullMask nulls;

  Column(ColumnType type, NullMask nulls) {
    this.type = type;
    this.nulls = Objects.requireNonNull(nulls, "nulls");
  }

  /** @return the value type */
  public final ColumnType type() {
    return type;
  }

  /** @return the number of rows */
  public abstract int size();

  /** @return which rows are null */
  public final NullMask nulls() {
    return nulls;
  }

  /**
   * @param row a row in {@code [0, size)}
   * @return whether it is null
   */
  public final boolean isNull(int row) {
    return nulls.isNull(row);
  }

  /** @return the number of null rows */
  public final int nullCount() {
    return nulls.nullCount();
  }

  /**
   * The value at a row, boxed: a {@link Long}, {@link Integer}, {@link Double}, {@link Float},
   * {@link Boolean} or {@link String}, an {@link java.time.Instant} for TIMESTAMP, or null. A
   * convenience for small results and tests, not for loops over large columns.
   *
   * @param row a row in {@code [0, size)}
   * @return the value or null
   */
  public abstract Object getObject(int row);

  /**
   * A view of rows {@code [from, to)}; nothing is copied.
   *
   * @param from first row, inclusive
   * @param to last row, exclusive
   * @return the view
   */
  public abstract Column slice(int from, int to);

  /**
   * The selected rows, in order: a zero-copy slice for a range selection, a heap copy otherwise.
   *
   * @param selection a selection over {@link #size()} rows
   * @return the selected rows
   */
  public final Column select(Selection selection) {
    if (selection.size() != size()) {
      throw new InvalidArgumentException("selection over " + selection.size()
          + " rows applied to a column of " + size() + " rows");
    }
    if (selection.isRange()) {
      return slice(selection.rangeFrom(), selection.rangeTo());
    }
    int[] p = selection.toPositions();
    return gather(p, p.length);
  }

  abstract Column gather(int[] positions, int count);

  /** Whether non-null row {@code row} holds the same value in {@code other} (same class). */
  abstract boolean sameValue(Column other, int row);

  abstract int valueHash(int row);

  /** @return an estimate of the memory the column holds (heap or mapped), in bytes */
  public abstract long sizeInBytes();

  /** @return whether every value lives on the Java heap (false for memory-mapped columns) */
  public abstract boolean isHeapBacked();

  /**
   * Columns are equal when they have the same type, size, nulls and values at every non-null row
   * (floating point compared bit for bit, so NaN equals NaN; strings by value, whatever their
   * dictionaries).
   */
  @Override
  public final boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Column c) || c.getClass() != getClass() || c.type != type
        || c.size() != size() || !c.nulls.equals(nulls)) {
      return false;
    }
    for (int r = 0, n = size(); r < n; r++) {
      if (!nulls.isNull(r) && !sameValue(c, r)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public final int hashCode() {
    int h = type.hashCode() * 31 + size();
    for (int r = 0, n = Math.min(size(), 64); r < n; r++) {
      h = h * 31 + (nulls.isNull(r) ? 0 : valueHash(r));
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(type.toString()).append('[');
    int n = Math.min(size(), 8);
    for (int r = 0; r < n; r++) {
      sb.append(r == 0 ? "" : ", ").append(getObject(r));
    }
    return sb.append(size() > n ? ", ... (" + size() + " rows)]" : "]").toString();
  }
}
