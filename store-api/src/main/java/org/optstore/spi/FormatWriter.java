package org.optstore.spi;

import org.optstore.Frame;

/**
 * Writes one file of a {@link StorageFormat}, batch by batch, never needing all rows in memory at
 * once. Used by one thread.
 *
 * <p>The engine calls {@link #write} for each batch, then {@link #finish()}, then {@link
 * #close()}. Closing without finishing abandons the file (the engine deletes it).
 */
public interface FormatWriter extends AutoCloseable {

  /**
   * @param batch rows whose schema equals the {@link WriteSpec#schema()}; may be empty
   */
  void write(Frame batch);

  /**
   * Writes whatever remains (footers, indexes) and reports the checksums the manifest keeps.
   *
   * @return the row count and checksums
   */
  WriteSummary finish();

  /** Releases resources. After {@link #finish()} a no-op apart from that. */
  @Override
  void close();
}
