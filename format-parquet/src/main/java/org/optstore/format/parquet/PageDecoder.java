package org.optstore.format.parquet;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.xerial.snappy.Snappy;

/**
 * Decodes the pages of one column chunk into primitive arrays indexed by row within the page.
 * One instance per column per read; it reuses its buffers from page to page.
 */
final class PageDecoder {
  static final int PLAIN = 0;
  static final int PLAIN_DICTIONARY = 2;
  static final int RLE = 3;
  static final int DELTA_BINARY_PACKED = 5;
  static final int RLE_DICTIONARY = 8;
  static final int BYTE_STREAM_SPLIT = 9;
  private static final int SLACK = 16;

  private final FileInput in;
  private final ColumnDescriptor descriptor;
  private final PrimitiveTypeName physical;
  private final CompressionCodecName codec;
  private final boolean nullable;

  // outputs of the last decode, indexed by row within the page
  int rows;
  int nullCount;
  boolean[] nulls = new boolean[0];
  long[] longs = new long[0];
  int[] ints = new int[0];
  double[] doubles = new double[0];
  float[] floats = new float[0];
  byte[] bools = new byte[0];
  int[] codes = new int[0];
  byte[][] binaries = new byte[0][];
  /** True when the last BYTE_ARRAY page came dictionary-encoded (values in {@link #codes}). */
  boolean dictionaryCoded;

  // dictionary of the current chunk
  PageTable dictFor;
  byte[][] dictBinary;
  long[] dictLong;
  int[] dictInt;
  double[] dictDouble;
  float[] dictFloat;

  private byte[] raw = new byte[64];
  private byte[] values = new byte[64];
  private int[] levels = new int[0];
  private final long[] tmp = new long[512];
  private final CRC32 crc = new CRC32();

  PageDecoder(FileInput in, ColumnDescriptor descriptor, CompressionCodecName codec) {
    this.in = in;
    this.descriptor = descriptor;
    this.physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
    this.codec = codec;
    this.nullable = descriptor.getMaxDefinitionLevel() > 0;
  }

  String where(PageTable t, int page) {
    return "column '" + descriptor.getPrimitiveType().getName() + "' page at offset "
        + (page < 0 ? t.dictOffset : t.dataOffset[page]) + " of " + in.path();
  }

  /** Decodes page {@code page} of {@code t}. */
  void decode(PageTable t, int page) throws IOException {
    if (t.dictOffset >= 0 && dictFor != t) {
      readDictionary(t);
    }
    int n = t.rows[page];
    int csize = t.compressedSize[page];
    rows = n;
    ensureRows(n);
    ByteBuffer pageBytes = in.range(t.dataOffset[page], csize);
    if (t.hasCrc[page]) {
      crc.reset();
      crc.update(pageBytes.duplicate());
      if ((int) crc.getValue() != t.crc[page]) {
        throw new PageCorruptException("page checksum mismatch in " + where(t, page));
      }
    }
    if (t.version[page] == PageTable.V2 && t.repLevelsLength[page] == 0 && directPlain(t, page, pageBytes)) {
      return;
    }
    raw = grow(raw, csize + SLACK);
    pageBytes.get(0, raw, 0, csize);
    int valuesLen;
    byte[] vbuf;
    int voff;
    int nonNull;
    if (t.version[page] == PageTable.V2) {
      int rl = t.repLevelsLength[page];
      int dl = t.defLevelsLength[page];
      if (rl != 0) {
        throw new IOException("repeated values in " + where(t, page));
      }
      nonNull = !nullable || t.numNulls[page] == 0 ? n : defLevels(raw, rl, rl + dl, n);
      int dataLen = csize - rl - dl;
      if (t.compressed[page] && codec != CompressionCodecName.UNCOMPRESSED) {
        valuesLen = t.uncompressedSize[page] - rl - dl;
        values = grow(values, valuesLen + SLACK);
        decompress(raw, rl + dl, dataLen, values, valuesLen, t, page);
        vbuf = values;
        voff = 0;
      } else {
        valuesLen = dataLen;
        vbuf = raw;
        voff = rl + dl;
      }
    } else {
      if (codec != CompressionCodecName.UNCOMPRESSED) {
        int usize = t.uncompressedSize[page];
        values = grow(values, usize + SLACK);
        decompress(raw, 0, csize, values, usize, t, page);
        vbuf = values;
        valuesLen = usize;
      } else {
        vbuf = raw;
        valuesLen = csize;
      }
      voff = 0;
      if (nullable) {
        if (valuesLen < 4) {
          throw new IOException("truncated definition levels in " + where(t, page));
        }
        int len = LittleEndian.getInt(vbuf, 0);
        if (len < 0 || len > valuesLen - 4) {
          throw new IOException("bad definition level length " + len + " in " + where(t, page));
        }
        nonNull = defLevels(vbuf, 4, 4 + len, n);
        voff = 4 + len;
      } else {
        nonNull = n;
      }
    }
    nullCount = n - nonNull;
    int end = voff + valuesLen - (t.version[page] == PageTable.V2 ? 0 : voff);
    decodeValues(vbuf, voff, end, nonNull, t.encoding[page], t, page);
    if (nullCount > 0) {
      spread(nonNull);
    }
  }

  /**
   * A version-2 page without nulls whose values are stored uncompressed in PLAIN fixed-width
   * encoding is copied straight from the (mapped) file into the value array.
   */
  private boolean directPlain(PageTable t, int page, ByteBuffer pageBytes) {
    if (t.encoding[page] != PLAIN || (nullable && t.numNulls[page] != 0)
        || (t.compressed[page] && codec != CompressionCodecName.UNCOMPRESSED)) {
      return false;
    }
    int n = rows;
    int off = t.defLevelsLength[page];
    int avail = t.compressedSize[page] - off;
    ByteBuffer v = pageBytes.slice(off, avail).order(ByteOrder.LITTLE_ENDIAN);
    switch (physical) {
      case INT64:
        if (avail < 8L * n) {
          return false;
        }
        v.asLongBuffer().get(longs, 0, n);
        break;
      case INT32:
        if (avail < 4L * n) {
          return false;
        }
        v.asIntBuffer().get(ints, 0, n);
        break;
      case DOUBLE:
        if (avail < 8L * n) {
          return false;
        }
        v.asDoubleBuffer().get(doubles, 0, n);
        break;
      case FLOAT:
        if (avail < 4L * n) {
          return false;
        }
        v.asFloatBuffer().get(floats, 0, n);
        break;
      default:
        return false;
    }
    nullCount = 0;
    dictionaryCoded = false;
    return true;
  }

  /** Decodes definition levels (max level 1) into {@link #nulls}; returns the non-null count. */
  private int defLevels(byte[] src, int from, int to, int n) throws IOException {
    if (levels.length < n) {
      levels = new int[n];
    }
    byte[] lv = src;
    if (to + SLACK > src.length) {
      lv = Arrays.copyOfRange(src, from, to + SLACK);
      to -= from;
      from = 0;
    }
    Decoders.hybrid(lv, from, to, 1, levels, n);
    int present = 0;
    boolean[] nl = nulls;
    int[] l = levels;
    for (int i = 0; i < n; i++) {
      present += l[i];
      nl[i] = l[i] == 0;
    }
    return present;
  }

  private void decompress(byte[] src, int off, int len, byte[] dst, int dstLen, PageTable t, int page)
      throws IOException {
    try {
      int got;
      switch (codec) {
        case SNAPPY:
          got = Snappy.uncompress(src, off, len, dst, 0);
          break;
        case ZSTD: {
          long r = Zstd.decompressByteArray(dst, 0, dstLen, src, off, len);
          if (Zstd.isError(r)) {
            throw new IOException(Zstd.getErrorName(r));
          }
          got = (int) r;
          break;
        }
        case GZIP: {
          try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(src, off, len), 1 << 14)) {
            got = gz.readNBytes(dst, 0, dstLen);
          }
          break;
        }
        default: {
          CodecFactory f = new CodecFactory(new PlainParquetConfiguration(), 0);
          try {
            BytesInput out = f.getDecompressor(codec).decompress(BytesInput.from(src, off, len), dstLen);
            byte[] b = out.toByteArray();
            System.arraycopy(b, 0, dst, 0, b.length);
            got = b.length;
          } finally {
            f.release();
          }
        }
      }
      if (got != dstLen) {
        throw new IOException("decompressed to " + got + " bytes, header says " + dstLen);
      }
    } catch (IOException | RuntimeException e) {
      throw new PageCorruptException(codec + " data does not decompress in " + where(t, page) + ": "
          + e.getMessage());
    }
  }

  private void decodeValues(byte[] src, int off, int end, int n, int enc, PageTable t, int page)
      throws IOException {
    dictionaryCoded = false;
    int avail = end - off;
    switch (enc) {
      case PLAIN:
        plain(src, off, end, n, t, page);
        return;
      case PLAIN_DICTIONARY:
      case RLE_DICTIONARY: {
        if (dictFor != t) {
          throw new IOException("dictionary-encoded page without a dictionary in " + where(t, page));
        }
        if (avail < 1 && n > 0) {
          throw new IOException("truncated dictionary codes in " + where(t, page));
        }
        int width = n == 0 ? 0 : src[off] & 0xFF;
        if (width > 32) {
          throw new IOException("bad dictionary code width " + width + " in " + where(t, page));
        }
        int[] c = codes;
        if (n > 0) {
          Decoders.hybrid(src, off + 1, end, width, c, n);
        }
        // codes are not range-checked here: every use indexes a dictionary-sized array, so an
        // out-of-range code (possible only in a file without checksums) fails the read instead
        // of producing rows
        if (n > 0 && t.dictCount == 0) {
          throw new IOException("dictionary-encoded values with an empty dictionary in " + where(t, page));
        }
        switch (physical) {
          case BINARY:
          case FIXED_LEN_BYTE_ARRAY:
            dictionaryCoded = true;
            return;
          case INT64:
          case INT96:
            for (int i = 0; i < n; i++) {
              longs[i] = dictLong[c[i]];
            }
            return;
          case INT32:
            for (int i = 0; i < n; i++) {
              ints[i] = dictInt[c[i]];
            }
            return;
          case DOUBLE:
            for (int i = 0; i < n; i++) {
              doubles[i] = dictDouble[c[i]];
            }
            return;
          case FLOAT:
            for (int i = 0; i < n; i++) {
              floats[i] = dictFloat[c[i]];
            }
            return;
          default:
            break;
        }
        break;
      }
      case DELTA_BINARY_PACKED:
        if (physical == PrimitiveTypeName.INT64) {
          Decoders.deltaLongs(src, off, end, longs, n, false, tmp);
          return;
        }
        if (physical == PrimitiveTypeName.INT32) {
          long[] l = longs.length >= n ? longs : (longs = new long[n]);
          Decoders.deltaLongs(src, off, end, l, n, true, tmp);
          for (int i = 0; i < n; i++) {
            ints[i] = (int) l[i];
          }
          return;
        }
        break;
      case RLE:
        if (physical == PrimitiveTypeName.BOOLEAN) {
          if (avail < 4) {
            throw new IOException("truncated RLE booleans in " + where(t, page));
          }
          int len = LittleEndian.getInt(src, off);
          if (len < 0 || len > avail - 4) {
            throw new IOException("bad RLE length " + len + " in " + where(t, page));
          }
          int[] c = codes;
          Decoders.hybrid(src, off + 4, off + 4 + len, 1, c, n);
          for (int i = 0; i < n; i++) {
            bools[i] = (byte) (c[i] != 0 ? 1 : 0);
          }
          return;
        }
        break;
      case BYTE_STREAM_SPLIT: {
        int w = width();
        if (w > 0 && (long) w * n <= avail) {
          byte[] row = new byte[8];
          for (int i = 0; i < n; i++) {
            for (int b = 0; b < w; b++) {
              row[b] = src[off + b * n + i];
            }
            switch (physical) {
              case DOUBLE: doubles[i] = LittleEndian.getDouble(row, 0); break;
              case FLOAT: floats[i] = LittleEndian.getFloat(row, 0); break;
              case INT64: longs[i] = LittleEndian.getLong(row, 0); break;
              case INT32: ints[i] = LittleEndian.getInt(row, 0); break;
              default: break;
            }
          }
          return;
        }
        break;
      }
      default:
        break;
    }
    fallback(src, off, end, n, enc, t, page);
  }

  private int width() {
    switch (physical) {
      case DOUBLE:
      case INT64:
        return 8;
      case FLOAT:
      case INT32:
        return 4;
      default:
        return 0;
    }
  }

  private void plain(byte[] src, int off, int end, int n, PageTable t, int page) throws IOException {
    int avail = end - off;
    switch (physical) {
      case INT64:
        need(8L * n, avail, t, page);
        ByteBuffer.wrap(src, off, 8 * n).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(longs, 0, n);
        return;
      case INT32:
        need(4L * n, avail, t, page);
        ByteBuffer.wrap(src, off, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(ints, 0, n);
        return;
      case DOUBLE:
        need(8L * n, avail, t, page);
        ByteBuffer.wrap(src, off, 8 * n).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(doubles, 0, n);
        return;
      case FLOAT:
        need(4L * n, avail, t, page);
        ByteBuffer.wrap(src, off, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats, 0, n);
        return;
      case BOOLEAN:
        need((n + 7L) / 8, avail, t, page);
        unpackBits(src, off, n, bools);
        return;
      case INT96:
        need(12L * n, avail, t, page);
        for (int i = 0; i < n; i++) {
          long nanos = LittleEndian.getLong(src, off + 12 * i);
          long day = LittleEndian.getInt(src, off + 12 * i + 8) & 0xFFFFFFFFL;
          longs[i] = (day - 2440588L) * 86_400_000_000L + Math.floorDiv(nanos, 1000L);
        }
        return;
      case BINARY: {
        int p = off;
        for (int i = 0; i < n; i++) {
          if (p + 4 > end) {
            throw new IOException("truncated string values in " + where(t, page));
          }
          int len = LittleEndian.getInt(src, p);
          if (len < 0 || p + 4L + len > end) {
            throw new IOException("string length " + len + " runs past " + where(t, page));
          }
          binaries[i] = Arrays.copyOfRange(src, p + 4, p + 4 + len);
          p += 4 + len;
        }
        return;
      }
      case FIXED_LEN_BYTE_ARRAY: {
        int len = descriptor.getPrimitiveType().getTypeLength();
        need((long) len * n, avail, t, page);
        for (int i = 0; i < n; i++) {
          binaries[i] = Arrays.copyOfRange(src, off + i * len, off + (i + 1) * len);
        }
        return;
      }
      default:
        throw new IOException("unsupported physical type " + physical + " in " + where(t, page));
    }
  }

  /** Byte value to eight 0/1 bytes, least significant bit first (little-endian long). */
  private static final long[] BITS_TO_BYTES = new long[256];

  static {
    for (int v = 0; v < 256; v++) {
      long x = 0;
      for (int b = 0; b < 8; b++) {
        x |= (long) ((v >>> b) & 1) << (8 * b);
      }
      BITS_TO_BYTES[v] = x;
    }
  }

  /** Unpacks {@code n} LSB-first bits into 0/1 bytes, eight at a time. */
  static void unpackBits(byte[] src, int off, int n, byte[] dst) {
    int full = n >>> 3;
    for (int k = 0; k < full; k++) {
      LittleEndian.putLong(dst, k << 3, BITS_TO_BYTES[src[off + k] & 0xFF]);
    }
    for (int i = full << 3; i < n; i++) {
      dst[i] = (byte) (src[off + (i >>> 3)] >>> (i & 7) & 1);
    }
  }

  private void need(long bytes, int avail, PageTable t, int page) throws IOException {
    if (bytes > avail) {
      throw new IOException("page values need " + bytes + " bytes, page holds " + avail + " in " + where(t, page));
    }
  }

  /** Any other encoding, through parquet-java's own values readers. */
  private void fallback(byte[] src, int off, int end, int n, int enc, PageTable t, int page) throws IOException {
    org.apache.parquet.format.Encoding known = org.apache.parquet.format.Encoding.findByValue(enc);
    if (known == null) {
      throw new IOException("unknown encoding " + enc + " in " + where(t, page));
    }
    org.apache.parquet.column.Encoding e;
    try {
      e = org.apache.parquet.column.Encoding.valueOf(known.name());
    } catch (IllegalArgumentException ex) {
      throw new IOException("unsupported encoding " + known + " in " + where(t, page));
    }
    ValuesReader r;
    try {
      r = e.getValuesReader(descriptor, ValuesType.VALUES);
    } catch (RuntimeException ex) {
      throw new IOException("unsupported encoding " + e + " for " + physical + " in " + where(t, page));
    }
    r.initFromPage(n, ByteBufferInputStream.wrap(ByteBuffer.wrap(src, off, end - off)));
    for (int i = 0; i < n; i++) {
      switch (physical) {
        case INT64: longs[i] = r.readLong(); break;
        case INT32: ints[i] = r.readInteger(); break;
        case DOUBLE: doubles[i] = r.readDouble(); break;
        case FLOAT: floats[i] = r.readFloat(); break;
        case BOOLEAN: bools[i] = (byte) (r.readBoolean() ? 1 : 0); break;
        default: binaries[i] = r.readBytes().getBytes(); break;
      }
    }
  }

  /** Moves the {@code nonNull} dense values to their row positions (nulls get zero values). */
  private void spread(int nonNull) {
    int j = nonNull - 1;
    boolean[] nl = nulls;
    for (int i = rows - 1; i >= 0; i--) {
      if (nl[i]) {
        switch (physical) {
          case INT64: case INT96: longs[i] = 0; break;
          case INT32: ints[i] = 0; break;
          case DOUBLE: doubles[i] = 0; break;
          case FLOAT: floats[i] = 0; break;
          case BOOLEAN: bools[i] = 0; break;
          default:
            if (dictionaryCoded) {
              codes[i] = 0;
            } else {
              binaries[i] = null;
            }
        }
      } else {
        switch (physical) {
          case INT64: case INT96: longs[i] = longs[j]; break;
          case INT32: ints[i] = ints[j]; break;
          case DOUBLE: doubles[i] = doubles[j]; break;
          case FLOAT: floats[i] = floats[j]; break;
          case BOOLEAN: bools[i] = bools[j]; break;
          default:
            if (dictionaryCoded) {
              codes[i] = codes[j];
            } else {
              binaries[i] = binaries[j];
            }
        }
        j--;
      }
    }
  }

  private void readDictionary(PageTable t) throws IOException {
    int csize = t.dictCompressedSize;
    byte[] c = new byte[csize + SLACK];
    in.copy(t.dictOffset, c, 0, csize);
    if (t.dictHasCrc) {
      crc.reset();
      crc.update(c, 0, csize);
      if ((int) crc.getValue() != t.dictCrc) {
        throw new PageCorruptException("page checksum mismatch in dictionary " + where(t, -1));
      }
    }
    byte[] d;
    int len = t.dictUncompressedSize;
    if (codec != CompressionCodecName.UNCOMPRESSED) {
      d = new byte[len + SLACK];
      decompress(c, 0, csize, d, len, t, -1);
    } else {
      d = c;
      len = csize;
    }
    int n = t.dictCount;
    if (n < 0) {
      throw new IOException("negative dictionary size in " + where(t, -1));
    }
    switch (physical) {
      case BINARY: {
        dictBinary = new byte[n][];
        int p = 0;
        for (int i = 0; i < n; i++) {
          if (p + 4 > len) {
            throw new IOException("truncated dictionary in " + where(t, -1));
          }
          int l = LittleEndian.getInt(d, p);
          if (l < 0 || p + 4L + l > len) {
            throw new IOException("dictionary entry length " + l + " runs past " + where(t, -1));
          }
          dictBinary[i] = Arrays.copyOfRange(d, p + 4, p + 4 + l);
          p += 4 + l;
        }
        break;
      }
      case FIXED_LEN_BYTE_ARRAY: {
        int l = descriptor.getPrimitiveType().getTypeLength();
        if ((long) l * n > len) {
          throw new IOException("truncated dictionary in " + where(t, -1));
        }
        dictBinary = new byte[n][];
        for (int i = 0; i < n; i++) {
          dictBinary[i] = Arrays.copyOfRange(d, i * l, (i + 1) * l);
        }
        break;
      }
      default: {
        // decode as a PLAIN page of n values into the value arrays, then keep a copy
        ensureRows(n);
        plain(d, 0, len, n, t, -1);
        switch (physical) {
          case INT64: case INT96: dictLong = Arrays.copyOf(longs, n); break;
          case INT32: dictInt = Arrays.copyOf(ints, n); break;
          case DOUBLE: dictDouble = Arrays.copyOf(doubles, n); break;
          case FLOAT: dictFloat = Arrays.copyOf(floats, n); break;
          default: throw new IOException("dictionary for " + physical + " in " + where(t, -1));
        }
      }
    }
    dictFor = t;
  }

  private void ensureRows(int n) {
    if (nulls.length >= n) {
      return;
    }
    nulls = new boolean[n];
    switch (physical) {
      case INT64: case INT96: longs = new long[n]; break;
      case INT32: ints = new int[n]; longs = new long[n]; break;
      case DOUBLE: doubles = new double[n]; break;
      case FLOAT: floats = new float[n]; break;
      case BOOLEAN: bools = new byte[n]; break;
      default: binaries = new byte[n][]; break;
    }
    codes = new int[n];
  }

  private static byte[] grow(byte[] b, int n) {
    return b.length >= n ? b : new byte[Math.max(n, b.length + (b.length >> 1))];
  }
}
