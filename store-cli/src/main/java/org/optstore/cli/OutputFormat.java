package org.optstore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optstore.Column;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.FrameStream;

/** How {@code get} prints rows. */
enum OutputFormat {
  /** Aligned columns for people; widths from the first batch. */
  TABLE,
  /** RFC 4180 CSV with a header row. */
  CSV,
  /** One JSON object per line. */
  JSONL;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes every batch; returns the number of rows written. */
  long write(FrameStream rows, PrintWriter out) throws IOException {
    switch (this) {
      case TABLE:
        return table(rows, out);
      case CSV:
        return csv(rows, out);
      default:
        return jsonl(rows, out);
    }
  }

  static String text(Column c, int row) {
    Object v = c.getObject(row);
    return v == null ? "" : v.toString();
  }

  private static long table(FrameStream rows, PrintWriter out) {
    List<Field> fields = rows.schema().fields();
    int[] width = new int[fields.size()];
    long n = 0;
    boolean header = false;
    while (rows.hasNext()) {
      Frame f = rows.next();
      if (!header) {
        for (int c = 0; c < width.length; c++) {
          width[c] = Math.max(fields.get(c).name().length(), 4);
          for (int r = 0; r < Math.min(f.rowCount(), 1000); r++) {
            width[c] = Math.max(width[c], Math.min(60, text(f.column(c), r).length()));
          }
        }
        printRow(out, width, fields.stream().map(Field::name).toArray(String[]::new));
        header = true;
      }
      String[] cells = new String[width.length];
      for (int r = 0; r < f.rowCount(); r++) {
        for (int c = 0; c < width.length; c++) {
          Column col = f.column(c);
          cells[c] = col.isNull(r) ? "null" : text(col, r);
        }
        printRow(out, width, cells);
      }
      n += f.rowCount();
    }
    if (!header) {
      printRow(out, width, fields.stream().map(Field::name).toArray(String[]::new));
    }
    return n;
  }

  private static void printRow(PrintWriter out, int[] width, String[] cells) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      sb.append(c == 0 ? "" : "  ");
      String s = cells[c];
      sb.append(s);
      for (int k = s.length(); k < width[c]; k++) {
        sb.append(' ');
      }
    }
    out.println(sb.toString().stripTrailing());
  }

  private static long csv(FrameStream rows, PrintWriter out) throws IOException {
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    for (Field f : rows.schema().fields()) {
      schema.addColumn(f.name());
    }
    long n = 0;
    // a null is an empty unquoted field and an empty string is "", as the CSV import reads them
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS);
    try (SequenceWriter w = mapper.writer(schema.build().withNullValue("")).writeValues(out)) {
      List<String> cells = new ArrayList<>();
      while (rows.hasNext()) {
        Frame f = rows.next();
        for (int r = 0; r < f.rowCount(); r++) {
          cells.clear();
          for (int c = 0; c < f.columnCount(); c++) {
            Column col = f.column(c);
            cells.add(col.isNull(r) ? null : text(col, r));
          }
          w.write(cells);
        }
        n += f.rowCount();
      }
      if (n == 0) {
        w.write(null);
      }
    }
    return n;
  }

  private static long jsonl(FrameStream rows, PrintWriter out) throws IOException {
    long n = 0;
    List<Field> fields = rows.schema().fields();
    while (rows.hasNext()) {
      Frame f = rows.next();
      for (int r = 0; r < f.rowCount(); r++) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int c = 0; c < fields.size(); c++) {
          Object v = f.column(c).getObject(r);
          m.put(fields.get(c).name(), v instanceof java.time.Instant ? v.toString() : v);
        }
        out.println(JSON.writeValueAsString(m));
      }
      n += f.rowCount();
    }
    return n;
  }
}
