package org.optstore.format.hdf5;

import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Map;
import org.optstore.Frame;
import org.optstore.spi.FormatReader;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteSummary;
import org.optstore.spi.WriteTarget;

/** Writes and opens files through the SPI, as the engine does. */
final class Hdf5Files {

  static final Hdf5Format FORMAT = new Hdf5Format();

  private Hdf5Files() {}

  static WriteTarget target(Path path) {
    return new WriteTarget() {
      @Override
      public SeekableByteChannel channel() {
        throw new AssertionError("hdf5 writes to a path");
      }

      @Override
      public Path path() {
        return path;
      }

      @Override
      public String description() {
        return "test file " + path.getFileName();
      }
    };
  }

  /** Writes the frame in batches of {@code batchRows} with chunks of {@code chunkRows}. */
  static WriteSummary write(Path path, Frame frame, int batchRows, int chunkRows, String codec) {
    WriteSpec spec = new WriteSpec(frame.schema(), codec, frame.rowCount(), "dataset 'test'",
        Map.of("chunk-rows", Integer.toString(chunkRows)));
    try (FormatWriter w = FORMAT.createWriter(target(path), spec)) {
      if (frame.rowCount() == 0) {
        w.write(frame);
      }
      for (int from = 0; from < frame.rowCount(); from += batchRows) {
        w.write(frame.slice(from, Math.min(frame.rowCount(), from + batchRows)));
      }
      return w.finish();
    }
  }

  static FormatReader open(Path path, WriteSummary summary) {
    return FORMAT.openReader(new ReadSpec(path, summary.checksums(), false, "dataset 'test'"));
  }
}
