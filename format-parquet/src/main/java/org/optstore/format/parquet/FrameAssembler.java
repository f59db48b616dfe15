package org.optstore.format.parquet;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import org.optstore.BoolColumn;
import org.optstore.Column;
import org.optstore.ColumnType;
import org.optstore.DoubleColumn;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Schema;
import org.optstore.StringColumn;
import org.optstore.StringDictionary;

/** Wraps the scan's result arrays as API columns without copying them. */
final class FrameAssembler {
  private FrameAssembler() {}

  static Frame frame(Schema schema, ReadColumn[] cols) {
    List<Column> out = new ArrayList<>(cols.length);
    for (ReadColumn c : cols) {
      out.add(column(c));
    }
    return Frame.of(schema, out);
  }

  static Column column(ReadColumn r) {
    int n = r.size;
    NullMask nulls = nulls(r.nulls, n);
    switch (r.kind) {
      case TIMESTAMP:
      case INT64:
        return LongColumn.ofBuffers(r.kind, List.of(LongBuffer.wrap(r.l, 0, n)), nulls);
      case INT32:
        return IntColumn.ofBuffers(ColumnType.INT32, List.of(IntBuffer.wrap(r.i, 0, n)), nulls);
      case FLOAT64:
        return DoubleColumn.ofBuffers(ColumnType.FLOAT64, List.of(DoubleBuffer.wrap(r.d, 0, n)), nulls);
      case FLOAT32:
        return FloatColumn.ofBuffers(ColumnType.FLOAT32, List.of(FloatBuffer.wrap(r.f, 0, n)), nulls);
      case BOOL:
        return BoolColumn.ofBuffers(List.of(ByteBuffer.wrap(r.b, 0, n)), nulls);
      case STRING:
        return StringColumn.ofCodes(
            IntColumn.ofBuffers(ColumnType.INT32, List.of(IntBuffer.wrap(r.codes, 0, n)), NullMask.none(n)),
            StringDictionary.of(r.dict.toArray(new String[0])), nulls);
      default:
        throw new IllegalStateException(r.kind.toString());
    }
  }

  static NullMask nulls(boolean[] isNull, int n) {
    if (isNull == null) {
      return NullMask.none(n);
    }
    long[] words = new long[(n + 63) >>> 6];
    boolean any = false;
    for (int i = 0; i < n; i++) {
      if (isNull[i]) {
        words[i >>> 6] |= 1L << i;
        any = true;
      }
    }
    return any ? NullMask.fromWords(words, n) : NullMask.none(n);
  }
}
