package org.optstore.core.importer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalType;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableFileInput;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;
import org.optstore.Column;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.DataStoreException;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.InvalidArgumentException;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;
import org.optstore.core.records.TimeValues;

/**
 * Reads an Avro container file (any codec the Avro library has without extra jars: null,
 * deflate, bzip2, xz) batch by batch, decoding each record straight into column builders with
 * the file's own schema. The file's schema is a record of flat fields; each maps to a column:
 *
 * <table>
 * <caption>Avro to optstore</caption>
 * <tr><th>Avro</th><th>column</th></tr>
 * <tr><td>boolean</td><td>BOOL</td></tr>
 * <tr><td>int</td><td>INT32</td></tr>
 * <tr><td>long</td><td>INT64</td></tr>
 * <tr><td>float / double</td><td>FLOAT32 / FLOAT64</td></tr>
 * <tr><td>string (also with logical type uuid)</td><td>STRING</td></tr>
 * <tr><td>long with timestamp-millis / -micros / -nanos</td><td>TIMESTAMP (nanoseconds rounded
 * down to microseconds)</td></tr>
 * <tr><td>long with local-timestamp-millis / -micros / -nanos</td><td>TIMESTAMP, read in the
 * options' zone (UTC by default)</td></tr>
 * <tr><td>null</td><td>STRING holding only nulls</td></tr>
 * <tr><td>union of null and one of the above</td><td>that column, nullable</td></tr>
 * </table>
 *
 * <p>Anything else (records, arrays, maps, enums, fixed, bytes, other unions, other logical types)
 * is a {@link SchemaException} naming the field. A field's column name is the field's name, or
 * the {@code optstore.column} property of optstore's own raw copies. The time column follows the
 * engine's rule: the one {@link WriteOptions} names (a string field is read with the options'
 * pattern, zone or ISO-8601, a number field in their epoch unit), else a field named {@code
 * timestamp} (likewise), else the only TIMESTAMP field unless it holds a null.
 */
final class AvroImport implements FrameStream {
  private static final String COLUMN_PROP = "optstore.column";

  // how a column's values are read
  private static final int BOOL = 0;
  private static final int INT32 = 1;
  private static final int INT64 = 2;
  private static final int FLOAT32 = 3;
  private static final int FLOAT64 = 4;
  private static final int STRING = 5;
  private static final int NULL = 6;
  private static final int TS_MILLIS = 7;
  private static final int TS_MICROS = 8;
  private static final int TS_NANOS = 9;
  private static final int LOCAL_MILLIS = 10;
  private static final int LOCAL_MICROS = 11;
  private static final int LOCAL_NANOS = 12;
  private static final int TIME_STRING = 13;
  private static final int TIME_EPOCH_INT = 14;
  private static final int TIME_EPOCH_LONG = 15;
  private static final int TIME_EPOCH_FLOAT = 16;
  private static final int TIME_EPOCH_DOUBLE = 17;

  private final Path file;
  private final Schema schema;
  private final DataFileReader<Object> stream;
  private final long length;
  private final RowDecoder decoder;
  private final int batchRows;
  private long rows;

  private AvroImport(Path file, Schema schema, DataFileReader<Object> stream, RowDecoder decoder,
      int batchRows, long length) {
    this.file = file;
    this.length = length;
    this.schema = schema;
    this.stream = stream;
    this.decoder = decoder;
    this.batchRows = batchRows;
  }

  /**
   * @param file an Avro container file
   * @param options the time column options
   * @param batchRows the most rows per batch
   * @param ruleTime whether the rule may choose the only TIMESTAMP field as the time column (false
   *     after that field turned out to hold a null)
   * @return the import, before the first row
   * @throws SchemaException naming a field that cannot be imported
   */
  static AvroImport open(Path file, WriteOptions options, int batchRows, boolean ruleTime) {
    DataFileReader<Object> stream = null;
    try {
      SeekableFileInput in = new SeekableFileInput(file.toFile());
      RowDecoder decoder = new RowDecoder(file, options);
      try {
        stream = new DataFileReader<>(in, decoder);
      } catch (IOException | RuntimeException | LinkageError e) {
        in.close();
        throw e;
      }
      Schema schema = decoder.map(stream.getSchema(), ruleTime);
      return new AvroImport(file, schema, stream, decoder, batchRows, in.length());
    } catch (IOException | AvroRuntimeException e) {
      closeQuietly(stream);
      throw new DataStoreException("cannot read file " + file + " as an Avro container file: "
          + e.getMessage() + "; check that it is a complete Avro data file", e);
    } catch (LinkageError e) {
      closeQuietly(stream);
      throw new DataStoreException("cannot read file " + file + ": its Avro codec needs a "
          + "library that is not on the class path (" + e + "); rewrite it with the deflate or "
          + "null codec, or add the codec's library", e);
    } catch (RuntimeException e) {
      closeQuietly(stream);
      throw e;
    }
  }

  private static void closeQuietly(DataFileReader<?> s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // reading only: nothing to lose
      }
    }
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public boolean hasNext() {
    try {
      if (stream.hasNext()) {
        return true;
      }
      // Avro's reader takes a block cut short by the end of the file for the end: the last
      // complete block must end where the file does
      if (stream.previousSync() != length) {
        throw new DataStoreException("file " + file + " ends inside a block after record " + rows
            + " (the last complete block ends at byte " + stream.previousSync() + " of " + length
            + "); it is truncated or damaged");
      }
      return false;
    } catch (AvroRuntimeException e) {
      throw damaged(e);
    }
  }

  @Override
  public Frame next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more records in " + file);
    }
    decoder.start(batchRows, rows);
    int n = 0;
    try {
      while (n < batchRows && stream.hasNext()) {
        stream.next(null);
        n++;
      }
    } catch (IOException | AvroRuntimeException e) {
      throw damaged(e);
    }
    rows += n;
    return Frame.of(schema, decoder.finish());
  }

  private DataStoreException damaged(Exception e) {
    return new DataStoreException("cannot read file " + file + " after record " + rows + " ("
        + e.getMessage() + "); it is damaged or truncated", e);
  }

  @Override
  public void close() {
    closeQuietly(stream);
  }

  /** Decodes one record straight into the column builders. */
  private static final class RowDecoder implements DatumReader<Object> {
    private final Path file;
    private final WriteOptions options;
    private final TimeValues times;
    private final Utf8 utf8 = new Utf8();
    private String[] names;
    private int[] ops;
    private int[] nullBranch; // -1 when the field is not a union
    private int timeIndex = -1;
    private boolean ruleTime; // whether timeIndex was chosen by the rule
    private ZoneOffset fixedOffset; // for local timestamps in a fixed-offset zone
    private ColumnBuilder[] builders;
    private long row;

    RowDecoder(Path file, WriteOptions options) {
      this.file = file;
      this.options = options;
      this.times = new TimeValues(options);
      if (options.zone().getRules().isFixedOffset()) {
        fixedOffset = options.zone().getRules().getOffset(java.time.Instant.EPOCH);
      }
    }

    /** Maps the file's schema to ours; throws naming the first field that does not map. */
    Schema map(org.apache.avro.Schema avro, boolean allowRuleTime) {
      if (avro.getType() != org.apache.avro.Schema.Type.RECORD) {
        throw new SchemaException("file " + file + " holds Avro values of type " + avro.getType()
            + ", not records; import files of flat records");
      }
      List<org.apache.avro.Schema.Field> fs = avro.getFields();
      int n = fs.size();
      names = new String[n];
      ops = new int[n];
      nullBranch = new int[n];
      List<Field> fields = new ArrayList<>(n);
      String named = options.noTimeColumn() ? null : options.timeColumn().orElse(null);
      String forced = null;
      for (int i = 0; i < n; i++) {
        org.apache.avro.Schema.Field f = fs.get(i);
        String prop = f.getProp(COLUMN_PROP);
        names[i] = prop != null ? prop : f.name();
        boolean isForced = !options.noTimeColumn() && (named != null ? names[i].equals(named)
            : names[i].equals(Schema.DEFAULT_TIME_COLUMN));
        org.apache.avro.Schema value = f.schema();
        nullBranch[i] = -1;
        if (value.getType() == org.apache.avro.Schema.Type.UNION) {
          value = unionValue(value, i);
        }
        ops[i] = isForced ? timeOp(value, names[i]) : op(value, names[i]);
        ColumnType type = type(ops[i]);
        if (isForced) {
          forced = names[i];
          timeIndex = i;
        }
        try {
          fields.add(Field.of(names[i], type));
        } catch (InvalidArgumentException e) {
          throw new SchemaException("file " + file + ": Avro field '" + f.name() + "': "
              + e.getMessage(), e);
        }
      }
      try {
        if (options.noTimeColumn()) {
          return Schema.withoutTimeColumn(fields);
        }
        if (forced != null) {
          return Schema.of(fields, forced);
        }
        if (named != null) {
          throw new SchemaException("time column '" + named + "' named in WriteOptions is not a "
              + "field of " + file + " (fields: " + List.of(names) + ")");
        }
        Schema s = Schema.of(fields);
        if (s.timeColumn().isPresent() && !allowRuleTime) {
          return Schema.withoutTimeColumn(fields);
        }
        if (s.timeColumn().isPresent()) {
          timeIndex = s.timeColumnIndex();
          ruleTime = true;
        }
        return s;
      } catch (InvalidArgumentException e) {
        throw new SchemaException("file " + file + ": " + e.getMessage(), e);
      }
    }

    private org.apache.avro.Schema unionValue(org.apache.avro.Schema union, int i) {
      List<org.apache.avro.Schema> types = union.getTypes();
      if (types.size() == 2) {
        for (int b = 0; b < 2; b++) {
          if (types.get(b).getType() == org.apache.avro.Schema.Type.NULL
              && types.get(1 - b).getType() != org.apache.avro.Schema.Type.UNION) {
            nullBranch[i] = b;
            return types.get(1 - b);
          }
        }
      }
      if (types.size() == 1) {
        return types.get(0);
      }
      throw new SchemaException("Avro field '" + names[i] + "' of file " + file + " is the union "
          + union + "; optstore imports unions of null and one type only");
    }

    private int op(org.apache.avro.Schema s, String name) {
      LogicalType lt = s.getLogicalType();
      String logical = lt == null ? null : lt.getName();
      switch (s.getType()) {
        case BOOLEAN:
          return logical == null ? BOOL : refuse(s, name);
        case INT:
          return logical == null ? INT32 : refuse(s, name);
        case LONG:
          if (logical == null) {
            return INT64;
          }
          return switch (logical) {
            case "timestamp-millis" -> TS_MILLIS;
            case "timestamp-micros" -> TS_MICROS;
            case "timestamp-nanos" -> TS_NANOS;
            case "local-timestamp-millis" -> LOCAL_MILLIS;
            case "local-timestamp-micros" -> LOCAL_MICROS;
            case "local-timestamp-nanos" -> LOCAL_NANOS;
            default -> refuse(s, name);
          };
        case FLOAT:
          return logical == null ? FLOAT32 : refuse(s, name);
        case DOUBLE:
          return logical == null ? FLOAT64 : refuse(s, name);
        case STRING:
          return logical == null || logical.equals("uuid") ? STRING : refuse(s, name);
        case NULL:
          return NULL;
        default:
          return refuse(s, name);
      }
    }

    /** The time column (named, or called {@code timestamp}): converted to TIMESTAMP. */
    private int timeOp(org.apache.avro.Schema s, String name) {
      int op = op(s, name);
      if (type(op) == ColumnType.TIMESTAMP) {
        return op;
      }
      if (op == STRING) {
        return TIME_STRING;
      }
      boolean numeric = op == INT32 || op == INT64 || op == FLOAT32 || op == FLOAT64;
      if (numeric && options.epochUnit().isPresent()) {
        return switch (op) {
          case INT32 -> TIME_EPOCH_INT;
          case INT64 -> TIME_EPOCH_LONG;
          case FLOAT32 -> TIME_EPOCH_FLOAT;
          default -> TIME_EPOCH_DOUBLE;
        };
      }
      throw new SchemaException("time column '" + name + "' of file " + file + " is an Avro "
          + s.getType().getName() + (numeric ? " without a timestamp logical type; give "
          + "WriteOptions.epochUnit to read it as epoch time" : "; a time column holds "
          + "timestamps, ISO-8601 strings or epoch numbers") + ", or import with "
          + (options.timeColumn().isPresent() ? "another time column" : "noTimeColumn()"));
    }

    private int refuse(org.apache.avro.Schema s, String name) {
      LogicalType lt = s.getLogicalType();
      throw new SchemaException("Avro field '" + name + "' of file " + file + " has the type "
          + (lt != null ? s.getType().getName() + " with logical type " + lt.getName()
          : s.getType().getName()) + ", which optstore cannot store; import flat records of "
          + "boolean, int, long, float, double, string and long timestamps (timestamp-millis, "
          + "-micros, -nanos), each optionally in a union with null");
    }

    private static ColumnType type(int op) {
      return switch (op) {
        case BOOL -> ColumnType.BOOL;
        case INT32 -> ColumnType.INT32;
        case INT64 -> ColumnType.INT64;
        case FLOAT32 -> ColumnType.FLOAT32;
        case FLOAT64 -> ColumnType.FLOAT64;
        case STRING, NULL -> ColumnType.STRING;
        default -> ColumnType.TIMESTAMP;
      };
    }

    void start(int expected, long firstRow) {
      builders = new ColumnBuilder[ops.length];
      for (int c = 0; c < ops.length; c++) {
        builders[c] = ColumnBuilder.of(type(ops[c]), expected);
      }
      row = firstRow;
    }

    List<Column> finish() {
      List<Column> out = new ArrayList<>(builders.length);
      for (ColumnBuilder b : builders) {
        out.add(b.build());
      }
      builders = null;
      return out;
    }

    @Override
    public void setSchema(org.apache.avro.Schema s) {}

    @Override
    public Object read(Object reuse, Decoder in) throws IOException {
      for (int c = 0; c < ops.length; c++) {
        ColumnBuilder b = builders[c];
        if (nullBranch[c] >= 0 && in.readIndex() == nullBranch[c]) {
          in.readNull();
          if (c == timeIndex) {
            nullInTime(c);
          }
          b.appendNull();
          continue;
        }
        switch (ops[c]) {
          case BOOL -> b.appendBoolean(in.readBoolean());
          case INT32 -> b.appendInt(in.readInt());
          case INT64 -> b.appendLong(in.readLong());
          case FLOAT32 -> b.appendFloat(in.readFloat());
          case FLOAT64 -> b.appendDouble(in.readDouble());
          case STRING -> b.appendString(in.readString(utf8).toString());
          case NULL -> {
            in.readNull();
            b.appendNull();
          }
          case TS_MILLIS -> b.appendLong(scaled(in.readLong(), 1000L, c));
          case TS_MICROS -> b.appendLong(in.readLong());
          case TS_NANOS -> b.appendLong(Math.floorDiv(in.readLong(), 1000L));
          case LOCAL_MILLIS -> b.appendLong(local(scaled(in.readLong(), 1000L, c)));
          case LOCAL_MICROS -> b.appendLong(local(in.readLong()));
          case LOCAL_NANOS -> b.appendLong(local(Math.floorDiv(in.readLong(), 1000L)));
          case TIME_STRING -> b.appendLong(time(in.readString(utf8).toString(), c));
          case TIME_EPOCH_INT -> b.appendLong(epoch(in.readInt(), c));
          case TIME_EPOCH_LONG -> b.appendLong(epoch(in.readLong(), c));
          case TIME_EPOCH_FLOAT -> b.appendLong(epoch((double) in.readFloat(), c));
          case TIME_EPOCH_DOUBLE -> b.appendLong(epoch(in.readDouble(), c));
          default -> throw new AssertionError(ops[c]);
        }
      }
      row++;
      return null;
    }

    private void nullInTime(int c) {
      if (ruleTime) {
        throw new ImportRetry("field '" + names[c] + "' holds a null at record " + row,
            Boolean.FALSE);
      }
      throw new SchemaException("file " + file + " record " + row + ": time column '" + names[c]
          + "' is null; every row needs a time value (import with WriteOptions.noTimeColumn() "
          + "to keep the nulls)");
    }

    private long scaled(long v, long factor, int c) {
      long r = v * factor;
      if (Math.multiplyHigh(v, factor) != (r >> 63)) {
        throw new SchemaException("file " + file + " record " + row + ": field '" + names[c]
            + "' holds " + v + ", outside the range of epoch microseconds");
      }
      return r;
    }

    private long local(long localMicros) {
      if (fixedOffset != null) {
        return localMicros - fixedOffset.getTotalSeconds() * 1_000_000L;
      }
      LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(localMicros, 1_000_000L),
          (int) Math.floorMod(localMicros, 1_000_000L) * 1000, ZoneOffset.UTC);
      return localMicros - options.zone().getRules().getOffset(t).getTotalSeconds() * 1_000_000L;
    }

    private long time(String v, int c) {
      try {
        return times.toMicros(v, names[c], row);
      } catch (SchemaException e) {
        throw new SchemaException("file " + file + " record " + row + ", field '" + names[c]
            + "': " + e.getMessage(), e);
      }
    }

    private long epoch(long v, int c) {
      try {
        return times.epochMicros(v, names[c], row);
      } catch (SchemaException e) {
        throw new SchemaException("file " + file + " record " + row + ": " + e.getMessage(), e);
      }
    }

    private long epoch(double v, int c) {
      try {
        return times.epochMicros(v, names[c], row);
      } catch (SchemaException e) {
        throw new SchemaException("file " + file + " record " + row + ": " + e.getMessage(), e);
      }
    }
  }
}
