package org.optstore;

/**
 * An argument that is invalid in itself, independent of any dataset: a null or blank name, a time
 * range whose end precedes its start, a negative limit, a selection out of bounds, columns of
 * different lengths.
 */
public class InvalidArgumentException extends DataStoreException {
  private static final long serialVersionUID = 1L;

  /** @param message what went wrong and what to do */
  public InvalidArgumentException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and what to do
   * @param cause the underlying failure
   */
  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
