package org.optstore.format.parquet;

import java.util.ArrayList;
import java.util.List;
import org.optstore.ColumnType;
import org.optstore.Field;
import org.optstore.Schema;

/**
 * The key-value metadata this format writes into every footer, so a file describes itself: our
 * schema (types and names), the time column, whether it is sorted, and the layout version.
 */
final class FileMetadata {
  static final String SCHEMA = "optstore.schema";
  static final String TIME_COLUMN = "optstore.time_column";
  static final String TIME_SORTED = "optstore.time_sorted";
  static final String LAYOUT_VERSION = "optstore.layout_version";

  private FileMetadata() {}

  /** One line per column, {@code TYPE<TAB>name}; names hold no control characters. */
  static String encodeSchema(Schema schema) {
    StringBuilder sb = new StringBuilder();
    for (Field f : schema.fields()) {
      sb.append(f.type().name()).append('\t').append(f.name()).append('\n');
    }
    return sb.toString();
  }

  /** @return the schema, or null when {@code text} is not one this format wrote */
  static Schema decodeSchema(String text, String timeColumn) {
    if (text == null) {
      return null;
    }
    List<Field> fields = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      int tab = line.indexOf('\t');
      if (tab <= 0) {
        return null;
      }
      ColumnType t;
      try {
        t = ColumnType.valueOf(line.substring(0, tab));
      } catch (IllegalArgumentException e) {
        return null;
      }
      fields.add(Field.of(line.substring(tab + 1), t));
    }
    return timeColumn == null ? Schema.withoutTimeColumn(fields) : Schema.of(fields, timeColumn);
  }
}
