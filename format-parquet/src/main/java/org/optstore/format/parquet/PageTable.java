package org.optstore.format.parquet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;

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
    long row = 0;
    int pos = 0;
    while (pos < length) {
      BufferStream s = new BufferStream(chunk, pos);
      PageHeader h = Util.readPageHeader(s);
      int headerLen = s.pos - pos;
      if (headerCrc != null) {
        headerCrc.update(chunk.slice(pos, headerLen));
      }
      int dataStart = s.pos;
      int csize = h.getCompressed_page_size();
      if (csize < 0 || dataStart + (long) csize > length) {
        throw new IOException("page at offset " + (start + pos) + " claims " + csize
            + " bytes, beyond its column chunk");
      }
      PageType type = h.getType();
      if (type == PageType.DICTIONARY_PAGE) {
        DictionaryPageHeader d = h.getDictionary_page_header();
        t.dictOffset = start + dataStart;
        t.dictCompressedSize = csize;
        t.dictUncompressedSize = h.getUncompressed_page_size();
        t.dictCount = d.getNum_values();
        t.dictHasCrc = h.isSetCrc();
        t.dictCrc = h.getCrc();
      } else if (type == PageType.DATA_PAGE || type == PageType.DATA_PAGE_V2) {
        t.grow();
        int i = t.count++;
        t.dataOffset[i] = start + dataStart;
        t.compressedSize[i] = csize;
        t.uncompressedSize[i] = h.getUncompressed_page_size();
        t.hasCrc[i] = h.isSetCrc();
        t.crc[i] = h.getCrc();
        t.firstRow[i] = row;
        if (type == PageType.DATA_PAGE) {
          DataPageHeader d = h.getData_page_header();
          t.version[i] = V1;
          t.numValues[i] = d.getNum_values();
          t.rows[i] = d.getNum_values();
          t.numNulls[i] = d.isSetStatistics() && d.getStatistics().isSetNull_count()
              ? (int) d.getStatistics().getNull_count() : -1;
          t.encoding[i] = d.getEncoding().getValue();
          t.compressed[i] = true;
        } else {
          DataPageHeaderV2 d = h.getData_page_header_v2();
          t.version[i] = V2;
          t.numValues[i] = d.getNum_values();
          t.rows[i] = d.getNum_rows();
          t.numNulls[i] = d.getNum_nulls();
          t.encoding[i] = d.getEncoding().getValue();
          t.defLevelsLength[i] = d.getDefinition_levels_byte_length();
          t.repLevelsLength[i] = d.getRepetition_levels_byte_length();
          t.compressed[i] = !d.isSetIs_compressed() || d.isIs_compressed();
          if (t.defLevelsLength[i] < 0 || t.repLevelsLength[i] < 0
              || t.defLevelsLength[i] + (long) t.repLevelsLength[i] > csize) {
            throw new IOException("page at offset " + (start + pos) + " has level lengths beyond the page");
          }
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
    return idx >= 0 ? idx : -idx - 2;
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

  /** An input stream over a buffer that reports how far it read. */
  static final class BufferStream extends InputStream {
    private final ByteBuffer buf;
    int pos;

    BufferStream(ByteBuffer buf, int pos) {
      this.buf = buf;
      this.pos = pos;
    }

    @Override
    public int read() {
      if (pos >= buf.limit()) {
        return -1;
      }
      return buf.get(pos++) & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= buf.limit()) {
        return -1;
      }
      int n = Math.min(len, buf.limit() - pos);
      buf.get(pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
