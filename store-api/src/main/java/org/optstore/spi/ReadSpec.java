package org.optstore.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How to open a file for reading.
 *
 * @param file the file (read only; never written through)
 * @param checksums the checksums its writer reported, as recorded in the manifest; empty when
 *     unknown (then only the file's own checksums are checked)
 * @param memoryMapping whether the reader may memory-map the file
 * @param description what is read, for messages, e.g. {@code dataset 'ticks' version 3}
 */
public record ReadSpec(Path file, Map<String, String> checksums, boolean memoryMapping,
    String description) {

  /** Checks and copies the parts. */
  public ReadSpec {
    Objects.requireNonNull(file, "file");
    checksums = checksums == null ? Map.of() : Map.copyOf(checksums);
    description = description == null ? file.toString() : description;
  }

  /**
   * @param file a file
   * @return a spec with no recorded checksums and memory mapping on
   */
  public static ReadSpec of(Path file) {
    return new ReadSpec(file, Map.of(), true, file.toString());
  }
}
