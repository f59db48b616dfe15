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

/**
 * The contract with mappings of at most 4 KiB, so that every column is split over many mappings
 * as columns over 2 GiB are: the multi-segment path of every read.
 */
class SerialSmallMappingsContractTest extends StorageFormatContract {

  @Override
  protected StorageFormat format() {
    return new SerialFormat(4096);
  }

  @Override
  protected Map<String, String> writeOptions() {
    return Map.of("block-rows", "128");
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
