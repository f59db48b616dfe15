package org.optstore.format.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.lang.ref.SoftReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.hadoop.metadata.IndexReference;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.MessageType;
import org.optstore.DataStoreException;

/**
 * An opened Parquet file: footer, column mapping, and per row group the page tables and page
 * statistics of its columns, built on first use. Opened once per file (checksums verified
 * first), then shared by any number of concurrent reads.
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
  private final FileIntegrity.Record integrity;

  /**
   * One row group. Its page tables and page statistics are built the first time a read needs
   * them (a pruned row group is never parsed) and then kept.
   */
  static final class RowGroup {
    final int ordinal;
    long firstRow;
    int rows;
    final ColumnChunkMetaData[] chunks;
    final CompressionCodecName[] codecs;
    private final PageTable[] pages;
    private final PageStats[] stats;

    RowGroup(int ordinal, int columns) {
      this.ordinal = ordinal;
      chunks = new ColumnChunkMetaData[columns];
      codecs = new CompressionCodecName[columns];
      pages = new PageTable[columns];
      stats = new PageStats[columns];
    }
  }

  /** Thrown for a file whose structure or checksums are wrong; carries the region at fault. */
  static final class CorruptFile extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptFile(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private ParquetFileIndex(FileInput in, ParquetMetadata footer, List<ColumnMapping> mappings, RowGroup[] groups,
      RegionChecksums checksums, FileIntegrity.Record integrity) {
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
    this.integrity = integrity;
  }

  /**
   * Opens {@code path}: with {@code expected} non-null the recorded tail checksum is verified
   * first; the file's own integrity record (if it has one) is verified before the footer is parsed.
   * Page headers are parsed, and checked against the record, when a read first needs them.
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
      long[] digest = new long[1];
      FileIntegrity.Record integrity = FileIntegrity.verify(in, digest);
      MetadataKey key = MetadataKey.of(path, len, digest[0]);
      Parsed parsed = key == null ? null : PARSED.get(key) == null ? null : PARSED.get(key).get();
      if (parsed == null) {
        parsed = parse(in, path, len, integrity);
        if (key != null) {
          if (PARSED.size() >= 64) {
            PARSED.entrySet().removeIf(e -> e.getValue().get() == null);
          }
          if (PARSED.size() < 64) {
            PARSED.put(key, new SoftReference<>(parsed));
          }
        }
      }
      return new ParquetFileIndex(in, parsed.footer, parsed.mappings, parsed.groups, parsed.checksums, integrity);
    } catch (IOException | ColumnMapping.Unsupported | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** What parsing a footer gives; shared by the readers of one unchanged file. */
  private record Parsed(ParquetMetadata footer, List<ColumnMapping> mappings, RowGroup[] groups,
      RegionChecksums checksums) {}

  /**
   * A file's identity, size, modification time and footer checksum: two opens with the same key
   * see the same verified footer, so they share its parsed form and the row groups' page tables.
   */
  private record MetadataKey(Path path, Object fileKey, long size, long modified, long footerCrc) {
    static MetadataKey of(Path path, long size, long footerCrc) {
      try {
        java.nio.file.attribute.BasicFileAttributes a =
            java.nio.file.Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
        if (a.fileKey() == null || a.size() != size) {
          return null;
        }
        long modified = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        return new MetadataKey(path.toAbsolutePath().normalize(), a.fileKey(), size, modified, footerCrc);
      } catch (IOException e) {
        return null;
      }
    }
  }

  private static final Map<MetadataKey, SoftReference<Parsed>> PARSED = new ConcurrentHashMap<>();

  private static Parsed parse(FileInput in, Path path, long len, FileIntegrity.Record integrity)
      throws IOException, ColumnMapping.Unsupported {
    ParquetMetadata footer;
    try (ParquetFileReader reader =
        ParquetFileReader.open(in, ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      footer = reader.getFooter();
    } catch (DataStoreException e) {
      throw e; // an interrupted read
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
      int nc = descriptors.size();
      if (integrity != null && integrity.headerCrcs().length != (long) groups.length * nc) {
        throw new CorruptFile("the integrity record of " + path + " lists " + integrity.headerCrcs().length
            + " column chunks, the footer " + ((long) groups.length * nc), null);
      }
      long firstRow = 0;
      long tail = 4;
      for (int g = 0; g < groups.length; g++) {
        BlockMetaData b = blocks.get(g);
        RowGroup rg = new RowGroup(g, nc);
        rg.firstRow = firstRow;
        if (b.getRowCount() > Integer.MAX_VALUE || b.getRowCount() < 0) {
          throw new CorruptFile("row group " + g + " of " + path + " claims " + b.getRowCount() + " rows", null);
        }
        rg.rows = (int) b.getRowCount();
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
          rg.chunks[c] = m;
          rg.codecs[c] = m.getCodec();
        }
        firstRow += rg.rows;
        groups[g] = rg;
      }
      if (integrity != null && integrity.indexesOffset() != tail) {
        throw new CorruptFile("the page indexes of " + path + " should start at " + integrity.indexesOffset()
            + ", its column chunks end at " + tail, null);
      }
      int tailCrc = crc32c(in, tail, len - tail);
      return new Parsed(footer, mappings, groups, new RegionChecksums(len, tail, tailCrc));
    } catch (CorruptFile | ColumnMapping.Unsupported | DataStoreException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CorruptFile("malformed metadata in " + path + ": " + e.getMessage(), e);
    }
  }

  /** The pages of column {@code c} in row group {@code g}, parsed and checked on first use. */
  PageTable pages(int g, int c) throws IOException {
    RowGroup rg = groups[g];
    synchronized (rg) {
      PageTable t = rg.pages[c];
      if (t == null) {
        ColumnChunkMetaData m = rg.chunks[c];
        CRC32C crc = integrity == null ? null : new CRC32C();
        try {
          t = PageTable.parse(in, m.getStartingPos(), m.getTotalSize(), rg.rows, crc);
        } catch (CorruptFile | DataStoreException e) {
          throw e; // damage already named, or an interrupted read
        } catch (IOException | RuntimeException e) {
          throw new CorruptFile("malformed pages of column '" + mappings.get(c).name + "' in row group " + g
              + " of " + in.path() + ": " + e.getMessage(), e);
        }
        if (crc != null && (int) crc.getValue() != integrity.headerCrcs()[g * descriptors.size() + c]) {
          throw new CorruptFile("checksum mismatch in the page headers of column '" + mappings.get(c).name
              + "' in row group " + g + " of " + in.path(), null);
        }
        rg.pages[c] = t;
      }
      return t;
    }
  }

  /** Page statistics of column {@code c} in row group {@code g} (chunk statistics without an index). */
  PageStats stats(int g, int c) throws IOException {
    RowGroup rg = groups[g];
    synchronized (rg) {
      PageStats s = rg.stats[c];
      if (s == null) {
        ColumnChunkMetaData m = rg.chunks[c];
        ColumnMapping mapping = mappings.get(c);
        PrimitiveTypeName physical = descriptors.get(c).getPrimitiveType().getPrimitiveTypeName();
        try {
          IndexReference ci = m.getColumnIndexReference();
          IndexReference oi = m.getOffsetIndexReference();
          if (ci != null && oi != null) {
            ColumnIndex columnIndex = ParquetMetadataConverter.fromParquetColumnIndex(
                descriptors.get(c).getPrimitiveType(), Util.readColumnIndex(stream(ci)));
            OffsetIndex offsetIndex =
                ParquetMetadataConverter.fromParquetOffsetIndex(Util.readOffsetIndex(stream(oi)));
            if (columnIndex != null) {
              s = PageStats.fromIndex(columnIndex, offsetIndex, mapping, physical);
            }
          }
        } catch (DataStoreException e) {
          throw e; // an interrupted read
        } catch (IOException | RuntimeException e) {
          throw new CorruptFile("malformed page index of column '" + mapping.name + "' in row group " + g + " of "
              + in.path() + ": " + e.getMessage(), e);
        }
        if (s == null) {
          s = PageStats.fromChunk(m.getStatistics(), rg.rows, mapping, physical);
        }
        rg.stats[c] = s;
      }
      return s;
    }
  }

  private java.io.InputStream stream(IndexReference ref) throws IOException {
    if (ref.getLength() < 0 || ref.getOffset() < 0 || ref.getOffset() + ref.getLength() > in.getLength()) {
      throw new IOException("index at " + ref.getOffset() + " of " + ref.getLength() + " bytes lies outside the file");
    }
    byte[] b = new byte[ref.getLength()];
    in.copy(ref.getOffset(), b, 0, b.length);
    return new java.io.ByteArrayInputStream(b);
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
