package org.optstore.format.parquet;

import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.optstore.Column;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.StringColumn;
import org.optstore.WriteOptions;

/**
 * Reads a Parquet file written by another tool (DuckDB, Spark, pandas/pyarrow), one row group per
 * batch, converting its types to ours; the time column named in the options may be converted from
 * epoch numbers or from text.
 */
final class ForeignImport {
  private ForeignImport() {}

  /** Our schema for a foreign file, before time conversion of a non-TIMESTAMP time column. */
  static Schema schemaOf(ParquetFileIndex file, WriteOptions options) {
    List<Field> fields = new ArrayList<>();
    for (ColumnMapping m : file.mappings) {
      fields.add(Field.of(m.name, m.kind));
    }
    if (options.noTimeColumn()) {
      return Schema.withoutTimeColumn(fields);
    }
    String time = options.timeColumn().orElse(null);
    if (time == null) {
      return Schema.of(fields);
    }
    int idx = indexOf(fields, time, file);
    ColumnType t = fields.get(idx).type();
    if (t != ColumnType.TIMESTAMP) {
      boolean numeric = (t == ColumnType.INT64 || t == ColumnType.INT32) && options.epochUnit().isPresent();
      boolean text = t == ColumnType.STRING;
      if (!numeric && !text) {
        throw new SchemaException("time column '" + time + "' of " + file.in.path() + " has type " + t
            + "; give an epoch unit for integer time values, or use a TIMESTAMP or text column");
      }
      fields.set(idx, Field.of(time, ColumnType.TIMESTAMP));
    }
    return Schema.of(fields, time);
  }

  private static int indexOf(List<Field> fields, String name, ParquetFileIndex file) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(name)) {
        return i;
      }
    }
    List<String> names = new ArrayList<>();
    for (Field f : fields) {
      names.add(f.name());
    }
    throw new SchemaException("time column '" + name + "' is not a column of " + file.in.path() + "; its columns are "
        + names);
  }

  static FrameStream stream(Path path, WriteOptions options) {
    ParquetFileIndex file = ParquetFormat.open(path, true, null, "import of " + path);
    Schema schema;
    try {
      schema = schemaOf(file, options);
    } catch (RuntimeException e) {
      try {
        file.close();
      } catch (IOException ignored) {
        // the schema error is what matters
      }
      throw e;
    }
    int[] projection = new int[file.mappings.size()];
    for (int i = 0; i < projection.length; i++) {
      projection[i] = i;
    }
    int timeIdx = schema.timeColumnIndex();
    ParquetScan scan = new ParquetScan(file, projection, -1, Long.MIN_VALUE, Long.MAX_VALUE, false, null);
    return new FrameStream() {
      private int group;
      private boolean closed;

      @Override
      public Schema schema() {
        return schema;
      }

      @Override
      public boolean hasNext() {
        return !closed && group < file.groups.length;
      }

      @Override
      public Frame next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more row groups in " + path);
        }
        ReadColumn[] cols;
        long firstRow = file.groups[group].firstRow;
        try {
          cols = scan.run(null, group, group + 1);
        } catch (IOException e) {
          throw new CorruptDataException("cannot import " + path + ": " + e.getMessage(), e);
        } catch (org.optstore.DataStoreException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new CorruptDataException("cannot import " + path + ": malformed data (" + e + ")", e);
        }
        group++;
        List<Column> out = new ArrayList<>(cols.length);
        for (int c = 0; c < cols.length; c++) {
          Column col = FrameAssembler.column(cols[c]);
          if (c == timeIdx && cols[c].kind != ColumnType.TIMESTAMP) {
            col = toTimestamps(col, schema.field(c).name(), options, path, firstRow);
          }
          if (c == timeIdx && col.nullCount() > 0) {
            int r = 0;
            while (!col.isNull(r)) {
              r++;
            }
            throw new SchemaException("time column '" + schema.field(c).name() + "' of " + path + " has a null at row "
                + (firstRow + r) + "; the time column must not hold nulls (import with another time column or none)");
          }
          out.add(col);
        }
        return Frame.of(schema, out);
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          try {
            file.close();
          } catch (IOException ignored) {
            // nothing was written; the mapping stays valid for frames already returned
          }
        }
      }
    };
  }

  private static Column toTimestamps(Column col, String name, WriteOptions options, Path path, long firstRow) {
    int n = col.size();
    long[] micros = new long[n];
    if (col instanceof LongColumn || col instanceof IntColumn) {
      TimeUnit unit = options.epochUnit().orElseThrow();
      for (int r = 0; r < n; r++) {
        if (col.isNull(r)) {
          continue;
        }
        long v = col instanceof LongColumn l ? l.get(r) : ((IntColumn) col).get(r);
        micros[r] = unit.toMicros(v);
        if ((micros[r] == Long.MAX_VALUE || micros[r] == Long.MIN_VALUE) && v != 0) {
          throw new SchemaException("time value " + v + " " + unit + " in column '" + name + "' at row "
              + (firstRow + r) + " of " + path + " is out of the range of epoch microseconds");
        }
      }
    } else {
      StringColumn s = (StringColumn) col;
      DateTimeFormatter f = options.timePattern().map(DateTimeFormatter::ofPattern).orElse(null);
      for (int r = 0; r < n; r++) {
        if (col.isNull(r)) {
          continue;
        }
        String text = s.get(r);
        try {
          micros[r] = parse(text, f, options);
        } catch (DateTimeParseException | ArithmeticException e) {
          throw new SchemaException("time value '" + text + "' in column '" + name + "' at row " + (firstRow + r)
              + " of " + path + " cannot be read as a time" + options.timePattern().map(p -> " with pattern '" + p
                  + "'").orElse(" (ISO-8601 expected)") + ": " + e.getMessage());
        }
      }
    }
    return LongColumn.ofBuffers(ColumnType.TIMESTAMP, List.of(LongBuffer.wrap(micros)), col.nulls());
  }

  private static long parse(String text, DateTimeFormatter pattern, WriteOptions options) {
    Instant t;
    if (pattern != null) {
      TemporalAccessor a = pattern.parse(text);
      if (a.isSupported(java.time.temporal.ChronoField.OFFSET_SECONDS)) {
        t = OffsetDateTime.from(a).toInstant();
      } else if (a.isSupported(java.time.temporal.ChronoField.HOUR_OF_DAY)) {
        t = LocalDateTime.from(a).atZone(options.zone()).toInstant();
      } else {
        t = LocalDate.from(a).atStartOfDay(options.zone()).toInstant();
      }
    } else {
      try {
        t = OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        try {
          t = ZonedDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e2) {
          try {
            t = LocalDateTime.parse(text).atZone(java.time.ZoneOffset.UTC).toInstant();
          } catch (DateTimeParseException e3) {
            t = LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
          }
        }
      }
    }
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }
}
