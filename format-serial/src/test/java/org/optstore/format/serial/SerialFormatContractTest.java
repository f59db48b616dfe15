package org.optstore.format.serial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSummary;
import org.optstore.testkit.ByteRegion;
import org.optstore.testkit.StorageFormatContract;

/** The contract on small blocks (64 rows), so that the suite's data spans many of them. */
class SerialFormatContractTest extends StorageFormatContract {

  @Override
  protected StorageFormat format() {
    return new SerialFormat();
  }

  @Override
  protected Map<String, String> writeOptions() {
    return Map.of("block-rows", "64");
  }

  @Override
  protected List<ByteRegion> regions(Path file, WriteSummary summary) {
    try {
      return SerialFiles.regions(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
