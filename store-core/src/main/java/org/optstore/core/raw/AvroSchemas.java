package org.optstore.core.raw;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.optstore.ColumnType;
import org.optstore.Field;

/**
 * The Avro schema of a raw copy: one record field per column, in order, each a union of null and
 * the column's type except the time column (never null), TIMESTAMP as {@code long} with the
 * {@code timestamp-micros} logical type. Avro field names are the column names when Avro allows
 * them, else a sanitised unique name; the true name is kept in the field property {@value #NAME}
 * and the whole optstore schema in the file metadata {@value #SCHEMA_META}.
 */
final class AvroSchemas {
  static final String NAME = "optstore.column";
  static final String SCHEMA_META = "optstore.schema";
  private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private AvroSchemas() {}

  static Schema of(org.optstore.Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    Set<String> used = new HashSet<>();
    String time = schema.timeColumn().orElse(null);
    for (int i = 0; i < schema.size(); i++) {
      Field f = schema.field(i);
      String name = avroName(f.name(), i, used);
      Schema value = valueSchema(f.type());
      Schema.Field af;
      if (f.name().equals(time)) {
        af = new Schema.Field(name, value, null, (Object) null);
      } else {
        af = new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL), value),
            null, JsonProperties.NULL_VALUE);
      }
      af.addProp(NAME, f.name());
      fields.add(af);
    }
    return Schema.createRecord("Row", "A row of an optstore dataset", "org.optstore.raw", false,
        fields);
  }

  private static String avroName(String column, int index, Set<String> used) {
    String base = AVRO_NAME.matcher(column).matches() ? column
        : "c" + index + "_" + column.replaceAll("[^A-Za-z0-9_]", "_");
    if (base.length() > 100) {
      base = base.substring(0, 100);
    }
    String name = base;
    for (int k = 1; !used.add(name); k++) {
      name = base + "_" + k;
    }
    return name;
  }

  private static Schema valueSchema(ColumnType type) {
    switch (type) {
      case TIMESTAMP:
        return LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
      case INT64:
        return Schema.create(Schema.Type.LONG);
      case INT32:
        return Schema.create(Schema.Type.INT);
      case FLOAT64:
        return Schema.create(Schema.Type.DOUBLE);
      case FLOAT32:
        return Schema.create(Schema.Type.FLOAT);
      case BOOL:
        return Schema.create(Schema.Type.BOOLEAN);
      case STRING:
        return Schema.create(Schema.Type.STRING);
      default:
        throw new AssertionError(type);
    }
  }
}
