package org.optstore;

/**
 * An operation on a store that has been closed, including work that was still queued when it
 * closed.
 */
public class StoreClosedException extends DataStoreException {
  private static final long serialVersionUID = 1L;

  /** @param message what went wrong and what to do */
  public StoreClosedException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and what to do
   * @param cause the underlying failure
   */
  public StoreClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
