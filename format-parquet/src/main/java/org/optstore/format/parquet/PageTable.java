package org.optstore.format.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** The data pages of one column chunk, from their parsed headers, as parallel primitive arrays. */
final class PageTable {
  static final int V1 = 1;
  static final int V2 = 2;

  int count;
  long[] dataOffset = new long[8]; // first byte after the header
  int[] compressedSize = new int[8];
  int[] uncompressedSize = new int[8];
  int[] numValues = new int[8];
  int[] numNulls = new int[8]; // -1: unknown (V1)
  long[] firstRow = new long[8]; // within the row group
  int[] rows = new int[8];
  int[] encoding = new int[8]; // parquet-format Encoding value
  int[] defLevelsLength = new int[8]; // V2 only
  int[] repLevelsLength = new int[8]; // V2 only
  byte[] version = new byte[8];
  boolean[] compressed = new boolean[8];
  boolean[] hasCrc = new boolean[8];
  int[] crc = new int[8];

  // dictionary page, if any
  long dictOffset = -1;
  int dictCompressedSize;
  int dictUncompressedSize;
  int dictCount;
  boolean dictHasCrc;
  int dictCrc;

  /**
   * Parses every page header of the chunk {@code [start, start+length)}; feeds the header bytes
   * into {@code headerCrc} (may be null).
   */
  static PageTable parse(FileInput in, long start, long length, long rowGroupRows, CRC32C headerCrc)
      throws IOException {
    PageTable t = new PageTable();
    ByteBuffer chunk = in.range(start, (int) length);
    PageHeaderReader h = new PageHeaderReader(chunk, (int) length);
    long row = 0;
    int pos = 0;
    while (pos < length) {
      int dataStart = h.read(pos);
      int headerLen = dataStart - pos;
      if (headerCrc != null) {
        headerCrc.update(chunk.slice(pos, headerLen));
      }
      int csize = h.compressedSize;
      if (dataStart + (long) csize > length) {
        throw new IOException("page at offset " + (start + pos) + " claims " + csize
            + " bytes, beyond its column chunk");
      }
      if (h.type == PageHeaderReader.DICTIONARY_PAGE) {
        t.dictOffset = start + dataStart;
        t.dictCompressedSize = csize;
        t.dictUncompressedSize = h.uncompressedSize;
        t.dictCount = h.numValues;
        t.dictHasCrc = h.hasCrc;
        t.dictCrc = h.crc;
      } else if (h.type == PageHeaderReader.DATA_PAGE || h.type == PageHeaderReader.DATA_PAGE_V2) {
        t.grow();
        int i = t.count++;
        t.dataOffset[i] = start + dataStart;
        t.compressedSize[i] = csize;
        t.uncompressedSize[i] = h.uncompressedSize;
        t.hasCrc[i] = h.hasCrc;
        t.crc[i] = h.crc;
        t.firstRow[i] = row;
        t.numValues[i] = h.numValues;
        t.encoding[i] = h.encoding;
        if (h.type == PageHeaderReader.DATA_PAGE) {
          t.version[i] = V1;
          t.rows[i] = h.numValues;
          t.numNulls[i] = h.numNulls;
          t.compressed[i] = true;
        } else {
          t.version[i] = V2;
          if (h.numRows < 0) {
            throw new IOException("version-2 page at offset " + (start + pos) + " lacks its row count");
          }
          t.rows[i] = h.numRows;
          t.numNulls[i] = h.numNulls;
          t.defLevelsLength[i] = h.defLevelsLength;
          t.repLevelsLength[i] = h.repLevelsLength;
          t.compressed[i] = h.isCompressed;
          if (t.defLevelsLength[i] < 0 || t.repLevelsLength[i] < 0
              || t.defLevelsLength[i] + (long) t.repLevelsLength[i] > csize) {
            throw new IOException("page at offset " + (start + pos) + " has level lengths beyond the page");
          }
        }
        if (t.rows[i] < 0 || t.numValues[i] < 0) {
          throw new IOException("page at offset " + (start + pos) + " has a negative row or value count");
        }
        row += t.rows[i];
      }
      pos = dataStart + csize;
    }
    if (row != rowGroupRows) {
      throw new IOException("column chunk at offset " + start + " holds " + row + " rows, the row group "
          + rowGroupRows);
    }
    return t;
  }

  /** Index of the page holding {@code row} (within the row group). */
  int pageOf(long row) {
    int idx = Arrays.binarySearch(firstRow, 0, count, row);
    idx = idx >= 0 ? idx : -idx - 2;
    // pages of zero rows share their first row with the next page: take the one holding the row
    while (idx + 1 < count && firstRow[idx + 1] <= row) {
      idx++;
    }
    return Math.max(idx, 0);
  }

  private void grow() {
    if (count < dataOffset.length) {
      return;
    }
    int n = count * 2;
    dataOffset = Arrays.copyOf(dataOffset, n);
    compressedSize = Arrays.copyOf(compressedSize, n);
    uncompressedSize = Arrays.copyOf(uncompressedSize, n);
    numValues = Arrays.copyOf(numValues, n);
    numNulls = Arrays.copyOf(numNulls, n);
    firstRow = Arrays.copyOf(firstRow, n);
    rows = Arrays.copyOf(rows, n);
    encoding = Arrays.copyOf(encoding, n);
    defLevelsLength = Arrays.copyOf(defLevelsLength, n);
    repLevelsLength = Arrays.copyOf(repLevelsLength, n);
    version = Arrays.copyOf(version, n);
    compressed = Arrays.copyOf(compressed, n);
    hasCrc = Arrays.copyOf(hasCrc, n);
    crc = Arrays.copyOf(crc, n);
  }
}
