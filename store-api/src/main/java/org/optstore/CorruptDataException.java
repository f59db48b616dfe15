package org.optstore;

/**
 * Bytes on disk that fail their checksum, are truncated, or are not what they claim to be. The
 * message names the file and, where known, the region. optstore never returns rows from bytes it
 * could not verify.
 */
public class CorruptDataException extends DataStoreException {
  private static final long serialVersionUID = 1L;

  /** @param message what went wrong and what to do */
  public CorruptDataException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and what to do
   * @param cause the underlying failure
   */
  public CorruptDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
