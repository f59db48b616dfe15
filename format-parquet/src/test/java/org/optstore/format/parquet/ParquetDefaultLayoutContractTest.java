package org.optstore.format.parquet;

import java.nio.file.Path;
import java.util.List;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSummary;
import org.optstore.testkit.ByteRegion;
import org.optstore.testkit.StorageFormatContract;

/** The contract with the format as the engine finds it: default row groups and pages. */
class ParquetDefaultLayoutContractTest extends StorageFormatContract {

  @Override
  protected StorageFormat format() {
    return new ParquetFormat();
  }

  @Override
  protected List<ByteRegion> regions(Path file, WriteSummary summary) {
    return ParquetFiles.regions(file, summary);
  }
}
