package org.optstore.format.serial;

import java.nio.ByteBuffer;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.Schema;

/**
 * The footer: where every region is, the per-block checksums, null counts and zone maps. Parsed
 * only after its CRC32C matched, so everything here (including the zone maps used for pruning) is
 * verified. Immutable after construction; arrays are shared, never changed.
 */
final class SerialFooter {
  static final int FLAG_TIME_SORTED = 1;
  private static final int FIXED = 24;
  private static final int PER_COLUMN = 40;

  final int rowCount;
  final int blockCount;
  final boolean timeSorted;
  final int headerCrc;
  /** Extents: the first row, row count and, per column, the offset of its values. */
  final int[] extentFirstRow;
  final int[] extentRows;
  final long[][] extentOffsets;
  /** Per column: null bitmap offset (-1 when the column has no nulls) and its CRC32C. */
  final long[] bitmapOffset;
  final int[] bitmapCrc;
  /** Per STRING column: dictionary offset (-1 otherwise), entries, UTF-8 bytes, CRC32C. */
  final long[] dictOffset;
  final int[] dictEntries;
  final int[] dictBytes;
  final int[] dictCrc;
  /** [column][block]: CRC32C of the block's values, nulls in the block. */
  final int[][] blockCrc;
  final int[][] nullCount;
  /** [column][block] for zoned columns (null otherwise): min and max of non-null non-NaN values. */
  final long[][] min;
  final long[][] max;
  final int[][] nanCount;

  SerialFooter(int rowCount, int blockCount, boolean timeSorted, int headerCrc,
      int[] extentFirstRow, int[] extentRows, long[][] extentOffsets, long[] bitmapOffset,
      int[] bitmapCrc, long[] dictOffset, int[] dictEntries, int[] dictBytes, int[] dictCrc,
      int[][] blockCrc, int[][] nullCount, long[][] min, long[][] max, int[][] nanCount) {
    this.rowCount = rowCount;
    this.blockCount = blockCount;
    this.timeSorted = timeSorted;
    this.headerCrc = headerCrc;
    this.extentFirstRow = extentFirstRow;
    this.extentRows = extentRows;
    this.extentOffsets = extentOffsets;
    this.bitmapOffset = bitmapOffset;
    this.bitmapCrc = bitmapCrc;
    this.dictOffset = dictOffset;
    this.dictEntries = dictEntries;
    this.dictBytes = dictBytes;
    this.dictCrc = dictCrc;
    this.blockCrc = blockCrc;
    this.nullCount = nullCount;
    this.min = min;
    this.max = max;
    this.nanCount = nanCount;
  }

  static long encodedSize(Schema schema, int extents, int blocks) {
    int n = schema.size();
    long size = FIXED + (long) extents * (16 + 8L * n) + (long) n * PER_COLUMN
        + (long) n * blocks * 8;
    for (int c = 0; c < n; c++) {
      if (SerialLayout.zoned(schema.field(c).type())) {
        size += (long) blocks * 20;
      }
    }
    return size;
  }

  byte[] encode(Schema schema) {
    int n = schema.size();
    int e = extentRows.length;
    ByteBuffer b = ByteBuffer.allocate((int) encodedSize(schema, e, blockCount))
        .order(SerialLayout.ORDER);
    b.putInt(rowCount).putInt(blockCount).putInt(timeSorted ? FLAG_TIME_SORTED : 0)
        .putInt(headerCrc).putInt(e).putInt(n);
    for (int x = 0; x < e; x++) {
      b.putLong(extentFirstRow[x]).putLong(extentRows[x]);
      for (int c = 0; c < n; c++) {
        b.putLong(extentOffsets[x][c]);
      }
    }
    for (int c = 0; c < n; c++) {
      b.putLong(bitmapOffset[c]).putInt(bitmapCrc[c]).putInt(0);
      b.putLong(dictOffset[c]).putInt(dictEntries[c]).putInt(dictBytes[c]).putInt(dictCrc[c])
          .putInt(0);
    }
    for (int c = 0; c < n; c++) {
      for (int k = 0; k < blockCount; k++) {
        b.putInt(blockCrc[c][k]);
      }
    }
    for (int c = 0; c < n; c++) {
      for (int k = 0; k < blockCount; k++) {
        b.putInt(nullCount[c][k]);
      }
    }
    for (int c = 0; c < n; c++) {
      if (min[c] != null) {
        for (int k = 0; k < blockCount; k++) {
          b.putLong(min[c][k]).putLong(max[c][k]);
        }
        for (int k = 0; k < blockCount; k++) {
          b.putInt(nanCount[c][k]);
        }
      }
    }
    return b.array();
  }

  /**
   * Decodes a footer whose CRC32C matched and checks that it is consistent with the header and
   * the file size, so that no later read can reach outside the file.
   */
  static SerialFooter decode(ByteBuffer b, SerialHeader header, long regionsEnd, String file) {
    Schema schema = header.schema();
    int n = schema.size();
    try {
      int rows = b.getInt();
      int blocks = b.getInt();
      int flags = b.getInt();
      int headerCrc = b.getInt();
      int e = b.getInt();
      int cols = b.getInt();
      int br = header.blockRows();
      if (rows < 0 || rows > SerialLayout.MAX_ROWS || blocks != (int) ((rows + (long) br - 1) / br)
          || cols != n || e < 0 || e > blocks || headerCrc != header.crc()
          || b.capacity() != encodedSize(schema, e, blocks)) {
        throw inconsistent(file, rows + " rows, " + blocks + " blocks, " + e + " extents, " + cols
            + " columns, header CRC32C " + SerialLayout.hex(headerCrc) + " (header has "
            + SerialLayout.hex(header.crc()) + ")");
      }
      int[] first = new int[e];
      int[] erows = new int[e];
      long[][] offsets = new long[e][n];
      long expectFirst = 0;
      for (int x = 0; x < e; x++) {
        long f = b.getLong();
        long r = b.getLong();
        if (f != expectFirst || r <= 0 || f + r > rows || f % br != 0) {
          throw inconsistent(file, "extent " + x + " holds rows [" + f + ", " + (f + r) + ")");
        }
        first[x] = (int) f;
        erows[x] = (int) r;
        expectFirst = f + r;
        for (int c = 0; c < n; c++) {
          long off = b.getLong();
          checkRegion(file, "extent " + x + " of column " + c, off,
              r * SerialLayout.width(schema.field(c).type()), regionsEnd);
          offsets[x][c] = off;
        }
      }
      if (expectFirst != rows) {
        throw inconsistent(file, "extents cover " + expectFirst + " of " + rows + " rows");
      }
      long[] bitmapOffset = new long[n];
      int[] bitmapCrc = new int[n];
      long[] dictOffset = new long[n];
      int[] dictEntries = new int[n];
      int[] dictBytes = new int[n];
      int[] dictCrc = new int[n];
      for (int c = 0; c < n; c++) {
        bitmapOffset[c] = b.getLong();
        bitmapCrc[c] = b.getInt();
        b.getInt();
        dictOffset[c] = b.getLong();
        dictEntries[c] = b.getInt();
        dictBytes[c] = b.getInt();
        dictCrc[c] = b.getInt();
        b.getInt();
        if (bitmapOffset[c] != -1) {
          checkRegion(file, "null bitmap of column " + c, bitmapOffset[c], bitmapBytes(rows),
              regionsEnd);
        }
        boolean string = schema.field(c).type() == ColumnType.STRING;
        if (string != (dictOffset[c] != -1) || dictEntries[c] < 0 || dictBytes[c] < 0) {
          throw inconsistent(file, "dictionary of column " + c);
        }
        if (string) {
          checkRegion(file, "dictionary of column " + c, dictOffset[c],
              dictionaryBytes(dictEntries[c], dictBytes[c]), regionsEnd);
        }
      }
      int[][] crcs = new int[n][blocks];
      int[][] nulls = new int[n][blocks];
      for (int c = 0; c < n; c++) {
        for (int k = 0; k < blocks; k++) {
          crcs[c][k] = b.getInt();
        }
      }
      for (int c = 0; c < n; c++) {
        for (int k = 0; k < blocks; k++) {
          nulls[c][k] = b.getInt();
          if (nulls[c][k] < 0 || nulls[c][k] > blockRows(k, rows, br)
              || (nulls[c][k] > 0 && bitmapOffset[c] == -1)) {
            throw inconsistent(file, "null count of column " + c + " in block " + k);
          }
        }
      }
      long[][] min = new long[n][];
      long[][] max = new long[n][];
      int[][] nans = new int[n][];
      for (int c = 0; c < n; c++) {
        if (SerialLayout.zoned(schema.field(c).type())) {
          min[c] = new long[blocks];
          max[c] = new long[blocks];
          nans[c] = new int[blocks];
          for (int k = 0; k < blocks; k++) {
            min[c][k] = b.getLong();
            max[c][k] = b.getLong();
          }
          for (int k = 0; k < blocks; k++) {
            nans[c][k] = b.getInt();
          }
        }
      }
      return new SerialFooter(rows, blocks, (flags & FLAG_TIME_SORTED) != 0, headerCrc, first,
          erows, offsets, bitmapOffset, bitmapCrc, dictOffset, dictEntries, dictBytes, dictCrc,
          crcs, nulls, min, max, nans);
    } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
      throw inconsistent(file, "it ends early");
    }
  }

  private static void checkRegion(String file, String what, long off, long len, long end) {
    if (off < 0 || off % SerialLayout.ALIGN != 0 || len < 0 || off + len > end) {
      throw inconsistent(file, what + " at [" + off + ", " + (off + len) + ") is not an aligned "
          + "region inside the file's first " + end + " bytes");
    }
  }

  private static CorruptDataException inconsistent(String file, String what) {
    return new CorruptDataException("footer of " + file + " passes its checksum but is "
        + "inconsistent (" + what + "); the file is damaged: rebuild it from the raw copy");
  }

  static int blockRows(int block, int rows, int blockRows) {
    return (int) Math.min(blockRows, rows - (long) block * blockRows);
  }

  /** A null bitmap holds whole 64-bit words. */
  static long bitmapBytes(int rows) {
    return ((rows + 63L) >>> 6) << 3;
  }

  /** A dictionary: UTF-8 bytes, zero padding to 8, then (entries + 1) int32 offsets. */
  static long dictionaryBytes(int entries, int utf8Bytes) {
    return ((utf8Bytes + 7L) & -8L) + 4L * (entries + 1);
  }

  int extentOf(int row) {
    int lo = 0;
    int hi = extentFirstRow.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (extentFirstRow[mid] <= row) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The file offset of column {@code c}'s value at {@code row}. */
  long valueOffset(int c, int row, int width) {
    int x = extentOf(row);
    return extentOffsets[x][c] + (long) (row - extentFirstRow[x]) * width;
  }
}
