package org.optstore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The ordered, named, typed columns of a dataset or frame, and its optional time column. Immutable
 * and thread-safe.
 *
 * <p><b>The time column rule.</b> A schema has at most one time column, always of type {@link
 * ColumnType#TIMESTAMP}. {@link #of(List)} picks it as DESIGN.md says: a TIMESTAMP column named
 * {@code timestamp}, else the only TIMESTAMP column, else none. {@link #of(List, String)} names it
 * explicitly (the name must be a TIMESTAMP column), and {@link #withoutTimeColumn(List)} has none.
 * Column names are unique (case-sensitive).
 */
public final class Schema {
  /** The name that marks a TIMESTAMP column as the time column when no other rule applies. */
  public static final String DEFAULT_TIME_COLUMN = "timestamp";

  private final List<Field> fields;
  private final Map<String, Integer> index;
  private final String timeColumn;

  private Schema(List<Field> fields, String timeColumn) {
    this.fields = List.copyOf(fields);
    Map<String, Integer> idx = new HashMap<>();
    for (int i = 0; i < this.fields.size(); i++) {
      Field f = this.fields.get(i);
      if (idx.putIfAbsent(f.name(), i) != null) {
        throw new SchemaException("duplicate column name '" + f.name() + "' in schema " + this.fields
            + "; column names must be unique");
      }
    }
    this.index = Map.copyOf(idx);
    if (timeColumn != null) {
      Integer i = idx.get(timeColumn);
      if (i == null) {
        throw new SchemaException("time column '" + timeColumn + "' is not a column of " + this.fields);
      }
      if (this.fields.get(i).type() != ColumnType.TIMESTAMP) {
        throw new SchemaException("time column '" + timeColumn + "' has type "
            + this.fields.get(i).type() + "; a time column must be TIMESTAMP");
      }
    }
    this.timeColumn = timeColumn;
  }

  /**
   * A schema whose time column is chosen by the rule in the class comment.
   *
   * @param fields the columns, in order; names unique
   * @return the schema
   * @throws SchemaException on duplicate names
   */
  public static Schema of(List<Field> fields) {
    Objects.requireNonNull(fields, "fields");
    return new Schema(fields, inferTimeColumn(fields));
  }

  /**
   * A schema whose time column is chosen by the rule in the class comment.
   *
   * @param fields the columns, in order; names unique
   * @return the schema
   */
  public static Schema of(Field... fields) {
    return of(List.of(fields));
  }

  /**
   * A schema with an explicit time column.
   *
   * @param fields the columns, in order; names unique
   * @param timeColumn the name of a TIMESTAMP column, or null to apply the inference rule
   * @return the schema
   * @throws SchemaException when the column is missing or not a TIMESTAMP
   */
  public static Schema of(List<Field> fields, String timeColumn) {
    Objects.requireNonNull(fields, "fields");
    return new Schema(fields, timeColumn == null ? inferTimeColumn(fields) : timeColumn);
  }

  /**
   * A schema without a time column, whatever its columns.
   *
   * @param fields the columns, in order; names unique
   * @return the schema
   */
  public static Schema withoutTimeColumn(List<Field> fields) {
    Objects.requireNonNull(fields, "fields");
    return new Schema(fields, null);
  }

  private static String inferTimeColumn(List<Field> fields) {
    String only = null;
    int count = 0;
    for (Field f : fields) {
      if (f.type() == ColumnType.TIMESTAMP) {
        if (f.name().equals(DEFAULT_TIME_COLUMN)) {
          return f.name();
        }
        only = f.name();
        count++;
      }
    }
    return count == 1 ? only : null;
  }

  /** @return the columns, in order (unmodifiable) */
  public List<Field> fields() {
    return fields;
  }

  /** @return the number of columns */
  public int size() {
    return fields.size();
  }

  /**
   * @param i a column index
   * @return the field at that index
   */
  public Field field(int i) {
    return fields.get(i);
  }

  /**
   * @param name a column name
   * @return the field
   * @throws SchemaException when there is no such column (the message lists the columns)
   */
  public Field field(String name) {
    return fields.get(indexOf(name));
  }

  /**
   * @param name a column name
   * @return its index
   * @throws SchemaException when there is no such column (the message lists the columns)
   */
  public int indexOf(String name) {
    Integer i = index.get(name);
    if (i == null) {
      throw new SchemaException("unknown column '" + name + "'; the columns are " + names());
    }
    return i;
  }

  /**
   * @param name a column name
   * @return whether the schema has that column
   */
  public boolean contains(String name) {
    return index.containsKey(name);
  }

  /** @return the column names, in order (unmodifiable) */
  public List<String> names() {
    List<String> out = new ArrayList<>(fields.size());
    for (Field f : fields) {
      out.add(f.name());
    }
    return List.copyOf(out);
  }

  /** @return the time column's name, if the schema has one */
  public Optional<String> timeColumn() {
    return Optional.ofNullable(timeColumn);
  }

  /** @return the time column's index, or -1 when there is none */
  public int timeColumnIndex() {
    return timeColumn == null ? -1 : index.get(timeColumn);
  }

  /**
   * The schema of a subset of the columns, in the order given. The time column is kept when it is
   * among them.
   *
   * @param names column names, each present once
   * @return the projected schema
   * @throws SchemaException on an unknown or repeated column
   */
  public Schema project(Collection<String> names) {
    List<Field> out = new ArrayList<>(names.size());
    for (String n : names) {
      out.add(field(n));
    }
    String time = timeColumn != null && names.contains(timeColumn) ? timeColumn : null;
    return new Schema(out, time);
  }

  /**
   * @param name the new time column, or null for none
   * @return this schema with another time column
   */
  public Schema withTimeColumn(String name) {
    return new Schema(fields, name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schema s && fields.equals(s.fields) && Objects.equals(timeColumn, s.timeColumn);
  }

  @Override
  public int hashCode() {
    return fields.hashCode() * 31 + Objects.hashCode(timeColumn);
  }

  @Override
  public String toString() {
    return fields + (timeColumn == null ? "" : " time=" + timeColumn);
  }
}
