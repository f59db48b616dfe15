package org.optstore;

/**
 * A configuration that cannot work: an unknown key, a value of the wrong type or range, a
 * codec the chosen format lacks, an unwritable base path, a second writer on one base path, or a
 * feature the runtime lacks (such as the JVM options the item store needs).
 */
public class InvalidConfigException extends DataStoreException {
  private static final long serialVersionUID = 1L;

  /** @param message what went wrong and what to do */
  public InvalidConfigException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and what to do
   * @param cause the underlying failure
   */
  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
