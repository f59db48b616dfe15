package org.optstore.core.importer;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.optstore.DataStoreException;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;

/**
 * Reads a CSV file with Jackson's CSV parser: the first record is the header (an empty name
 * becomes {@code Unnamed: i}, as pandas names it; a repeated name is refused), fields may be
 * quoted with {@code "} (doubled inside), hold separators and line breaks, and the file may start
 * with a byte order mark (UTF-8, or UTF-16 with its mark). The separator is a tab for {@code .tsv}
 * and {@code .tab} files and a comma otherwise. An empty unquoted field is null, a quoted empty
 * field ({@code ""}) an empty string; a record with fewer fields than the header has nulls for the
 * rest, one with more is refused; blank lines are skipped. Lines are counted as an editor counts
 * them, line breaks inside quoted fields included.
 */
final class CsvImport extends TextImport {
  private static final CsvFactory FACTORY = CsvFactory.builder()
      .enable(CsvParser.Feature.EMPTY_UNQUOTED_STRING_AS_NULL)
      .disable(CsvParser.Feature.ALLOW_TRAILING_COMMA)
      .build();

  private final CsvParser parser;
  private int width;

  private CsvImport(Path file, WriteOptions options, CsvParser parser) {
    super(file, options, true);
    this.parser = parser;
  }

  /**
   * Opens a CSV file and reads its header.
   *
   * @param file the file
   * @param options the time column options
   * @return the import, before the first data row
   * @throws SchemaException when the file has no header or a bad one
   */
  static CsvImport open(Path file, WriteOptions options) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString()
        .toLowerCase(Locale.ROOT);
    char separator = name.endsWith(".tsv") || name.endsWith(".tab") ? '\t' : ',';
    InputStream in = null;
    CsvParser p = null;
    try {
      in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      p = FACTORY.createParser(in);
      p.setSchema(CsvSchema.emptySchema().withColumnSeparator(separator));
      CsvImport csv = new CsvImport(file, options, p);
      csv.readHeader();
      return csv;
    } catch (IOException e) {
      closeQuietly(p, in);
      throw new DataStoreException("cannot read file " + file + ": " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(p, in);
      throw e;
    }
  }

  private static void closeQuietly(CsvParser p, InputStream in) {
    try {
      if (p != null) {
        p.close();
      }
      if (in != null) {
        in.close();
      }
    } catch (IOException e) {
      // reading only: nothing to lose
    }
  }

  private void readHeader() throws IOException {
    JsonToken t = nextToken();
    if (t == null) {
      throw new SchemaException("file " + file + " is empty; a CSV file starts with a header row "
          + "naming its columns");
    }
    int i = 0;
    while ((t = nextToken()) != JsonToken.END_ARRAY) {
      String n = t == JsonToken.VALUE_NULL ? "" : parser.getText();
      addColumn(n.isBlank() ? "Unnamed: " + i : n);
      i++;
    }
    width = i;
    if (width == 1 && columns.get(0).name.startsWith("Unnamed: ")) {
      throw new SchemaException("file " + file + " starts with a blank line; a CSV file starts "
          + "with a header row naming its columns");
    }
  }

  private JsonToken nextToken() throws IOException {
    try {
      return parser.nextToken();
    } catch (StreamReadException e) {
      JsonLocation l = e.getLocation();
      throw new SchemaException("file " + file + " line " + (l == null ? "?" : l.getLineNr()
          + ", character " + l.getColumnNr()) + " is not valid CSV: " + e.getOriginalMessage() + "; quote fields that hold the "
          + "separator, quotes or line breaks, and double the quotes inside them", e);
    }
  }

  @Override
  boolean readRow() throws IOException {
    while (true) {
      JsonToken t = nextToken();
      if (t == null) {
        return false;
      }
      // t is START_ARRAY: a record
      t = nextToken();
      if (t == JsonToken.END_ARRAY) {
        continue;
      }
      if (t == JsonToken.VALUE_NULL) {
        JsonToken second = nextToken();
        if (second == JsonToken.END_ARRAY) {
          continue; // a blank line
        }
        beginRow();
        nullCell(0);
        t = second;
        readFields(t, 1);
      } else {
        beginRow();
        readFields(t, 0);
      }
      endRow();
      return true;
    }
  }

  private void readFields(JsonToken t, int c) throws IOException {
    while (t != JsonToken.END_ARRAY) {
      if (c >= width) {
        throw new SchemaException("file " + file + " " + whereRow() + " has more fields than the "
            + "header's " + width + " columns (field " + (c + 1) + " holds '"
            + clip(t == JsonToken.VALUE_NULL ? "" : parser.getText()) + "'); quote values that "
            + "hold the separator, or fix the header");
      }
      if (t == JsonToken.VALUE_NULL) {
        nullCell(c);
      } else {
        textCell(c, parser.getText());
      }
      c++;
      t = nextToken();
    }
  }

  @Override
  boolean atEndOfInput() throws IOException {
    // the next token is a record's START_ARRAY, or null at the end; blank lines count as no row
    while (true) {
      JsonToken t = nextToken();
      if (t == null) {
        return true;
      }
      JsonToken first = nextToken();
      JsonToken second = first == JsonToken.VALUE_NULL ? nextToken() : null;
      if (first != JsonToken.END_ARRAY && second != JsonToken.END_ARRAY) {
        return false;
      }
    }
  }

  @Override
  String where(int column) {
    return "line " + line() + ", column '" + columns.get(column).name + "' (" + (column + 1) + ")";
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
