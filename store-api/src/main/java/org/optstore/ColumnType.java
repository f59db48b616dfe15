package org.optstore;

/**
 * The value types a column can hold. Every column is nullable.
 *
 * <p>The column class that holds each type: {@link LongColumn} for {@link #TIMESTAMP} and
 * {@link #INT64}, {@link IntColumn} for {@link #INT32}, {@link DoubleColumn} for {@link #FLOAT64},
 * {@link FloatColumn} for {@link #FLOAT32}, {@link BoolColumn} for {@link #BOOL} and
 * {@link StringColumn} for {@link #STRING}.
 */
public enum ColumnType {
  /** An instant as a signed 64-bit count of microseconds since 1970-01-01T00:00:00Z (UTC). */
  TIMESTAMP,
  /** A signed 64-bit integer. */
  INT64,
  /** A signed 32-bit integer. */
  INT32,
  /** An IEEE 754 double; NaN is a value, not a null. */
  FLOAT64,
  /** An IEEE 754 float; NaN is a value, not a null. */
  FLOAT32,
  /** A boolean. */
  BOOL,
  /** A Unicode string, stored as UTF-8 and held as dictionary codes plus a dictionary. */
  STRING;

  /** @return true for the types compared as numbers (integers and floating point, not timestamps) */
  public boolean isNumeric() {
    return this == INT64 || this == INT32 || this == FLOAT64 || this == FLOAT32;
  }

  /** @return true for the types held in a {@link LongColumn} or {@link IntColumn} */
  public boolean isIntegral() {
    return this == INT64 || this == INT32 || this == TIMESTAMP;
  }

  /** @return true for {@link #FLOAT64} and {@link #FLOAT32} */
  public boolean isFloatingPoint() {
    return this == FLOAT64 || this == FLOAT32;
  }

  /** @return the number of bytes one value takes in a fixed-width layout; 4 for a string's code */
  public int byteWidth() {
    switch (this) {
      case TIMESTAMP:
      case INT64:
      case FLOAT64:
        return 8;
      case INT32:
      case FLOAT32:
      case STRING:
        return 4;
      case BOOL:
        return 1;
      default:
        throw new AssertionError(this);
    }
  }
}
