package org.optstore.core.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.Field;
import org.optstore.Schema;

/**
 * A {@link Schema} as JSON, as manifests and raw copies keep it: {@code {"fields": [{"name": "ts",
 * "type": "TIMESTAMP"}, ...], "timeColumn": "ts"}} ({@code timeColumn} null when there is none).
 */
public final class SchemaJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SchemaJson() {}

  /**
   * @param schema a schema
   * @return its JSON tree
   */
  public static ObjectNode toNode(Schema schema) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    ArrayNode fields = n.putArray("fields");
    for (Field f : schema.fields()) {
      fields.addObject().put("name", f.name()).put("type", f.type().name());
    }
    n.put("timeColumn", schema.timeColumn().orElse(null));
    return n;
  }

  /**
   * @param schema a schema
   * @return its compact JSON text
   */
  public static String toJson(Schema schema) {
    try {
      return MAPPER.writeValueAsString(toNode(schema));
    } catch (JsonProcessingException e) {
      throw new DataStoreException("cannot write schema " + schema + " as JSON", e);
    }
  }

  /**
   * @param json the JSON text of a schema
   * @param where what holds it, for messages
   * @return the schema
   * @throws CorruptDataException when the text is not a schema
   */
  public static Schema fromJson(String json, String where) {
    try {
      return fromNode(MAPPER.readTree(json), where);
    } catch (JsonProcessingException e) {
      throw new CorruptDataException(where + " holds a schema that is not valid JSON: "
          + e.getOriginalMessage());
    }
  }

  /**
   * @param node the JSON tree of a schema
   * @param where what holds it, for messages
   * @return the schema
   * @throws CorruptDataException when the tree is not a schema
   */
  public static Schema fromNode(JsonNode node, String where) {
    if (node == null || !node.isObject() || !node.path("fields").isArray()) {
      throw new CorruptDataException(where + " holds no schema object with a 'fields' array");
    }
    List<Field> fields = new ArrayList<>();
    for (JsonNode f : node.get("fields")) {
      JsonNode name = f.get("name");
      JsonNode type = f.get("type");
      if (name == null || !name.isTextual() || type == null || !type.isTextual()) {
        throw new CorruptDataException(where + " holds a schema field without a textual name and "
            + "type: " + f);
      }
      ColumnType t;
      try {
        t = ColumnType.valueOf(type.asText());
      } catch (IllegalArgumentException e) {
        throw new CorruptDataException(where + " holds column '" + name.asText()
            + "' of unknown type '" + type.asText() + "'");
      }
      try {
        fields.add(Field.of(name.asText(), t));
      } catch (DataStoreException e) {
        throw new CorruptDataException(where + " holds an invalid column: " + e.getMessage(), e);
      }
    }
    JsonNode time = node.get("timeColumn");
    try {
      if (time == null || time.isNull()) {
        return Schema.withoutTimeColumn(fields);
      }
      if (!time.isTextual()) {
        throw new CorruptDataException(where + " holds a non-textual timeColumn: " + time);
      }
      return Schema.of(fields, time.asText());
    } catch (CorruptDataException e) {
      throw e;
    } catch (DataStoreException e) {
      throw new CorruptDataException(where + " holds an invalid schema: " + e.getMessage(), e);
    }
  }
}
