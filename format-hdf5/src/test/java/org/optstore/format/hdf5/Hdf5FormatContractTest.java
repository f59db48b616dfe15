package org.optstore.format.hdf5;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSummary;
import org.optstore.testkit.ByteRegion;
import org.optstore.testkit.StorageFormatContract;

/**
 * The store-testkit contract on the hdf5 format, with chunks of 512 rows so that the suite's
 * few thousand rows span several chunks, and corruption aimed at every HDF5 structure the file
 * holds (see {@link Hdf5Regions}).
 */
class Hdf5FormatContractTest extends StorageFormatContract {

  @Override
  protected StorageFormat format() {
    return new Hdf5Format();
  }

  @Override
  protected Map<String, String> writeOptions() {
    return Map.of("chunk-rows", "512");
  }

  @Override
  protected List<ByteRegion> regions(Path file, WriteSummary summary) {
    return Hdf5Regions.of(file);
  }
}
