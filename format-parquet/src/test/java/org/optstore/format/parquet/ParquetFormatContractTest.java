package org.optstore.format.parquet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSummary;
import org.optstore.testkit.ByteRegion;
import org.optstore.testkit.StorageFormatContract;

/** The contract on small row groups (500 rows) and pages (64 rows), so the suite's data spans many. */
class ParquetFormatContractTest extends StorageFormatContract {

  @Override
  protected StorageFormat format() {
    return new ParquetFormat();
  }

  @Override
  protected Map<String, String> writeOptions() {
    return Map.of("row-group-rows", "500", "page-rows", "64");
  }

  @Override
  protected List<ByteRegion> regions(Path file, WriteSummary summary) {
    return ParquetFiles.regions(file, summary);
  }
}
