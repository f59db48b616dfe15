package org.optstore.format.serial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSummary;
import org.optstore.testkit.ByteRegion;
import org.optstore.testkit.StorageFormatContract;

/** The contract with the format as the engine finds it: default blocks, default mappings. */
class SerialDefaultBlocksContractTest extends StorageFormatContract {

  @Override
  protected StorageFormat format() {
    return new SerialFormat();
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
