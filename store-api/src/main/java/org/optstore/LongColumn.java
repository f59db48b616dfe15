package org.optstore;

import java.nio.LongBuffer;
import java.util.List;
import java.util.Objects;

/**
 * A column of {@code long} values: {@link ColumnType#INT64} or {@link ColumnType#TIMESTAMP} (epoch microseconds, UTC). Immutable and thread-safe.
 *
 * <p>Backed by heap arrays or by (memory-mapped) buffers behind the same methods; a column larger
 * than one mapping holds several segments. Kernels that want raw speed iterate {@link
 * #segment(int)} views and read them with absolute gets; everyone else uses {@link #get(int)},
 * {@link #toArray()} or {@link #copyTo}. The value at a null row is unspecified (usually 0).
 */
public final class LongColumn extends Column {
  private final Segments<LongBuffer> data;
  private final LongBuffer single; // the only segment, when there is one

  private LongColumn(ColumnType type, Segments<LongBuffer> data, NullMask nulls) {
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
    if (type != ColumnType.INT64 && type != ColumnType.TIMESTAMP) {
      throw new InvalidArgumentException(
          "LongColumn cannot hold type " + type + "; it holds INT64 or TIMESTAMP (see ColumnType for the "
              + "column class of each type)");
    }
    return type;
  }

  /**
   * @param values the values (copied)
   * @return a INT64 column without nulls
   */
  public static LongColumn of(long... values) {
    return wrap(ColumnType.INT64, values.clone(), NullMask.none(values.length));
  }

  /**
   * @param micros instants as epoch microseconds, UTC (copied)
   * @return a TIMESTAMP column without nulls
   */
  public static LongColumn timestamps(long... micros) {
    return wrap(ColumnType.TIMESTAMP, micros.clone(), NullMask.none(micros.length));
  }

  /**
   * Wraps an array without copying it: the caller hands it over and must not change it afterwards.
   *
   * @param type {@link ColumnType#INT64} or {@link ColumnType#TIMESTAMP} (epoch microseconds, UTC)
   * @param values the values; the array now belongs to the column
   * @param nulls which rows are null ({@code nulls.size() == values.length})
   * @return the column
   */
  public static LongColumn wrap(ColumnType type, long[] values, NullMask nulls) {
    return new LongColumn(checkType(type),
        Segments.of(List.of(LongBuffer.wrap(values).asReadOnlyBuffer()), new LongBuffer[0]), nulls);
  }

  /**
   * A column over buffers, for instance views of memory-mapped files (little-endian where the
   * buffer came from a {@code ByteBuffer}). Each buffer contributes its values from its position to
   * its limit; they are laid end to end. The buffers' contents must not change afterwards.
   *
   * @param type {@link ColumnType#INT64} or {@link ColumnType#TIMESTAMP} (epoch microseconds, UTC)
   * @param segments the buffers, in order
   * @param nulls which rows are null (its size is the total of the segments' values)
   * @return the column
   */
  public static LongColumn ofBuffers(ColumnType type, List<LongBuffer> segments, NullMask nulls) {
    LongBuffer[] ro = new LongBuffer[segments.size()];
    for (int i = 0; i < ro.length; i++) {
      ro[i] = segments.get(i).asReadOnlyBuffer();
    }
    return new LongColumn(checkType(type), Segments.of(List.of(ro), ro), nulls);
  }

  @Override
  public int size() {
    return data.size();
  }

  /**
   * @param row a row in {@code [0, size)}
   * @return its value (unspecified when the row is null)
   */
  public long get(int row) {
    if (single != null) {
      return single.get(row);
    }
    int k = data.segmentOf(row);
    return data.raw(k).get(row - data.start(k));
  }

  /** @return a new array with every value (nulls as whatever the storage holds, usually 0) */
  public long[] toArray() {
    long[] out = new long[size()];
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
  public void copyTo(int from, long[] dst, int dstPos, int length) {
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
  public LongBuffer segment(int k) {
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
  public LongColumn slice(int from, int to) {
    return new LongColumn(type(), data.slice(from, to), nulls().slice(from, to));
  }

  @Override
  LongColumn gather(int[] positions, int count) {
    long[] out = new long[count];
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
    return isNull(row) ? null : (type() == ColumnType.TIMESTAMP ? TimeRange.toInstant(get(row)) : (Object) get(row));
  }

  @Override
  boolean sameValue(Column other, int row) {
    return get(row) == ((LongColumn) other).get(row);
  }

  @Override
  int valueHash(int row) {
    return Long.hashCode(get(row));
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
