package org.optstore;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A column of {@link ColumnType#BOOL} values. Immutable and thread-safe.
 *
 * <p>Stored as one byte per row (0 false, anything else true) in heap arrays or (memory-mapped)
 * buffers. The value at a null row is unspecified.
 */
public final class BoolColumn extends Column {
  private final Segments<ByteBuffer> data;
  private final ByteBuffer single;

  private BoolColumn(Segments<ByteBuffer> data, NullMask nulls) {
    super(ColumnType.BOOL, nulls);
    if (data.size() != nulls.size()) {
      throw new InvalidArgumentException("column of " + data.size()
          + " values has a null mask of " + nulls.size() + " rows");
    }
    this.data = data;
    this.single = data.count() == 1 ? data.raw(0) : null;
  }

  /**
   * @param values the values (copied)
   * @return a column without nulls
   */
  public static BoolColumn of(boolean... values) {
    return of(values, NullMask.none(values.length));
  }

  /**
   * @param values the values (copied)
   * @param nulls which rows are null
   * @return the column
   */
  public static BoolColumn of(boolean[] values, NullMask nulls) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = values[i] ? (byte) 1 : 0;
    }
    return wrap(b, nulls);
  }

  /**
   * Wraps bytes (0 false, else true) without copying; the caller must not change them afterwards.
   *
   * @param values one byte per row
   * @param nulls which rows are null
   * @return the column
   */
  public static BoolColumn wrap(byte[] values, NullMask nulls) {
    return new BoolColumn(
        Segments.of(List.of(ByteBuffer.wrap(values).asReadOnlyBuffer()), new ByteBuffer[0]), nulls);
  }

  /**
   * A column over buffers of one byte per row (0 false, else true), each from its position to its
   * limit, laid end to end; their contents must not change afterwards.
   *
   * @param segments the buffers, in order
   * @param nulls which rows are null
   * @return the column
   */
  public static BoolColumn ofBuffers(List<ByteBuffer> segments, NullMask nulls) {
    ByteBuffer[] ro = new ByteBuffer[segments.size()];
    for (int i = 0; i < ro.length; i++) {
      ro[i] = segments.get(i).asReadOnlyBuffer();
    }
    return new BoolColumn(Segments.of(List.of(ro), ro), nulls);
  }

  @Override
  public int size() {
    return data.size();
  }

  /**
   * @param row a row in {@code [0, size)}
   * @return its value (unspecified when the row is null)
   */
  public boolean get(int row) {
    if (single != null) {
      return single.get(row) != 0;
    }
    int k = data.segmentOf(row);
    return data.raw(k).get(row - data.start(k)) != 0;
  }

  /** @return a new array with every value */
  public boolean[] toArray() {
    boolean[] out = new boolean[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = get(i);
    }
    return out;
  }

  /** @return the number of storage segments (1 for heap columns) */
  public int segmentCount() {
    return data.count();
  }

  /**
   * @param k a segment index
   * @return a read-only view of segment {@code k} (one byte per row, index 0 is row {@link
   *     #segmentStart(int)}), the caller's own
   */
  public ByteBuffer segment(int k) {
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
  public BoolColumn slice(int from, int to) {
    return new BoolColumn(data.slice(from, to), nulls().slice(from, to));
  }

  @Override
  BoolColumn gather(int[] positions, int count) {
    byte[] out = new byte[count];
    for (int i = 0; i < count; i++) {
      out[i] = get(positions[i]) ? (byte) 1 : 0;
    }
    return wrap(out, nulls().gather(positions, count));
  }

  @Override
  public Object getObject(int row) {
    return isNull(row) ? null : (Object) get(row);
  }

  @Override
  boolean sameValue(Column other, int row) {
    return get(row) == ((BoolColumn) other).get(row);
  }

  @Override
  int valueHash(int row) {
    return Boolean.hashCode(get(row));
  }

  @Override
  public long sizeInBytes() {
    return 64 + size() + nulls().sizeInBytes();
  }

  @Override
  public boolean isHeapBacked() {
    return data.isHeap();
  }
}
