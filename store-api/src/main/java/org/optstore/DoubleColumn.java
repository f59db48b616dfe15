package org.optstore;

import java.nio.DoubleBuffer;
import java.util.List;
import java.util.Objects;

/**
 * A column of {@code double} values: {@link ColumnType#FLOAT64}. Immutable and thread-safe.
 *
 * <p>Backed by heap arrays or by (memory-mapped) buffers behind the same methods; a column larger
 * than one mapping holds several segments. Kernels that want raw speed iterate {@link
 * #segment(int)} views and read them with absolute gets; everyone else uses {@link #get(int)},
 * {@link #toArray()} or {@link #copyTo}. The value at a null row is unspecified (usually 0).
 */
public final class DoubleColumn extends Column {
  private final Segments<DoubleBuffer> data;
  private final DoubleBuffer single; // the only segment, when there is one

  private DoubleColumn(ColumnType type, Segments<DoubleBuffer> data, NullMask nulls) {
    super(type, nulls);
    if (data.size() != nulls.size()) {
      throw new InvalidArgumentException("column of " + data.size()
          + " values has a null mask of " + nulls.size() + " rows");
    }
    this.data = data;
    this.single = data.count() == 1 ? data.raw(0) : null;
  }

  private static ColumnType checkType(ColumnType type) {
    Objects.requireNonNull(type, "type");
    if (type != ColumnType.FLOAT64) {
      throw new InvalidArgumentException(
          "DoubleColumn cannot hold type " + type + "; it holds FLOAT64 (see ColumnType for the "
              + "column class of each type)");
    }
    return type;
  }

  /**
   * @param values the values (copied)
   * @return a FLOAT64 column without nulls
   */
  public static DoubleColumn of(double... values) {
    return wrap(ColumnType.FLOAT64, values.clone(), NullMask.none(values.length));
  }

  /**
   * Wraps an array without copying it: the caller hands it over and must not change it afterwards.
   *
   * @param type {@link ColumnType#FLOAT64}
   * @param values the values; the array now belongs to the column
   * @param nulls which rows are null ({@code nulls.size() == values.length})
   * @return the column
   */
  public static DoubleColumn wrap(ColumnType type, double[] values, NullMask nulls) {
    return new DoubleColumn(checkType(type),
        Segments.of(List.of(DoubleBuffer.wrap(values).asReadOnlyBuffer()), new DoubleBuffer[0]), nulls);
  }

  /**
   * A column over buffers, for instance views of memory-mapped files (little-endian where the
   * buffer came from a {@code ByteBuffer}). Each buffer contributes its values from its position to
   * its limit; they are laid end to end. The buffers' contents must not change afterwards.
   *
   * @param type {@link ColumnType#FLOAT64}
   * @param segments the buffers, in order
   * @param nulls which rows are null (its size is the total of the segments' values)
   * @return the column
   */
  public static DoubleColumn ofBuffers(ColumnType type, List<DoubleBuffer> segments, NullMask nulls) {
    DoubleBuffer[] ro = new DoubleBuffer[segments.size()];
    for (int i = 0; i < ro.length; i++) {
      ro[i] = segments.get(i).asReadOnlyBuffer();
    }
    return new DoubleColumn(checkType(type), Segments.of(List.of(ro), ro), nulls);
  }

  @Override
  public int size() {
    return data.size();
  }

  /**
   * @param row a row in {@code [0, size)}
   * @return its value (unspecified when the row is null)
   */
  public double get(int row) {
    if (single != null) {
      return single.get(row);
    }
    int k = data.segmentOf(row);
    return data.raw(k).get(row - data.start(k));
  }

  /** @return a new array with every value (nulls as whatever the storage holds, usually 0) */
  public double[] toArray() {
    double[] out = new double[size()];
    copyTo(0, out, 0, out.length);
    return out;
  }

  /**
   * Copies values into a caller-owned array.
   *
   * @param from the first row to copy
   * @param dst the destination
   * @param dstPos where in {@code dst} to start
   * @param length how many rows to copy
   */
  public void copyTo(int from, double[] dst, int dstPos, int length) {
    if (from < 0 || length < 0 || from + length > size()) {
      throw new IndexOutOfBoundsException(
          "rows [" + from + ", " + (from + length) + ") out of [0, " + size() + ")");
    }
    int row = from;
    int pos = dstPos;
    int end = from + length;
    while (row < end) {
      int k = data.segmentOf(row);
      int off = row - data.start(k);
      int n = Math.min(end - row, data.start(k + 1) - row);
      data.raw(k).get(off, dst, pos, n);
      row += n;
      pos += n;
    }
  }

  /** @return the number of storage segments (1 for heap columns) */
  public int segmentCount() {
    return data.count();
  }

  /**
   * A read-only view of segment {@code k}: index 0 is row {@link #segmentStart(int)}, the limit is
   * the segment's row count. The view is the caller's own (its position may be changed).
   *
   * @param k a segment index
   * @return the view
   */
  public DoubleBuffer segment(int k) {
    return data.view(k);
  }

  /**
   * @param k a segment index
   * @return the row at which segment {@code k} starts
   */
  public int segmentStart(int k) {
    return data.start(k);
  }

  @Override
  public DoubleColumn slice(int from, int to) {
    return new DoubleColumn(type(), data.slice(from, to), nulls().slice(from, to));
  }

  @Override
  DoubleColumn gather(int[] positions, int count) {
    double[] out = new double[count];
    if (single != null) {
      for (int i = 0; i < count; i++) {
        out[i] = single.get(positions[i]);
      }
    } else {
      for (int i = 0; i < count; i++) {
        out[i] = get(positions[i]);
      }
    }
    return wrap(type(), out, nulls().gather(positions, count));
  }

  @Override
  public Object getObject(int row) {
    return isNull(row) ? null : (Object) get(row);
  }

  @Override
  boolean sameValue(Column other, int row) {
    return Double.doubleToLongBits(get(row)) == Double.doubleToLongBits(((DoubleColumn) other).get(row));
  }

  @Override
  int valueHash(int row) {
    return Double.hashCode(get(row));
  }

  @Override
  public long sizeInBytes() {
    return 64 + (long) 8 * size() + nulls().sizeInBytes();
  }

  @Override
  public boolean isHeapBacked() {
    return data.isHeap();
  }
}
