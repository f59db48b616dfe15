package org.optstore.core.cache;

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
import org.optstore.Field;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.IntColumn;
import org.optstore.InvalidArgumentException;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Schema;
import org.optstore.StringColumn;
import org.optstore.StringDictionary;

/**
 * Lays the columns of consecutive blocks end to end as one column without copying values: the
 * result's storage segments are the blocks' own buffers, so a warm read of many cached blocks
 * costs a list of buffer views, not a copy. Only null bitmaps are combined (one pass over words,
 * and only when some block has nulls), and string blocks whose dictionaries differ are merged
 * with one code remap (a copy of the codes).
 */
final class ColumnChain {
  private ColumnChain() {}

  /**
   * @param type the type of every part
   * @param parts the blocks' columns, in row order; at least one
   * @return their rows, in order
   */
  static Column join(ColumnType type, List<Column> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    long total = 0;
    for (Column c : parts) {
      total += c.size();
    }
    if (total > Integer.MAX_VALUE) {
      throw new InvalidArgumentException("the blocks asked for hold " + total + " rows, more "
          + "than one frame holds (" + Integer.MAX_VALUE + "); read them in batches with scan()");
    }
    int n = (int) total;
    NullMask nulls = nulls(parts, n);
    switch (type) {
      case TIMESTAMP, INT64 -> {
        List<LongBuffer> segs = new ArrayList<>();
        for (Column c : parts) {
          LongColumn l = (LongColumn) c;
          for (int k = 0; k < l.segmentCount(); k++) {
            segs.add(l.segment(k));
          }
        }
        return LongColumn.ofBuffers(type, segs, nulls);
      }
      case INT32 -> {
        return IntColumn.ofBuffers(type, intSegments(parts, false), nulls);
      }
      case FLOAT64 -> {
        List<DoubleBuffer> segs = new ArrayList<>();
        for (Column c : parts) {
          DoubleColumn d = (DoubleColumn) c;
          for (int k = 0; k < d.segmentCount(); k++) {
            segs.add(d.segment(k));
          }
        }
        return DoubleColumn.ofBuffers(type, segs, nulls);
      }
      case FLOAT32 -> {
        List<FloatBuffer> segs = new ArrayList<>();
        for (Column c : parts) {
          FloatColumn f = (FloatColumn) c;
          for (int k = 0; k < f.segmentCount(); k++) {
            segs.add(f.segment(k));
          }
        }
        return FloatColumn.ofBuffers(type, segs, nulls);
      }
      case BOOL -> {
        List<ByteBuffer> segs = new ArrayList<>();
        for (Column c : parts) {
          BoolColumn b = (BoolColumn) c;
          for (int k = 0; k < b.segmentCount(); k++) {
            segs.add(b.segment(k));
          }
        }
        return BoolColumn.ofBuffers(segs, nulls);
      }
      case STRING -> {
        return strings(parts, n, nulls);
      }
      default -> throw new AssertionError(type);
    }
  }

  private static List<IntBuffer> intSegments(List<Column> parts, boolean codes) {
    List<IntBuffer> segs = new ArrayList<>();
    for (Column c : parts) {
      IntColumn i = codes ? ((StringColumn) c).codes() : (IntColumn) c;
      for (int k = 0; k < i.segmentCount(); k++) {
        segs.add(i.segment(k));
      }
    }
    return segs;
  }

  private static Column strings(List<Column> parts, int n, NullMask nulls) {
    StringDictionary first = ((StringColumn) parts.get(0)).dictionary();
    for (Column c : parts) {
      if (((StringColumn) c).dictionary() != first) {
        // blocks with dictionaries of their own (e.g. Parquet pages): merge them once
        return mergedStrings(parts);
      }
    }
    IntColumn codes = IntColumn.ofBuffers(ColumnType.INT32, intSegments(parts, true),
        NullMask.none(n));
    return StringColumn.ofCodes(codes, first, nulls);
  }

  private static Column mergedStrings(List<Column> parts) {
    Schema s = Schema.withoutTimeColumn(List.of(Field.of("s", ColumnType.STRING)));
    List<Frame> frames = new ArrayList<>(parts.size());
    for (Column c : parts) {
      frames.add(Frame.of(s, List.of(c)));
    }
    return Frame.concat(frames).column(0);
  }

  /** The blocks' null masks end to end: no bitmap at all when no block has a null. */
  static NullMask nulls(List<Column> parts, int total) {
    boolean any = false;
    for (Column c : parts) {
      any |= c.nulls().hasNulls();
    }
    if (!any) {
      return NullMask.none(total);
    }
    long[] out = new long[(total + 63) >>> 6];
    int base = 0;
    for (Column c : parts) {
      NullMask m = c.nulls();
      int size = c.size();
      if (m.hasNulls()) {
        int shift = base & 63;
        int dst = base >>> 6;
        for (int w = 0, words = (size + 63) >>> 6; w < words; w++) {
          long bits = m.word(w); // bits past the mask's size are clear
          out[dst + w] |= bits << shift;
          if (shift != 0 && dst + w + 1 < out.length) {
            out[dst + w + 1] |= bits >>> (64 - shift);
          }
        }
      }
      base += size;
    }
    return NullMask.fromWords(out, total);
  }
}
