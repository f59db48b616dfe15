package org.optstore;

/**
 * A dataset name that the store does not hold (never written, or deleted). The message lists
 * some of the names the store does hold.
 */
public class DatasetNotFoundException extends DataStoreException {
  private static final long serialVersionUID = 1L;

  /** @param message what went wrong and what to do */
  public DatasetNotFoundException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and what to do
   * @param cause the underlying failure
   */
  public DatasetNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
