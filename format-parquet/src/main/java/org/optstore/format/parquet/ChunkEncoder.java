package org.optstore.format.parquet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;
import org.optstore.ColumnType;

/** Encodes one column chunk (one column of one row group) into finished pages. One per task. */
final class ChunkEncoder {
  /** A page ready for {@code ParquetFileWriter.writeDataPageV2}. */
  static final class Page {
    int rows;
    int nulls;
    byte[] defLevels;
    byte[] data;
    boolean compressed;
    int uncompressedDataSize;
    Encoding encoding;
    Statistics<?> stats;
  }

  /** A chunk: optional dictionary page (already compressed) + data pages. */
  static final class Chunk {
    byte[] dictionary;
    int dictionaryUncompressedSize;
    int dictionarySize;
    final List<Page> pages = new ArrayList<>();
  }

  /** Below this ratio of compressed to raw size, a page is stored compressed. */
  private static final double COMPRESS_WORTH = 0.9;

  private final Codec codec;
  private final int rowsPerPage;
  private final ByteSink data = new ByteSink(1 << 16);
  private final ByteSink levels = new ByteSink(1 << 10);
  private long[] longScratch = new long[0];
  private int[] intScratch = new int[0];
  private final long[] deltaScratch = new long[128];
  private final long[] minMax = new long[2];
  /** Pages in a row that did not shrink under the codec; past a few, most pages skip the attempt. */
  private int incompressible;
  private int pageNo;

  ChunkEncoder(Codec codec, int rowsPerPage) {
    this.codec = codec;
    this.rowsPerPage = rowsPerPage;
  }

  Chunk encode(WriteColumn col, PrimitiveType type, int from, int rows) {
    Chunk chunk = new Chunk();
    incompressible = 0;
    pageNo = 0;
    int[] localCode = null;
    if (col.kind == ColumnType.STRING) {
      localCode = buildDictionary(col, from, rows, chunk);
      if (dictCount == 0) {
        // only nulls: no dictionary, pages carry no values at all
        chunk.dictionary = null;
        localCode = null;
      }
    }
    if (longScratch.length < rowsPerPage) {
      longScratch = new long[rowsPerPage];
      intScratch = new int[Math.max(rowsPerPage, 8)];
    }
    for (int p = from; p < from + rows; p += rowsPerPage) {
      int n = Math.min(rowsPerPage, from + rows - p);
      chunk.pages.add(encodePage(col, type, p, n, localCode));
    }
    return chunk;
  }

  /** Builds a sorted dictionary of the codes used in the chunk; returns global code -> local code. */
  private int[] buildDictionary(WriteColumn col, int from, int rows, Chunk chunk) {
    byte[][] dict = col.dictionary;
    boolean[] used = new boolean[dict.length];
    int[] codes = col.codes;
    boolean[] isNull = col.isNull;
    for (int i = from; i < from + rows; i++) {
      if (isNull == null || !isNull[i]) {
        used[codes[i]] = true;
      }
    }
    int count = 0;
    for (boolean u : used) {
      if (u) {
        count++;
      }
    }
    Integer[] order = new Integer[count];
    int k = 0;
    for (int c = 0; c < used.length; c++) {
      if (used[c]) {
        order[k++] = c;
      }
    }
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(dict[a], dict[b]));
    int[] local = new int[dict.length];
    Arrays.fill(local, -1);
    dictOrder = new int[count];
    dictCount = count;
    ByteSink page = new ByteSink(count * 12 + 16);
    for (int i = 0; i < count; i++) {
      local[order[i]] = i;
      dictOrder[i] = order[i];
      byte[] s = dict[order[i]];
      page.writeIntLE(s.length);
      page.writeBytes(s, 0, s.length);
    }
    chunk.dictionary = codec.compress(page.buf, page.size);
    chunk.dictionaryUncompressedSize = page.size;
    chunk.dictionarySize = count;
    return local;
  }

  private Page encodePage(WriteColumn col, PrimitiveType type, int from, int n, int[] localCode) {
    Page page = new Page();
    page.rows = n;
    boolean[] isNull = col.isNull;
    int nulls = 0;
    if (isNull != null) {
      for (int i = from; i < from + n; i++) {
        nulls += isNull[i] ? 1 : 0;
      }
    }
    page.nulls = nulls;
    levels.reset();
    if (!col.required) {
      Encoders.definitionLevels(nulls == 0 ? null : isNull, from, n, levels, intScratch);
    }
    page.defLevels = levels.toByteArray();
    data.reset();
    Statistics<?> stats = Statistics.createStats(type);
    stats.incrementNumNulls(nulls);
    int values = n - nulls;
    switch (col.kind) {
      case TIMESTAMP:
      case INT64:
      case INT32: {
        long[] v = longScratch;
        int m = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        if (col.kind == ColumnType.INT32) {
          int[] src = col.ints;
          for (int i = from; i < from + n; i++) {
            if (nulls == 0 || !isNull[i]) {
              long x = src[i];
              v[m++] = x;
              min = Math.min(min, x);
              max = Math.max(max, x);
            }
          }
        } else {
          long[] src = col.longs;
          if (nulls == 0) {
            v = src;
            m = n;
          } else {
            for (int i = from; i < from + n; i++) {
              if (!isNull[i]) {
                v[m++] = src[i];
              }
            }
          }
        }
        int vfrom = v == col.longs ? from : 0;
        if (col.kind != ColumnType.INT32) {
          Encoders.deltaBinaryPacked(v, vfrom, m, false, data, deltaScratch, minMax);
          min = minMax[0];
          max = minMax[1];
        } else {
          Encoders.deltaBinaryPacked(v, vfrom, m, true, data, deltaScratch);
        }
        page.encoding = Encoding.DELTA_BINARY_PACKED;
        if (m > 0) {
          if (col.kind == ColumnType.INT32) {
            stats.updateStats((int) min);
            stats.updateStats((int) max);
          } else {
            stats.updateStats(min);
            stats.updateStats(max);
          }
        }
        break;
      }
      case FLOAT64: {
        double[] src = col.doubles;
        data.ensure(values * 8);
        byte[] out = data.buf;
        int pos = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long nans = 0;
        for (int i = from; i < from + n; i++) {
          if (nulls == 0 || !isNull[i]) {
            double x = src[i];
            LittleEndian.putDouble(out, pos, x);
            pos += 8;
            if (x != x) {
              nans++;
            } else {
              min = Math.min(min, x);
              max = Math.max(max, x);
            }
          }
        }
        data.size = pos;
        page.encoding = Encoding.PLAIN;
        if (values > nans) {
          stats.updateStats(min);
          stats.updateStats(max);
        }
        stats.incrementNanCount(nans);
        break;
      }
      case FLOAT32: {
        float[] src = col.floats;
        data.ensure(values * 4);
        byte[] out = data.buf;
        int pos = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        long nans = 0;
        for (int i = from; i < from + n; i++) {
          if (nulls == 0 || !isNull[i]) {
            float x = src[i];
            LittleEndian.putFloat(out, pos, x);
            pos += 4;
            if (x != x) {
              nans++;
            } else {
              min = Math.min(min, x);
              max = Math.max(max, x);
            }
          }
        }
        data.size = pos;
        page.encoding = Encoding.PLAIN;
        if (values > nans) {
          stats.updateStats(min);
          stats.updateStats(max);
        }
        stats.incrementNanCount(nans);
        break;
      }
      case BOOL: {
        byte[] src = col.bools;
        int[] bits = intScratch;
        int m = 0;
        boolean seenTrue = false;
        boolean seenFalse = false;
        for (int i = from; i < from + n; i++) {
          if (nulls == 0 || !isNull[i]) {
            boolean b = src[i] != 0;
            bits[m++] = b ? 1 : 0;
            seenTrue |= b;
            seenFalse |= !b;
          }
        }
        BitPacking.packInts(bits, 0, m, 1, data);
        page.encoding = Encoding.PLAIN;
        if (m > 0) {
          stats.updateStats(!seenFalse);
          stats.updateStats(seenTrue);
        }
        break;
      }
      case STRING: {
        if (localCode == null) {
          page.encoding = Encoding.PLAIN;
          break;
        }
        int[] codes = col.codes;
        int[] local = intScratch;
        int m = 0;
        int min = Integer.MAX_VALUE;
        int max = -1;
        for (int i = from; i < from + n; i++) {
          if (nulls == 0 || !isNull[i]) {
            int c = localCode[codes[i]];
            local[m++] = c;
            min = Math.min(min, c);
            max = Math.max(max, c);
          }
        }
        int width = BitPacking.bitWidth(Math.max(0, dictionaryMaxCode(localCode)));
        data.write(width);
        Encoders.rleHybrid(local, 0, m, width, data);
        page.encoding = Encoding.RLE_DICTIONARY;
        if (m > 0) {
          byte[][] dict = col.dictionary;
          stats.updateStats(Binary.fromConstantByteArray(dict[globalOf(localCode, min)]));
          stats.updateStats(Binary.fromConstantByteArray(dict[globalOf(localCode, max)]));
        }
        break;
      }
      default:
        throw new IllegalStateException("unhandled kind " + col.kind);
    }
    page.stats = stats;
    page.uncompressedDataSize = data.size;
    pageNo++;
    boolean skipAttempt = incompressible >= 2 && pageNo % 16 != 0;
    if (codec == Codec.UNCOMPRESSED || data.size == 0 || skipAttempt) {
      page.data = data.toByteArray();
      page.compressed = false;
    } else {
      byte[] c = codec.compress(data.buf, data.size);
      if (c.length < data.size * COMPRESS_WORTH) {
        page.data = c;
        page.compressed = true;
        incompressible = 0;
      } else {
        page.data = data.toByteArray();
        page.compressed = false;
        incompressible++;
      }
    }
    return page;
  }

  private int[] dictOrder = new int[0];
  private int dictCount;

  private int dictionaryMaxCode(int[] localCode) {
    return dictCount - 1;
  }

  private int globalOf(int[] localCode, int local) {
    return dictOrder[local];
  }
}
