package org.optstore.core.records;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.optstore.Column;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;

/**
 * Converts records (the Python original's list of dicts) to frames, with the inference rules of
 * DESIGN.md: integers become INT64, decimals FLOAT64 (a field mixing both widens to FLOAT64, as
 * pandas does), booleans BOOL, strings STRING, instants and other {@code java.time} values
 * TIMESTAMP, and the time column's strings or numbers TIMESTAMP as {@link TimeValues} reads them.
 * A field holding only nulls becomes STRING. Fields appear in the order they are first seen. Any
 * other mix in one field, or a nested map or list, is a {@link SchemaException} naming the field
 * and the first bad row.
 *
 * <p>The time column is the one {@link WriteOptions} names, else a field named {@code timestamp},
 * else the only TIMESTAMP field, else none.
 */
public final class RecordFrames {
  private RecordFrames() {}

  /** What a field holds, widening as rows are seen. */
  private enum Kind { NONE, INTEGER, DECIMAL, BOOLEAN, STRING, TEMPORAL }

  /** What one field has shown so far. */
  private static final class FieldState {
    Kind kind = Kind.NONE;
    long firstRow = -1; // the first row of the current kind's first value
  }

  /**
   * @param records the rows; missing keys and nulls are nulls
   * @param options the time column and how to read its values
   * @param batchRows the most rows per frame
   * @return the frames, each of the inferred schema
   * @throws SchemaException as described in the class comment
   */
  public static FrameStream convert(List<? extends Map<String, ?>> records, WriteOptions options,
      int batchRows) {
    Schema schema = infer(records, options);
    return new RecordStream(records, schema, new TimeValues(options), batchRows);
  }

  /**
   * @param records the rows
   * @param options the time column options
   * @return the schema the rows get
   */
  public static Schema infer(List<? extends Map<String, ?>> records, WriteOptions options) {
    Map<String, FieldState> fields = new LinkedHashMap<>();
    String named = options.timeColumn().orElse(null);
    long row = 0;
    for (Map<String, ?> rec : records) {
      if (rec == null) {
        throw new SchemaException("record " + row + " is null; give an empty map for a row of "
            + "nulls");
      }
      for (Map.Entry<String, ?> e : rec.entrySet()) {
        Object key = e.getKey();
        if (!(key instanceof String name)) {
          throw new SchemaException("record " + row + " has the key " + key + " of class "
              + (key == null ? "null" : key.getClass().getSimpleName())
              + "; field names are strings");
        }
        FieldState st = fields.computeIfAbsent(name, k -> new FieldState());
        Object v = e.getValue();
        if (v == null) {
          continue;
        }
        Kind k = kindOf(v, name, row);
        if (isTimeField(name, options)) {
          // time values are converted one by one; their kinds may mix
          if (st.kind == Kind.NONE) {
            st.kind = Kind.TEMPORAL;
            st.firstRow = row;
          }
          if (k == Kind.BOOLEAN) {
            throw new SchemaException("time column '" + name + "' row " + row
                + " holds a boolean; use instants, ISO-8601 strings or epoch numbers");
          }
          continue;
        }
        st.kind = merge(st, k, name, row);
      }
      row++;
    }
    if (fields.isEmpty() && row > 0) {
      throw new SchemaException(row + " records without any field cannot be stored (a dataset "
          + "without columns has no rows); give each record at least one field");
    }
    if (named != null && !fields.containsKey(named)) {
      throw new SchemaException("time column '" + named + "' named in WriteOptions is not a field "
          + "of the records (fields: " + fields.keySet() + ")");
    }
    List<Field> out = new ArrayList<>();
    for (Map.Entry<String, FieldState> e : fields.entrySet()) {
      ColumnType t = isTimeField(e.getKey(), options) ? ColumnType.TIMESTAMP
          : type(e.getValue().kind);
      out.add(Field.of(e.getKey(), t));
    }
    if (options.noTimeColumn()) {
      return Schema.withoutTimeColumn(out);
    }
    return Schema.of(out, named);
  }

  private static boolean isTimeField(String name, WriteOptions options) {
    String named = options.timeColumn().orElse(null);
    return named != null ? name.equals(named)
        : !options.noTimeColumn() && name.equals(Schema.DEFAULT_TIME_COLUMN);
  }

  private static Kind kindOf(Object v, String name, long row) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger) {
      return Kind.INTEGER;
    }
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      return Kind.DECIMAL;
    }
    if (v instanceof Boolean) {
      return Kind.BOOLEAN;
    }
    if (v instanceof String || v instanceof Character) {
      return Kind.STRING;
    }
    if (TimeValues.isTemporal(v)) {
      return Kind.TEMPORAL;
    }
    if (v instanceof Map || v instanceof Collection || v.getClass().isArray()) {
      throw new SchemaException("field '" + name + "' row " + row + " holds a nested "
          + v.getClass().getSimpleName() + "; records hold flat values (store nested data as a "
          + "JSON string or an item)");
    }
    throw new SchemaException("field '" + name + "' row " + row + " holds a "
        + v.getClass().getName() + "; use Long, Integer, Double, Float, Boolean, String or "
        + "Instant");
  }

  private static Kind merge(FieldState st, Kind k, String name, long row) {
    if (st.kind == Kind.NONE) {
      st.firstRow = row;
      return k;
    }
    if (st.kind == k) {
      return k;
    }
    boolean numeric = (st.kind == Kind.INTEGER || st.kind == Kind.DECIMAL)
        && (k == Kind.INTEGER || k == Kind.DECIMAL);
    if (numeric) {
      return Kind.DECIMAL;
    }
    throw new SchemaException("field '" + name + "' mixes " + label(st.kind) + " (from row "
        + st.firstRow + ") with " + label(k) + " at row " + row
        + "; store one kind of value per field");
  }

  private static String label(Kind k) {
    return switch (k) {
      case INTEGER -> "integers";
      case DECIMAL -> "decimals";
      case BOOLEAN -> "booleans";
      case STRING -> "strings";
      case TEMPORAL -> "instants";
      default -> "nulls";
    };
  }

  private static ColumnType type(Kind k) {
    return switch (k) {
      case INTEGER -> ColumnType.INT64;
      case DECIMAL -> ColumnType.FLOAT64;
      case BOOLEAN -> ColumnType.BOOL;
      case TEMPORAL -> ColumnType.TIMESTAMP;
      default -> ColumnType.STRING;
    };
  }

  /** Converts the records batch by batch with column builders. */
  private static final class RecordStream implements FrameStream {
    private final List<? extends Map<String, ?>> records;
    private final Schema schema;
    private final TimeValues times;
    private final int batchRows;
    private final String time;
    // records are read once, in order, through their iterator: get(i) is O(i) on a LinkedList
    private final Iterator<? extends Map<String, ?>> rows;
    private int pos;

    RecordStream(List<? extends Map<String, ?>> records, Schema schema, TimeValues times,
        int batchRows) {
      this.records = records;
      this.schema = schema;
      this.times = times;
      this.batchRows = batchRows;
      this.time = schema.timeColumn().orElse(null);
      this.rows = records.iterator();
    }

    @Override
    public Schema schema() {
      return schema;
    }

    @Override
    public boolean hasNext() {
      return pos < records.size();
    }

    @Override
    public Frame next() {
      if (!hasNext()) {
        throw new NoSuchElementException("no more records");
      }
      int n = Math.min(batchRows, records.size() - pos);
      ColumnBuilder[] b = new ColumnBuilder[schema.size()];
      for (int c = 0; c < b.length; c++) {
        b[c] = ColumnBuilder.of(schema.field(c).type(), n);
      }
      for (int i = 0; i < n; i++) {
        Map<String, ?> rec = rows.next();
        for (int c = 0; c < b.length; c++) {
          String name = schema.field(c).name();
          Object v = rec.get(name);
          if (v == null) {
            if (name.equals(time)) {
              throw new SchemaException("time column '" + name + "' is null or missing at row "
                  + (pos + i) + "; every row needs a time value");
            }
            b[c].appendNull();
          } else if (b[c].type() == ColumnType.TIMESTAMP) {
            b[c].appendLong(times.toMicros(v, name, pos + i));
          } else if (b[c].type() == ColumnType.FLOAT64) {
            b[c].appendDouble(((Number) v).doubleValue());
          } else if (b[c].type() == ColumnType.INT64) {
            b[c].appendLong(v instanceof BigInteger big ? exact(big, name, pos + i)
                : ((Number) v).longValue());
          } else if (v instanceof Character ch) {
            b[c].appendString(ch.toString());
          } else {
            b[c].append(v);
          }
        }
      }
      pos += n;
      List<Column> cols = new ArrayList<>(b.length);
      for (ColumnBuilder x : b) {
        cols.add(x.build());
      }
      return Frame.of(schema, cols);
    }

    private static long exact(BigInteger v, String name, long row) {
      if (v.bitLength() > 63) {
        throw new SchemaException("field '" + name + "' row " + row + " holds " + v
            + ", which does not fit INT64");
      }
      return v.longValue();
    }

    @Override
    public void close() {}
  }
}
