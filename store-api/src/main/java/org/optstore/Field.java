package org.optstore;

import java.util.Objects;

/**
 * A named, typed column of a {@link Schema}. Immutable.
 *
 * @param name the column name: not blank, at most 1024 characters, no control characters
 * @param type the column's value type
 */
public record Field(String name, ColumnType type) {
  /** The longest column name accepted. */
  public static final int MAX_NAME_LENGTH = 1024;

  /** Validates the name and type. */
  public Field {
    checkColumnName(name);
    Objects.requireNonNull(type, () -> "column type of '" + name + "' must not be null");
  }

  /**
   * Creates a field.
   *
   * @param name the column name
   * @param type its type
   * @return the field
   */
  public static Field of(String name, ColumnType type) {
    return new Field(name, type);
  }

  static void checkColumnName(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidArgumentException(
          "column name must not be null or blank (got " + (name == null ? "null" : "'" + name + "'")
              + ")");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new InvalidArgumentException("column name of " + name.length()
          + " characters is longer than the limit of " + MAX_NAME_LENGTH + ": '"
          + name.substring(0, 40) + "...'");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new InvalidArgumentException("column name '" + name.replaceAll("\\p{Cntrl}", "?")
            + "' contains a control character at index " + i + "; use printable characters");
      }
    }
  }

  @Override
  public String toString() {
    return name + ":" + type;
  }
}
