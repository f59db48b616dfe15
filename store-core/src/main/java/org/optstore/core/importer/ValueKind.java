package org.optstore.core.importer;

import org.optstore.ColumnType;

/**
 * What the values of a column of a CSV or JSON lines file have shown so far. Kinds only widen
 * ({@link #join}), so the kind after the last row is the one the whole file gives, whatever order
 * the rows come in.
 */
enum ValueKind {
  /** Only nulls so far. */
  NONE,
  BOOL,
  INT,
  DECIMAL,
  /** ISO-8601 dates or date-times. */
  TIME,
  /** Anything else: kept as text. */
  TEXT;

  /**
   * @param o another kind
   * @param lenient whether any mix becomes text (CSV, where every value is text) rather than
   *     failing (JSON, whose values are typed, like records)
   * @return the kind of a column holding values of both kinds, or null when they do not mix
   */
  ValueKind join(ValueKind o, boolean lenient) {
    if (this == o || o == NONE) {
      return this;
    }
    if (this == NONE) {
      return o;
    }
    if ((this == INT || this == DECIMAL) && (o == INT || o == DECIMAL)) {
      return DECIMAL; // as pandas does
    }
    if ((this == TIME || this == TEXT) && (o == TIME || o == TEXT)) {
      return TEXT; // strings, some of which looked like times
    }
    return lenient ? TEXT : null;
  }

  /** @return the column type of a column of this kind (only nulls: STRING, as records do) */
  ColumnType type() {
    return switch (this) {
      case BOOL -> ColumnType.BOOL;
      case INT -> ColumnType.INT64;
      case DECIMAL -> ColumnType.FLOAT64;
      case TIME -> ColumnType.TIMESTAMP;
      default -> ColumnType.STRING;
    };
  }

  /** @return a plural noun for messages */
  String label() {
    return switch (this) {
      case NONE -> "nulls";
      case BOOL -> "booleans";
      case INT -> "integers";
      case DECIMAL -> "decimals";
      case TIME -> "ISO-8601 times";
      default -> "strings";
    };
  }
}
