package org.optstore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable table: a {@link Schema}, a row count and one typed {@link Column} per field, all of
 * the same length. Thread-safe. Columns may be heap arrays or memory-mapped buffers; {@link
 * #project}, {@link #slice} and range {@link #select selections} copy nothing.
 *
 * <p>Build one with {@link #builder()}:
 *
 * <pre>{@code
 * Frame f = Frame.builder()
 *     .column("ts", LongColumn.timestamps(micros))
 *     .column("price", DoubleColumn.of(prices))
 *     .build();                        // time column "ts": the only TIMESTAMP column
 * double[] p = f.doubles("price").toArray();
 * }</pre>
 *
 * <p>A frame holds at most {@link Integer#MAX_VALUE} rows; larger results are read batch by batch
 * with {@link DataStore#scan}.
 */
public final class Frame {
  private final Schema schema;
  private final Column[] columns;
  private final int rowCount;

  private Frame(Schema schema, Column[] columns, int rowCount) {
    this.schema = schema;
    this.columns = columns;
    this.rowCount = rowCount;
  }

  /**
   * A frame from a schema and its columns.
   *
   * @param schema the schema
   * @param columns one column per field, in order, each of the field's type, all of equal size
   * @return the frame
   * @throws SchemaException when a column's type differs from its field's
   * @throws InvalidArgumentException when the columns differ in length
   */
  public static Frame of(Schema schema, List<? extends Column> columns) {
    Objects.requireNonNull(schema, "schema");
    if (columns.size() != schema.size()) {
      throw new SchemaException("schema " + schema + " has " + schema.size() + " columns but "
          + columns.size() + " were given");
    }
    Column[] cols = columns.toArray(new Column[0]);
    int rows = cols.length == 0 ? 0 : cols[0].size();
    for (int i = 0; i < cols.length; i++) {
      Field f = schema.field(i);
      Objects.requireNonNull(cols[i], () -> "column '" + f.name() + "' is null");
      if (cols[i].type() != f.type()) {
        throw new SchemaException("column '" + f.name() + "' holds " + cols[i].type()
            + " values but its field is " + f.type());
      }
      if (cols[i].size() != rows) {
        throw new InvalidArgumentException("column '" + f.name() + "' has " + cols[i].size()
            + " rows but column '" + schema.field(0).name() + "' has " + rows
            + "; all columns of a frame have the same length");
      }
    }
    String time = schema.timeColumn().orElse(null);
    if (time != null) {
      Column t = cols[schema.indexOf(time)];
      if (t.nullCount() > 0) {
        int row = 0;
        while (!t.isNull(row)) {
          row++;
        }
        throw new SchemaException("time column '" + time + "' has a null at row " + row + " ("
            + t.nullCount() + " nulls in all); the time column must not hold nulls");
      }
    }
    return new Frame(schema, cols, rows);
  }

  /**
   * @param schema the schema
   * @return a frame of that schema with no rows
   */
  public static Frame empty(Schema schema) {
    List<Column> cols = new ArrayList<>();
    for (Field f : schema.fields()) {
      cols.add(ColumnBuilder.of(f.type(), 0).build());
    }
    return of(schema, cols);
  }

  /** @return a builder that adds named columns in order */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects named columns; {@link #build()} checks them. Not thread-safe. */
  public static final class Builder {
    private final List<Field> fields = new ArrayList<>();
    private final List<Column> columns = new ArrayList<>();
    private String timeColumn;
    private boolean noTimeColumn;

    private Builder() {}

    /**
     * @param name the column name, unique in the frame
     * @param column its values (the column's type becomes the field's type)
     * @return this
     */
    public Builder column(String name, Column column) {
      Objects.requireNonNull(column, () -> "column '" + name + "' is null");
      fields.add(Field.of(name, column.type()));
      columns.add(column);
      return this;
    }

    /**
     * Names the time column instead of the inference rule of {@link Schema}.
     *
     * @param name a TIMESTAMP column of the frame
     * @return this
     */
    public Builder timeColumn(String name) {
      this.timeColumn = Objects.requireNonNull(name, "time column");
      this.noTimeColumn = false;
      return this;
    }

    /** Builds the frame without a time column, whatever its columns. @return this */
    public Builder noTimeColumn() {
      this.timeColumn = null;
      this.noTimeColumn = true;
      return this;
    }

    /** @return the frame */
    public Frame build() {
      Schema s = noTimeColumn ? Schema.withoutTimeColumn(fields) : Schema.of(fields, timeColumn);
      return Frame.of(s, columns);
    }
  }

  /** @return the schema */
  public Schema schema() {
    return schema;
  }

  /** @return the number of rows */
  public int rowCount() {
    return rowCount;
  }

  /** @return the number of columns */
  public int columnCount() {
    return columns.length;
  }

  /**
   * @param i a column index
   * @return the column
   */
  public Column column(int i) {
    return columns[i];
  }

  /**
   * @param name a column name
   * @return the column
   * @throws SchemaException when there is no such column
   */
  public Column column(String name) {
    return columns[schema.indexOf(name)];
  }

  /** @return the columns, in schema order (unmodifiable) */
  public List<Column> columns() {
    return List.of(columns);
  }

  private <C extends Column> C typed(String name, Class<C> cls) {
    Column c = column(name);
    if (!cls.isInstance(c)) {
      throw new SchemaException("column '" + name + "' is " + c.type() + ", not held in a "
          + cls.getSimpleName());
    }
    return cls.cast(c);
  }

  /**
   * @param name an INT64 or TIMESTAMP column
   * @return it, typed
   */
  public LongColumn longs(String name) {
    return typed(name, LongColumn.class);
  }

  /**
   * @param name an INT32 column
   * @return it, typed
   */
  public IntColumn ints(String name) {
    return typed(name, IntColumn.class);
  }

  /**
   * @param name a FLOAT64 column
   * @return it, typed
   */
  public DoubleColumn doubles(String name) {
    return typed(name, DoubleColumn.class);
  }

  /**
   * @param name a FLOAT32 column
   * @return it, typed
   */
  public FloatColumn floats(String name) {
    return typed(name, FloatColumn.class);
  }

  /**
   * @param name a BOOL column
   * @return it, typed
   */
  public BoolColumn bools(String name) {
    return typed(name, BoolColumn.class);
  }

  /**
   * @param name a STRING column
   * @return it, typed
   */
  public StringColumn strings(String name) {
    return typed(name, StringColumn.class);
  }

  /**
   * @param row a row
   * @param column a column name
   * @return the boxed value (see {@link Column#getObject(int)})
   */
  public Object get(int row, String column) {
    return column(column).getObject(row);
  }

  /**
   * @param names column names, each once
   * @return a frame of those columns in that order (nothing copied)
   */
  public Frame project(String... names) {
    return project(Arrays.asList(names));
  }

  /**
   * @param names column names, each once
   * @return a frame of those columns in that order (nothing copied)
   * @throws SchemaException on an unknown or repeated column
   */
  public Frame project(Collection<String> names) {
    Schema s = schema.project(names);
    Column[] cols = new Column[s.size()];
    int i = 0;
    for (String n : names) {
      cols[i++] = column(n);
    }
    return new Frame(s, cols, rowCount);
  }

  /**
   * @param selection a selection over {@link #rowCount()} rows
   * @return the selected rows, in order (a zero-copy slice for a range)
   */
  public Frame select(Selection selection) {
    if (selection.size() != rowCount) {
      throw new InvalidArgumentException("selection over " + selection.size()
          + " rows applied to a frame of " + rowCount + " rows");
    }
    if (selection.isAll()) {
      return this;
    }
    if (selection.isRange()) {
      return slice(selection.rangeFrom(), selection.rangeTo());
    }
    int[] p = selection.toPositions();
    Column[] cols = new Column[columns.length];
    for (int i = 0; i < cols.length; i++) {
      cols[i] = columns[i].gather(p, p.length);
    }
    return new Frame(schema, cols, p.length);
  }

  /**
   * @param from first row, inclusive
   * @param to last row, exclusive
   * @return rows {@code [from, to)} (nothing copied)
   */
  public Frame slice(int from, int to) {
    if (from < 0 || to > rowCount || from > to) {
      throw new InvalidArgumentException(
          "slice [" + from + ", " + to + ") is not within the frame's " + rowCount + " rows");
    }
    if (from == 0 && to == rowCount) {
      return this;
    }
    Column[] cols = new Column[columns.length];
    for (int i = 0; i < cols.length; i++) {
      cols[i] = columns[i].slice(from, to);
    }
    return new Frame(schema, cols, to - from);
  }

  /**
   * Concatenates frames of one schema into a heap frame (string dictionaries are merged); a single
   * frame is returned as it is.
   *
   * @param frames frames with equal schemas; at least one
   * @return their rows, in order
   */
  public static Frame concat(List<Frame> frames) {
    if (frames.isEmpty()) {
      throw new InvalidArgumentException("nothing to concatenate: give at least one frame");
    }
    if (frames.size() == 1) {
      return frames.get(0);
    }
    Schema s = frames.get(0).schema;
    long total = 0;
    for (Frame f : frames) {
      if (!f.schema.equals(s)) {
        throw new SchemaException("cannot concatenate frames of schemas " + s + " and " + f.schema);
      }
      total += f.rowCount;
    }
    if (total > Integer.MAX_VALUE) {
      throw new InvalidArgumentException("concatenation of " + total
          + " rows exceeds the limit of " + Integer.MAX_VALUE + " rows per frame");
    }
    int n = (int) total;
    Column[] cols = new Column[s.size()];
    NullMask[] masks = new NullMask[frames.size()];
    for (int c = 0; c < cols.length; c++) {
      for (int k = 0; k < masks.length; k++) {
        masks[k] = frames.get(k).columns[c].nulls();
      }
      cols[c] = concatColumn(s.field(c).type(), frames, c, n, NullMask.concat(masks));
    }
    return new Frame(s, cols, n);
  }

  private static Column concatColumn(ColumnType type, List<Frame> frames, int c, int n,
      NullMask nulls) {
    int pos = 0;
    switch (type) {
      case TIMESTAMP:
      case INT64: {
        long[] out = new long[n];
        for (Frame f : frames) {
          LongColumn col = (LongColumn) f.columns[c];
          col.copyTo(0, out, pos, col.size());
          pos += col.size();
        }
        return LongColumn.wrap(type, out, nulls);
      }
      case INT32: {
        int[] out = new int[n];
        for (Frame f : frames) {
          IntColumn col = (IntColumn) f.columns[c];
          col.copyTo(0, out, pos, col.size());
          pos += col.size();
        }
        return IntColumn.wrap(type, out, nulls);
      }
      case FLOAT64: {
        double[] out = new double[n];
        for (Frame f : frames) {
          DoubleColumn col = (DoubleColumn) f.columns[c];
          col.copyTo(0, out, pos, col.size());
          pos += col.size();
        }
        return DoubleColumn.wrap(type, out, nulls);
      }
      case FLOAT32: {
        float[] out = new float[n];
        for (Frame f : frames) {
          FloatColumn col = (FloatColumn) f.columns[c];
          col.copyTo(0, out, pos, col.size());
          pos += col.size();
        }
        return FloatColumn.wrap(type, out, nulls);
      }
      case BOOL: {
        byte[] out = new byte[n];
        for (Frame f : frames) {
          BoolColumn col = (BoolColumn) f.columns[c];
          for (int r = 0; r < col.size(); r++) {
            out[pos++] = col.get(r) ? (byte) 1 : 0;
          }
        }
        return BoolColumn.wrap(out, nulls);
      }
      case STRING:
        return concatStrings(frames, c, n, nulls);
      default:
        throw new AssertionError(type);
    }
  }

  private static Column concatStrings(List<Frame> frames, int c, int n, NullMask nulls) {
    StringDictionary first = ((StringColumn) frames.get(0).columns[c]).dictionary();
    boolean shared = true;
    for (Frame f : frames) {
      shared &= ((StringColumn) f.columns[c]).dictionary() == first;
    }
    int[] codes = new int[n];
    int pos = 0;
    if (shared) {
      for (Frame f : frames) {
        IntColumn col = ((StringColumn) f.columns[c]).codes();
        col.copyTo(0, codes, pos, col.size());
        pos += col.size();
      }
      return StringColumn.ofCodes(IntColumn.wrap(ColumnType.INT32, codes, NullMask.none(n)), first,
          nulls);
    }
    // merge dictionaries entry by entry, then remap codes through an int table per frame
    Map<String, Integer> ids = new HashMap<>();
    List<String> merged = new ArrayList<>();
    Map<StringDictionary, int[]> remaps = new LinkedHashMap<>();
    for (Frame f : frames) {
      StringColumn col = (StringColumn) f.columns[c];
      int[] remap = remaps.get(col.dictionary());
      if (remap == null) {
        StringDictionary d = col.dictionary();
        remap = new int[d.size()];
        for (int i = 0; i < remap.length; i++) {
          String v = d.get(i);
          Integer id = ids.get(v);
          if (id == null) {
            id = merged.size();
            ids.put(v, id);
            merged.add(v);
          }
          remap[i] = id;
        }
        remaps.put(d, remap);
      }
      IntColumn cc = col.codes();
      NullMask m = col.nulls();
      for (int r = 0, size = cc.size(); r < size; r++) {
        codes[pos++] = m.isNull(r) ? 0 : remap[cc.get(r)];
      }
    }
    return StringColumn.ofCodes(IntColumn.wrap(ColumnType.INT32, codes, NullMask.none(n)),
        StringDictionary.of(merged.toArray(new String[0])), nulls);
  }

  /** @return an estimate of the memory the frame's columns hold, in bytes */
  public long sizeInBytes() {
    long n = 64;
    for (Column c : columns) {
      n += c.sizeInBytes();
    }
    return n;
  }

  /**
   * The rows as maps from column name to boxed value (see {@link Column#getObject(int)}); for small
   * frames and tests.
   *
   * @return one map per row, in column order
   */
  public List<Map<String, Object>> toRecords() {
    List<Map<String, Object>> out = new ArrayList<>(rowCount);
    for (int r = 0; r < rowCount; r++) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int c = 0; c < columns.length; c++) {
        m.put(schema.field(c).name(), columns[c].getObject(r));
      }
      out.add(m);
    }
    return out;
  }

  /** Frames are equal when their schemas are equal and their columns are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f && f.rowCount == rowCount && f.schema.equals(schema)
        && Arrays.equals(f.columns, columns);
  }

  @Override
  public int hashCode() {
    return schema.hashCode() * 31 + Arrays.hashCode(columns);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Frame[").append(rowCount).append(" rows x ")
        .append(schema).append(']');
    int n = Math.min(rowCount, 5);
    for (int r = 0; r < n; r++) {
      sb.append("\n  ");
      for (int c = 0; c < columns.length; c++) {
        sb.append(c == 0 ? "" : " | ").append(columns[c].getObject(r));
      }
    }
    if (rowCount > n) {
      sb.append("\n  ...");
    }
    return sb.toString();
  }
}
