package org.optstore.core.importer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.optstore.DataStoreException;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;

/**
 * Reads JSON lines with Jackson: one object per line (any white space between objects is fine),
 * or a single array of objects. Fields become columns in the order they first appear; a field a
 * row lacks, or {@code null}, is null. Values follow the records rule of DESIGN.md: integers
 * INT64, decimals FLOAT64 (both in one field: FLOAT64), booleans BOOL, strings STRING (TIMESTAMP
 * when every string of the field is an ISO-8601 time); any other mix in one field, a nested
 * object or array, a repeated key or an integer beyond INT64 is a {@link SchemaException} naming
 * the file, the line and the field.
 */
final class JsonImport extends TextImport {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private final JsonParser parser;
  private boolean started;
  private boolean inArray;

  private JsonImport(Path file, WriteOptions options, JsonParser parser) {
    super(file, options, false);
    this.parser = parser;
  }

  /**
   * @param file the file
   * @param options the time column options
   * @return the import, before the first row
   */
  static JsonImport open(Path file, WriteOptions options) {
    InputStream in = null;
    try {
      in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      JsonImport json = new JsonImport(file, options, FACTORY.createParser(in));
      options.timeColumn().filter(t -> !options.noTimeColumn()).ifPresent(json::addColumn);
      return json;
    } catch (IOException e) {
      if (in != null) {
        try {
          in.close();
        } catch (IOException x) {
          e.addSuppressed(x);
        }
      }
      throw new DataStoreException("cannot read file " + file + ": " + e, e);
    }
  }

  private JsonToken nextToken() throws IOException {
    try {
      return parser.nextToken();
    } catch (StreamReadException e) {
      JsonLocation l = e.getLocation();
      throw new SchemaException("file " + file + " line " + (l == null ? "?" : l.getLineNr()
          + ", character " + l.getColumnNr()) + " is not valid JSON: " + e.getOriginalMessage() + "; write one JSON object per line",
          e);
    }
  }

  @Override
  boolean readRow() throws IOException {
    JsonToken t = nextToken();
    if (!started) {
      started = true;
      if (t == JsonToken.START_ARRAY) {
        inArray = true;
        t = nextToken();
      }
    }
    if (inArray && t == JsonToken.END_ARRAY) {
      inArray = false;
      t = nextToken();
      if (t != null) {
        throw new SchemaException("file " + file + " " + whereRow() + " holds more JSON after "
            + "its array of objects; give one array, or one object per line");
      }
    }
    if (t == null) {
      if (inArray) {
        throw new SchemaException("file " + file + " ends inside its array of objects; it is "
            + "truncated");
      }
      return false;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new SchemaException("file " + file + " " + whereRow() + " holds " + describe(t)
          + " where an object was expected; JSON lines hold one object per line");
    }
    beginRow();
    while ((t = nextToken()) == JsonToken.FIELD_NAME) {
      int c = column(parser.currentName());
      t = nextToken();
      switch (t) {
        case VALUE_NULL -> nullCell(c);
        case VALUE_TRUE -> boolCell(c, true);
        case VALUE_FALSE -> boolCell(c, false);
        case VALUE_NUMBER_INT -> {
          if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new SchemaException("file " + file + " " + where(c) + " holds "
                + clip(parser.getText()) + ", which does not fit INT64; write it as a string "
                + "or a decimal");
          }
          longCell(c, parser.getLongValue());
        }
        case VALUE_NUMBER_FLOAT -> doubleCell(c, parser.getDoubleValue());
        case VALUE_STRING -> stringCell(c, parser.getText());
        default -> throw new SchemaException("file " + file + " " + where(c) + " holds a nested "
            + (t == JsonToken.START_ARRAY ? "array" : "object") + "; imported rows hold flat "
            + "values (store nested data as a JSON string, or as an item)");
      }
    }
    endRow();
    return true;
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  @Override
  boolean atEndOfInput() throws IOException {
    JsonToken t = nextToken();
    return t == null || (inArray && t == JsonToken.END_ARRAY && nextToken() == null);
  }

  @Override
  String where(int column) {
    return "line " + line() + ", field '" + columns.get(column).name + "'";
  }

  @Override
  String whereRow() {
    return "line " + line();
  }

  private int line() {
    return parser.currentTokenLocation().getLineNr();
  }

  @Override
  void closeInput() {
    try {
      parser.close();
    } catch (IOException e) {
      // reading only: nothing to lose
    }
  }
}
