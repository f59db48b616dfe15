package org.optstore.format.parquet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Min/max/null facts per page (from the column index) or, without one, for the whole chunk, in our
 * units (micros, doubles for decimals). Used only to skip what cannot match.
 */
final class PageStats {
  int pages;
  long[] firstRow;
  boolean[] hasMinMax;
  boolean[] nullPage;
  long[] nullCount; // -1 unknown
  long[] minL;
  long[] maxL;
  double[] minD;
  double[] maxD;
  byte[][] minB;
  byte[][] maxB;

  private PageStats(int pages) {
    this.pages = pages;
    firstRow = new long[pages];
    hasMinMax = new boolean[pages];
    nullPage = new boolean[pages];
    nullCount = new long[pages];
    minL = new long[pages];
    maxL = new long[pages];
    minD = new double[pages];
    maxD = new double[pages];
    minB = new byte[pages][];
    maxB = new byte[pages][];
  }

  static PageStats fromIndex(ColumnIndex ci, OffsetIndex oi, ColumnMapping m, PrimitiveTypeName physical) {
    List<ByteBuffer> mins = ci.getMinValues();
    List<ByteBuffer> maxs = ci.getMaxValues();
    List<Boolean> nulls = ci.getNullPages();
    List<Long> nullCounts = ci.getNullCounts();
    int count = oi.getPageCount();
    if (mins.size() != count || maxs.size() != count || nulls.size() != count
        || (nullCounts != null && nullCounts.size() != count)) {
      return null;
    }
    PageStats s = new PageStats(count);
    for (int i = 0; i < count; i++) {
      s.firstRow[i] = oi.getFirstRowIndex(i);
      s.nullPage[i] = nulls.get(i);
      s.nullCount[i] = nullCounts == null ? -1 : nullCounts.get(i);
      if (!s.nullPage[i] && m.statsUsable) {
        s.hasMinMax[i] = s.set(i, mins.get(i).duplicate(), maxs.get(i).duplicate(), m, physical);
      }
    }
    return s;
  }

  static PageStats fromChunk(Statistics<?> st, long rows, ColumnMapping m, PrimitiveTypeName physical) {
    PageStats s = new PageStats(1);
    s.firstRow[0] = 0;
    if (st == null || st.isEmpty()) {
      s.nullCount[0] = -1;
      return s;
    }
    s.nullCount[0] = st.isNumNullsSet() ? st.getNumNulls() : -1;
    s.nullPage[0] = st.isNumNullsSet() && st.getNumNulls() == rows;
    if (st.hasNonNullValue() && m.statsUsable && st.getMinBytes() != null && st.getMaxBytes() != null) {
      s.hasMinMax[0] = s.set(0, ByteBuffer.wrap(st.getMinBytes()), ByteBuffer.wrap(st.getMaxBytes()), m, physical);
    }
    return s;
  }

  private boolean set(int i, ByteBuffer min, ByteBuffer max, ColumnMapping m, PrimitiveTypeName physical) {
    min.order(ByteOrder.LITTLE_ENDIAN);
    max.order(ByteOrder.LITTLE_ENDIAN);
    switch (physical) {
      case INT64:
        if (min.remaining() < 8 || max.remaining() < 8) {
          return false;
        }
        return setLong(i, min.getLong(min.position()), max.getLong(max.position()), m);
      case INT32:
        if (min.remaining() < 4 || max.remaining() < 4) {
          return false;
        }
        return setLong(i, min.getInt(min.position()), max.getInt(max.position()), m);
      case DOUBLE:
        if (min.remaining() < 8 || max.remaining() < 8) {
          return false;
        }
        minD[i] = min.getDouble(min.position());
        maxD[i] = max.getDouble(max.position());
        return !Double.isNaN(minD[i]) && !Double.isNaN(maxD[i]);
      case FLOAT:
        if (min.remaining() < 4 || max.remaining() < 4) {
          return false;
        }
        minD[i] = min.getFloat(min.position());
        maxD[i] = max.getFloat(max.position());
        return !Double.isNaN(minD[i]) && !Double.isNaN(maxD[i]);
      case BOOLEAN:
        if (min.remaining() < 1 || max.remaining() < 1) {
          return false;
        }
        minL[i] = min.get(min.position()) != 0 ? 1 : 0;
        maxL[i] = max.get(max.position()) != 0 ? 1 : 0;
        return true;
      case BINARY: {
        byte[] a = new byte[min.remaining()];
        min.duplicate().get(a);
        byte[] b = new byte[max.remaining()];
        max.duplicate().get(b);
        minB[i] = a;
        maxB[i] = b;
        return true;
      }
      default:
        return false;
    }
  }

  private boolean setLong(int i, long min, long max, ColumnMapping m) {
    switch (m.conversion) {
      case NONE:
        minL[i] = min;
        maxL[i] = max;
        return true;
      case MILLIS_TO_MICROS:
        minL[i] = ColumnCursor.saturatingMultiply(min, 1000L);
        maxL[i] = ColumnCursor.saturatingMultiply(max, 1000L);
        return true;
      case NANOS_TO_MICROS:
        minL[i] = Math.floorDiv(min, 1000L);
        maxL[i] = Math.floorDiv(max, 1000L);
        return true;
      case DAYS_TO_MICROS:
        minL[i] = ColumnCursor.saturatingMultiply(min, 86_400_000_000L);
        maxL[i] = ColumnCursor.saturatingMultiply(max, 86_400_000_000L);
        return true;
      case DECIMAL:
        minD[i] = min / Math.pow(10, m.scale);
        maxD[i] = max / Math.pow(10, m.scale);
        return true;
      default:
        return false;
    }
  }
}
