package org.optstore.spi;

import java.util.Map;

/**
 * What a finished {@link FormatWriter} reports.
 *
 * @param rowCount the rows written
 * @param checksums named checksums (e.g. {@code footer.crc32c} to a hex value) that the engine
 *     stores in the manifest and hands back to {@link StorageFormat#openReader} through {@link
 *     ReadSpec#checksums()}; they should cover every metadata region that can change a result
 */
public record WriteSummary(long rowCount, Map<String, String> checksums) {

  /** Copies the checksums. */
  public WriteSummary {
    checksums = checksums == null ? Map.of() : Map.copyOf(checksums);
  }
}
