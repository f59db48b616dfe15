package org.optstore;

/**
 * A storage format that is not on the classpath or cannot run here (for example natives that do
 * not load). The message lists the formats that are available.
 */
public class FormatUnavailableException extends DataStoreException {
  private static final long serialVersionUID = 1L;

  /** @param message what went wrong and what to do */
  public FormatUnavailableException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and what to do
   * @param cause the underlying failure
   */
  public FormatUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
