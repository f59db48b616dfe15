package org.optstore.format.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.schema.MessageType;

/**
 * An opened Parquet file: footer, column mapping, and per row group the page table and page
 * statistics of every column. Built once per file (checksums verified first), then shared by
 * any number of concurrent reads.
 */
final class ParquetFileIndex implements AutoCloseable {
  final FileInput in;
  final MessageType schema;
  final List<ColumnDescriptor> descriptors;
  final List<ColumnMapping> mappings;
  final Map<String, String> keyValue;
  final RowGroup[] groups;
  final long rows;
  /** Checksums computed while opening (what a writer reports for its manifest). */
  final RegionChecksums checksums;

  static final class RowGroup {
    long firstRow;
    int rows;
    PageTable[] pages;
    PageStats[] stats;
    CompressionCodecName[] codecs;
  }

  /** Thrown for a file whose structure or checksums are wrong; carries the region at fault. */
  static final class CorruptFile extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptFile(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private ParquetFileIndex(FileInput in, ParquetMetadata footer, List<ColumnMapping> mappings, RowGroup[] groups,
      RegionChecksums checksums) {
    this.in = in;
    this.schema = footer.getFileMetaData().getSchema();
    this.descriptors = schema.getColumns();
    this.mappings = mappings;
    this.keyValue = footer.getFileMetaData().getKeyValueMetaData();
    this.groups = groups;
    long r = 0;
    for (RowGroup g : groups) {
      r += g.rows;
    }
    this.rows = r;
    this.checksums = checksums;
  }

  /**
   * Opens {@code path}; with {@code expected} non-null, the tail and page-header checksums are
   * verified before the footer, indexes or headers are used.
   */
  static ParquetFileIndex open(Path path, boolean memoryMap, RegionChecksums expected)
      throws IOException, ColumnMapping.Unsupported {
    FileInput in = new FileInput(path, memoryMap);
    try {
      long len = in.getLength();
      if (len < 12) {
        throw new CorruptFile(path + " is not a parquet file: it is " + len + " bytes, too short for one"
            + " (truncated?)", null);
      }
      if (expected != null) {
        if (expected.length() != len) {
          throw new CorruptFile(path + " is " + len + " bytes, the manifest recorded " + expected.length()
              + " (truncated or replaced)", null);
        }
        if (expected.tailOffset() < 4 || expected.tailOffset() >= len) {
          throw new CorruptFile("recorded footer offset " + expected.tailOffset() + " is outside " + path, null);
        }
        int crc = crc32c(in, expected.tailOffset(), len - expected.tailOffset());
        if (crc != expected.tailCrc()) {
          throw new CorruptFile("checksum mismatch in the footer / page index region [" + expected.tailOffset()
              + ", " + len + ") of " + path, null);
        }
      }
      FileIntegrity.Record integrity = FileIntegrity.verify(in);
      ParquetMetadata footer;
      ParquetFileReader reader;
      try {
        reader = ParquetFileReader.open(in, ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
        footer = reader.getFooter();
      } catch (IOException | RuntimeException e) {
        throw new CorruptFile(path + " is not a readable parquet file: its footer does not parse (" + e.getMessage()
            + ")", e);
      }
      try {
        if (integrity == null) {
          for (String key : footer.getFileMetaData().getKeyValueMetaData().keySet()) {
            if (key.startsWith("optstore.")) {
              throw new CorruptFile("the footer of " + path + " has optstore metadata but no integrity record"
                  + " (damaged)", null);
            }
          }
        }
        List<ColumnMapping> mappings = ColumnMapping.of(footer.getFileMetaData().getSchema());
        List<ColumnDescriptor> descriptors = footer.getFileMetaData().getSchema().getColumns();
        List<BlockMetaData> blocks = footer.getBlocks();
        RowGroup[] groups = new RowGroup[blocks.size()];
        CRC32C headerCrc = new CRC32C();
        long firstRow = 0;
        long tail = 4;
        for (int g = 0; g < groups.length; g++) {
          BlockMetaData b = blocks.get(g);
          RowGroup rg = new RowGroup();
          rg.firstRow = firstRow;
          if (b.getRowCount() > Integer.MAX_VALUE) {
            throw new CorruptFile("row group " + g + " of " + path + " claims " + b.getRowCount() + " rows", null);
          }
          rg.rows = (int) b.getRowCount();
          int nc = descriptors.size();
          rg.pages = new PageTable[nc];
          rg.stats = new PageStats[nc];
          rg.codecs = new CompressionCodecName[nc];
          List<ColumnChunkMetaData> chunks = b.getColumns();
          if (chunks.size() != nc) {
            throw new CorruptFile("row group " + g + " of " + path + " has " + chunks.size() + " columns, schema "
                + nc, null);
          }
          for (int c = 0; c < nc; c++) {
            ColumnChunkMetaData m = chunks.get(c);
            long start = m.getStartingPos();
            long size = m.getTotalSize();
            if (start < 4 || size < 0 || size > Integer.MAX_VALUE || start + size > len) {
              throw new CorruptFile("column chunk '" + mappings.get(c).name + "' of row group " + g
                  + " lies outside " + path + " [" + start + ", " + (start + size) + ")", null);
            }
            tail = Math.max(tail, start + size);
            rg.codecs[c] = m.getCodec();
            rg.pages[c] = PageTable.parse(in, start, size, rg.rows, headerCrc);
            ColumnIndex ci = null;
            if (m.getColumnIndexReference() != null) {
              ci = reader.readColumnIndex(m);
            }
            PageStats st = ci == null ? null
                : PageStats.fromIndex(ci, rg.pages[c], mappings.get(c), descriptors.get(c).getPrimitiveType()
                    .getPrimitiveTypeName());
            if (st == null) {
              st = PageStats.fromChunk(m.getStatistics(), rg.rows, mappings.get(c),
                  descriptors.get(c).getPrimitiveType().getPrimitiveTypeName());
            }
            rg.stats[c] = st;
          }
          firstRow += rg.rows;
          groups[g] = rg;
        }
        int tailCrc = crc32c(in, tail, len - tail);
        RegionChecksums actual = new RegionChecksums(len, tail, tailCrc, (int) headerCrc.getValue());
        if ((expected != null && actual.headersCrc() != expected.headersCrc())
            || (integrity != null && actual.headersCrc() != integrity.headersCrc())) {
          throw new CorruptFile("checksum mismatch in the page headers of " + path, null);
        }
        if (integrity != null && integrity.indexesOffset() != tail) {
          throw new CorruptFile("the page indexes of " + path + " should start at " + integrity.indexesOffset()
              + ", its column chunks end at " + tail, null);
        }
        reader.close();
        return new ParquetFileIndex(in, footer, mappings, groups, actual);
      } catch (CorruptFile | ColumnMapping.Unsupported e) {
        reader.close();
        throw e;
      } catch (IOException | RuntimeException e) {
        reader.close();
        throw new CorruptFile("malformed page structure in " + path + ": " + e.getMessage(), e);
      }
    } catch (IOException | ColumnMapping.Unsupported | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  static int crc32c(FileInput in, long offset, long length) throws IOException {
    CRC32C crc = new CRC32C();
    long done = 0;
    while (done < length) {
      int n = (int) Math.min(1 << 24, length - done);
      ByteBuffer b = in.range(offset + done, n);
      crc.update(b);
      done += n;
    }
    return (int) crc.getValue();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
