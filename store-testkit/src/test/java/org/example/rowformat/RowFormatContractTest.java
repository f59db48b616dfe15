package org.example.rowformat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSummary;
import org.optstore.testkit.ByteRegion;
import org.optstore.testkit.StorageFormatContract;

/**
 * The contract run by a third party: a format found only through this module's test
 * {@code META-INF/services} entry.
 */
class RowFormatContractTest extends StorageFormatContract {

  @Override
  protected StorageFormat format() {
    return new RowFormat();
  }

  @Override
  protected List<ByteRegion> regions(Path file, WriteSummary summary) {
    try {
      long size = Files.size(file);
      int header = ByteBuffer.wrap(Files.readAllBytes(file), RowFormat.MAGIC.length, 4).getInt();
      return List.of(new ByteRegion("header", 0, header),
          new ByteRegion("rows", header, size - RowFormat.TRAILER - header),
          new ByteRegion("trailer", size - RowFormat.TRAILER, RowFormat.TRAILER));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
