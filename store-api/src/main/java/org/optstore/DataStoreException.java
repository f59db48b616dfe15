package org.optstore;

/**
 * The root of every failure a user of optstore can cause or meet. Unchecked.
 *
 * <p>Messages name what was wrong (the dataset, file, key or value) and what to do about it.
 * Subclasses say which kind of failure it is; catch this type to handle them all.
 */
public class DataStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what went wrong, naming the dataset, file or key, and the way out */
  public DataStoreException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, naming the dataset, file or key, and the way out
   * @param cause the underlying failure, kept for diagnosis
   */
  public DataStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
