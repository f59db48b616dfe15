package org.optstore.format.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads Parquet page headers (Thrift compact protocol) straight from a buffer. parquet-java's own
 * reader builds objects and formats validation messages per header; opening a file of thousands
 * of pages spends most of its time there. Unknown fields are skipped, as Thrift requires.
 */
final class PageHeaderReader {
  static final int DATA_PAGE = 0;
  static final int INDEX_PAGE = 1;
  static final int DICTIONARY_PAGE = 2;
  static final int DATA_PAGE_V2 = 3;

  private static final int T_STOP = 0;
  private static final int T_TRUE = 1;
  private static final int T_FALSE = 2;
  private static final int T_BYTE = 3;
  private static final int T_I16 = 4;
  private static final int T_I32 = 5;
  private static final int T_I64 = 6;
  private static final int T_DOUBLE = 7;
  private static final int T_BINARY = 8;
  private static final int T_LIST = 9;
  private static final int T_SET = 10;
  private static final int T_MAP = 11;
  private static final int T_STRUCT = 12;

  private final ByteBuffer buf;
  private final int limit;
  private int pos;
  /** A heap copy of the bytes being parsed: reading a mapped buffer byte by byte is slow. */
  private byte[] window = new byte[256];
  private int windowStart;
  private int windowEnd;

  // the last header read
  int type;
  int uncompressedSize;
  int compressedSize;
  boolean hasCrc;
  int crc;
  int numValues;
  int numNulls; // -1 unknown
  int numRows; // -1 unknown
  int encoding;
  int defLevelsLength;
  int repLevelsLength;
  boolean isCompressed;
  private boolean hasType;
  private boolean hasSizes;

  PageHeaderReader(ByteBuffer buf, int limit) {
    this.buf = buf;
    this.limit = limit;
  }

  /** Reads the header at {@code at}; returns the position after it. */
  int read(int at) throws IOException {
    if (at < windowStart || at + 64 > windowEnd) {
      fill(at);
    }
    pos = at;
    type = -1;
    uncompressedSize = -1;
    compressedSize = -1;
    hasCrc = false;
    crc = 0;
    numValues = -1;
    numNulls = -1;
    numRows = -1;
    encoding = -1;
    defLevelsLength = 0;
    repLevelsLength = 0;
    isCompressed = true;
    hasType = false;
    hasSizes = false;
    int sizesSeen = 0;
    int last = 0;
    while (true) {
      int h = u8();
      if (h == T_STOP) {
        break;
      }
      int t = h & 0x0F;
      int id = fieldId(h, last);
      last = id;
      switch (id) {
        case 1: type = i32(t); hasType = true; break;
        case 2: uncompressedSize = i32(t); sizesSeen++; break;
        case 3: compressedSize = i32(t); sizesSeen++; break;
        case 4: crc = i32(t); hasCrc = true; break;
        case 5: expect(t, T_STRUCT); dataPageHeader(); break;
        case 7: expect(t, T_STRUCT); dictionaryPageHeader(); break;
        case 8: expect(t, T_STRUCT); dataPageHeaderV2(); break;
        default: skip(t, 0); break;
      }
    }
    hasSizes = sizesSeen == 2;
    if (!hasType || !hasSizes || compressedSize < 0 || uncompressedSize < 0) {
      throw new IOException("page header at " + at + " lacks its type or sizes");
    }
    if ((type == DATA_PAGE || type == DATA_PAGE_V2 || type == DICTIONARY_PAGE) && numValues < 0) {
      throw new IOException("page header at " + at + " lacks its value count");
    }
    return pos;
  }

  private void dataPageHeader() throws IOException {
    int last = 0;
    while (true) {
      int h = u8();
      if (h == T_STOP) {
        return;
      }
      int t = h & 0x0F;
      int id = fieldId(h, last);
      last = id;
      switch (id) {
        case 1: numValues = i32(t); break;
        case 2: encoding = i32(t); break;
        case 5: expect(t, T_STRUCT); statistics(); break;
        default: skip(t, 0); break;
      }
    }
  }

  private void statistics() throws IOException {
    int last = 0;
    while (true) {
      int h = u8();
      if (h == T_STOP) {
        return;
      }
      int t = h & 0x0F;
      int id = fieldId(h, last);
      last = id;
      if (id == 3 && t == T_I64) {
        long n = zigzag(varint());
        numNulls = n < 0 || n > Integer.MAX_VALUE ? -1 : (int) n;
      } else {
        skip(t, 0);
      }
    }
  }

  private void dictionaryPageHeader() throws IOException {
    int last = 0;
    while (true) {
      int h = u8();
      if (h == T_STOP) {
        return;
      }
      int t = h & 0x0F;
      int id = fieldId(h, last);
      last = id;
      switch (id) {
        case 1: numValues = i32(t); break;
        case 2: encoding = i32(t); break;
        default: skip(t, 0); break;
      }
    }
  }

  private void dataPageHeaderV2() throws IOException {
    int last = 0;
    while (true) {
      int h = u8();
      if (h == T_STOP) {
        return;
      }
      int t = h & 0x0F;
      int id = fieldId(h, last);
      last = id;
      switch (id) {
        case 1: numValues = i32(t); break;
        case 2: numNulls = i32(t); break;
        case 3: numRows = i32(t); break;
        case 4: encoding = i32(t); break;
        case 5: defLevelsLength = i32(t); break;
        case 6: repLevelsLength = i32(t); break;
        case 7:
          if (t != T_TRUE && t != T_FALSE) {
            throw new IOException("is_compressed is not a boolean at " + pos);
          }
          isCompressed = t == T_TRUE;
          break;
        default: skip(t, 0); break;
      }
    }
  }

  private int fieldId(int header, int last) throws IOException {
    int delta = header >>> 4;
    if (delta != 0) {
      return last + delta;
    }
    return (int) zigzag(varint());
  }

  private static void expect(int t, int want) throws IOException {
    if (t != want) {
      throw new IOException("unexpected Thrift type " + t + " (wanted " + want + ") in a page header");
    }
  }

  private int i32(int t) throws IOException {
    if (t != T_I32) {
      throw new IOException("unexpected Thrift type " + t + " for an i32 field in a page header");
    }
    long v = zigzag(varint());
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IOException("i32 field out of range in a page header: " + v);
    }
    return (int) v;
  }

  private void skip(int t, int depth) throws IOException {
    if (depth > 32) {
      throw new IOException("page header nests too deeply");
    }
    switch (t) {
      case T_TRUE:
      case T_FALSE:
        return;
      case T_BYTE:
        u8();
        return;
      case T_I16:
      case T_I32:
      case T_I64:
        varint();
        return;
      case T_DOUBLE:
        advance(8);
        return;
      case T_BINARY:
        advance(length());
        return;
      case T_LIST:
      case T_SET: {
        int h = u8();
        long size = h >>> 4;
        if (size == 15) {
          size = varint();
        }
        int et = h & 0x0F;
        for (long i = 0; i < size; i++) {
          if (et == T_TRUE || et == T_FALSE) {
            u8();
          } else {
            skip(et, depth + 1);
          }
        }
        return;
      }
      case T_MAP: {
        long size = varint();
        if (size == 0) {
          return;
        }
        int kv = u8();
        for (long i = 0; i < size; i++) {
          skip(kv >>> 4, depth + 1);
          skip(kv & 0x0F, depth + 1);
        }
        return;
      }
      case T_STRUCT: {
        int last = 0;
        while (true) {
          int h = u8();
          if (h == T_STOP) {
            return;
          }
          last = fieldId(h, last);
          skip(h & 0x0F, depth + 1);
        }
      }
      default:
        throw new IOException("unknown Thrift type " + t + " in a page header");
    }
  }

  private int length() throws IOException {
    long n = varint();
    if (n < 0 || n > limit - pos) {
      throw new IOException("Thrift binary of " + n + " bytes runs past its buffer");
    }
    return (int) n;
  }

  private void advance(int n) throws IOException {
    if (n > limit - pos) {
      throw new IOException("page header runs past its column chunk");
    }
    pos += n;
  }

  private int u8() throws IOException {
    if (pos >= limit) {
      throw new IOException("page header runs past its column chunk");
    }
    if (pos >= windowEnd) {
      fill(pos);
    }
    return window[pos++ - windowStart] & 0xFF;
  }

  private void fill(int at) {
    int n = Math.min(window.length, limit - at);
    buf.get(at, window, 0, n);
    windowStart = at;
    windowEnd = at + n;
  }

  private long varint() throws IOException {
    long v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int b = u8();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException("varint too long in a page header");
  }

  private static long zigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }
}
