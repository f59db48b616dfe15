package org.optstore.core.importer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.optstore.ColumnType;
import org.optstore.Field;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;

/**
 * The types a CSV or JSON lines import writes: one {@link ValueKind} per column, the schema they
 * give, and which column is the time column. Derived from the values seen ({@link #of}); the plan
 * of the whole file is the one that the values of all its rows give.
 *
 * <p>The time column is the one {@link WriteOptions} names, else a column named {@code timestamp}
 * (both converted with the options' pattern, zone or epoch unit, and never null), else the only
 * column whose values are all ISO-8601 times, provided it has no empty value; else none.
 */
final class ImportPlan {
  final Schema schema;
  final ValueKind[] kinds;
  /** The time column when chosen by the rule (the only TIME column), else -1. */
  final int ruleTime;

  private ImportPlan(Schema schema, ValueKind[] kinds, int ruleTime) {
    this.schema = schema;
    this.kinds = kinds;
    this.ruleTime = ruleTime;
  }

  /** What the values of one column have shown. */
  static final class ColumnState {
    final String name;
    /** The time column named in the options or called {@code timestamp}: always TIMESTAMP. */
    final boolean forcedTime;
    ValueKind kind = ValueKind.NONE;
    /** Where the current kind was first seen, for messages. */
    String kindWhere = "";
    boolean hasNull;
    /** The last row that gave this column a value. */
    long stamp = -1;

    ColumnState(String name, boolean forcedTime) {
      this.name = name;
      this.forcedTime = forcedTime;
      if (forcedTime) {
        kind = ValueKind.TIME;
      }
    }
  }

  /**
   * @param name a column name
   * @param options the import's options
   * @return whether that column is the time column whatever its values say
   */
  static boolean isForcedTime(String name, WriteOptions options) {
    if (options.noTimeColumn()) {
      return false;
    }
    return options.timeColumn().map(name::equals)
        .orElse(name.equals(Schema.DEFAULT_TIME_COLUMN));
  }

  /**
   * @param columns the states of the columns, in order
   * @param options the import's options
   * @param file the file, for messages
   * @param rows the rows seen
   * @return the plan those values give
   * @throws SchemaException when the options name a time column the file lacks, or give a pattern
   *     or epoch unit without any column to apply it to
   */
  static ImportPlan of(List<ColumnState> columns, WriteOptions options, Path file, long rows) {
    List<Field> fields = new ArrayList<>(columns.size());
    ValueKind[] kinds = new ValueKind[columns.size()];
    String forced = null;
    int timeCandidate = -1;
    int timeCandidates = 0;
    for (int i = 0; i < kinds.length; i++) {
      ColumnState c = columns.get(i);
      kinds[i] = c.kind;
      fields.add(Field.of(c.name, c.forcedTime ? ColumnType.TIMESTAMP : c.kind.type()));
      if (c.forcedTime) {
        forced = c.name;
      } else if (c.kind == ValueKind.TIME) {
        timeCandidate = i;
        timeCandidates++;
      }
    }
    if (options.noTimeColumn()) {
      return new ImportPlan(Schema.withoutTimeColumn(fields), kinds, -1);
    }
    if (forced != null) {
      return new ImportPlan(Schema.of(fields, forced), kinds, -1);
    }
    List<String> names = new ArrayList<>();
    for (ColumnState c : columns) {
      names.add(c.name);
    }
    if (options.timeColumn().isPresent()) {
      throw new SchemaException("time column '" + options.timeColumn().get() + "' named in "
          + "WriteOptions is not a column of " + file + " (columns: " + names + "); name one of "
          + "its columns");
    }
    if (rows > 0 && (options.timePattern().isPresent() || options.epochUnit().isPresent())) {
      throw new SchemaException("a time " + (options.timePattern().isPresent() ? "pattern '"
          + options.timePattern().get() + "'" : "epoch unit " + options.epochUnit().get())
          + " was given for " + file + " but no column to apply it to: it has no column named '"
          + Schema.DEFAULT_TIME_COLUMN + "' (columns: " + names + "); name the time column with "
          + "WriteOptions.timeColumn");
    }
    if (timeCandidates == 1 && !columns.get(timeCandidate).hasNull) {
      return new ImportPlan(Schema.of(fields, columns.get(timeCandidate).name), kinds,
          timeCandidate);
    }
    return new ImportPlan(Schema.withoutTimeColumn(fields), kinds, -1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImportPlan p && p.schema.equals(schema) && Arrays.equals(p.kinds, kinds)
        && p.ruleTime == ruleTime;
  }

  @Override
  public int hashCode() {
    return schema.hashCode() * 31 + Arrays.hashCode(kinds);
  }

  @Override
  public String toString() {
    return schema.toString();
  }
}
