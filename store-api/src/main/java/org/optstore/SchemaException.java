package org.optstore;

/**
 * Data or a query that does not fit a schema: an unknown column, a literal of the wrong type for
 * its column, duplicate column names, a null in the time column, a time range on a dataset without
 * a time column, or a foreign file whose column types optstore cannot represent.
 */
public class SchemaException extends DataStoreException {
  private static final long serialVersionUID = 1L;

  /** @param message what went wrong and what to do */
  public SchemaException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and what to do
   * @param cause the underlying failure
   */
  public SchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
