package org.optstore.core.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.TimeRange;
import org.optstore.WriteOptions;
import org.optstore.core.format.FormatRegistry;

/** Runs {@link FileImporter} with a write that collects the batches, as a store would consume them. */
final class Imports {
  static final FormatRegistry REGISTRY = FormatRegistry.load(Imports.class.getClassLoader());

  private Imports() {}

  /** What one import gave: the rows, the kind, how many writes ran, and each batch's size. */
  record Outcome(Frame frame, String kind, int writes, List<Integer> batchRows) {}

  static Outcome run(Path file, WriteOptions options, int batchRows, int sampleRows) {
    return run(REGISTRY, file, options, batchRows, sampleRows);
  }

  static Outcome run(FormatRegistry registry, Path file, WriteOptions options, int batchRows,
      int sampleRows) {
    int[] writes = {0};
    List<Integer> sizes = new ArrayList<>();
    FileImporter importer = new FileImporter(registry, batchRows, sampleRows);
    Object[] kind = new Object[1];
    Frame f = importer.importFile(file, options, (FrameStream batches, String k) -> {
      writes[0]++;
      sizes.clear();
      kind[0] = k;
      try (batches) {
        List<Frame> parts = new ArrayList<>();
        while (batches.hasNext()) {
          Frame b = batches.next();
          sizes.add(b.rowCount());
          parts.add(b);
        }
        return parts.isEmpty() ? Frame.empty(batches.schema()) : Frame.concat(parts);
      }
    });
    return new Outcome(f, (String) kind[0], writes[0], List.copyOf(sizes));
  }

  static Frame read(Path file, WriteOptions options) {
    return run(file, options, 1000, 100).frame();
  }

  static Frame read(Path file) {
    return read(file, WriteOptions.defaults());
  }

  /** Writes a UTF-8 text file into {@code dir}. */
  static Path write(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  /** @return the epoch microseconds of an ISO-8601 instant */
  static long micros(String iso) {
    return TimeRange.toMicros(Instant.parse(iso));
  }
}
