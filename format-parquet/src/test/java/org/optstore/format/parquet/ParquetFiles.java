package org.optstore.format.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.optstore.spi.WriteSummary;
import org.optstore.testkit.ByteRegion;

/** The byte regions of a file this format wrote, for the contract's corruption tests. */
final class ParquetFiles {
  private ParquetFiles() {}

  static List<ByteRegion> regions(Path file, WriteSummary summary) {
    try {
      long len = Files.size(file);
      List<ByteRegion> out = new ArrayList<>();
      out.add(new ByteRegion("leading magic", 0, 4));
      RegionChecksums sums = RegionChecksums.decode(summary.checksums().get(RegionChecksums.KEY));
      try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file),
          ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
        int g = 0;
        for (BlockMetaData b : r.getFooter().getBlocks()) {
          for (ColumnChunkMetaData c : b.getColumns()) {
            out.add(new ByteRegion("row group " + g + " column " + c.getPath().toDotString() + " pages",
                c.getStartingPos(), c.getTotalSize()));
          }
          g++;
        }
      }
      if (len - 8 > sums.tailOffset()) {
        out.add(new ByteRegion("page indexes and footer", sums.tailOffset(), len - 8 - sums.tailOffset()));
      }
      out.add(new ByteRegion("footer length and magic", len - 8, 8));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
