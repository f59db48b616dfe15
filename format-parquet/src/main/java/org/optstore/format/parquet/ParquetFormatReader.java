package org.optstore.format.parquet;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.optstore.BoundQuery;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.InvalidArgumentException;
import org.optstore.Schema;
import org.optstore.TimeRange;
import org.optstore.spi.FormatReader;
import org.optstore.spi.Pushdown;

/**
 * An open Parquet file. Applies the time range and the predicate exactly (row groups and pages
 * pruned by statistics first), reads only the asked columns, and is shared by concurrent reads.
 */
final class ParquetFormatReader implements FormatReader {
  private final ParquetFileIndex file;
  private final Schema schema;
  private final boolean timeSorted;
  private final ExecutorService pool;
  private final String description;

  ParquetFormatReader(ParquetFileIndex file, Schema schema, boolean timeSorted, ExecutorService pool,
      String description) {
    this.file = file;
    this.schema = schema;
    this.timeSorted = timeSorted;
    this.pool = pool;
    this.description = description;
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public long rowCount() {
    return file.rows;
  }

  @Override
  public Set<Pushdown> pushdown(BoundQuery query) {
    Set<Pushdown> s = EnumSet.of(Pushdown.PREDICATE);
    if (schema.timeColumnIndex() >= 0) {
      s.add(Pushdown.TIME_RANGE);
    }
    return s;
  }

  private ParquetScan scan(BoundQuery query) {
    if (!query.schema().equals(schema)) {
      throw new InvalidArgumentException("query bound to " + query.schema() + " given to a reader of "
          + description + " whose schema is " + schema);
    }
    List<String> cols = query.readColumns();
    int[] projection = new int[cols.size()];
    for (int i = 0; i < projection.length; i++) {
      projection[i] = schema.indexOf(cols.get(i));
    }
    TimeRange tr = query.timeRange();
    long from = tr.hasFrom() ? tr.fromMicros() : Long.MIN_VALUE;
    long to = tr.hasTo() ? tr.toMicros() : Long.MAX_VALUE;
    RowFilter filter = query.predicate().map(p -> PredicateCompiler.compile(p, schema)).orElse(null);
    if (tr.isEmpty()) {
      filter = new RowFilter.Constant(RowFilter.FALSE);
    } else if (tr.hasTo() && to == Long.MAX_VALUE) {
      // the scan reads Long.MAX_VALUE as "no end"; an explicit end there still excludes that instant
      int t = schema.timeColumnIndex();
      RowFilter below = LeafFilter.number(t, schema.field(t).type(), RowFilter.Op.LT, to, to);
      filter = filter == null ? below : new RowFilter.And(below, filter);
    }
    return new ParquetScan(file, projection, schema.timeColumnIndex(), from, to, timeSorted, filter);
  }

  @Override
  public Frame read(BoundQuery query) {
    ParquetScan s = scan(query);
    try {
      return FrameAssembler.frame(query.readSchema(), s.run(pool));
    } catch (IOException e) {
      throw corrupt(e);
    } catch (DataStoreException e) {
      throw e;
    } catch (RuntimeException e) {
      // a structure that decodes to nonsense (only possible without checksums): never rows
      throw corrupt(new IOException(e.toString(), e));
    }
  }

  private CorruptDataException corrupt(IOException e) {
    return new CorruptDataException("corrupt Parquet data in " + description + " (" + file.in.path() + "): "
        + e.getMessage() + "; the dataset can be rebuilt from its raw copy", e);
  }

  @Override
  public FrameStream stream(BoundQuery query, int batchRows) {
    if (batchRows < 1) {
      throw new InvalidArgumentException("batch size must be at least 1 row, got " + batchRows);
    }
    ParquetScan s = scan(query);
    Schema out = query.readSchema();
    return new FrameStream() {
      private int group;
      private final Deque<Frame> ready = new ArrayDeque<>();
      private boolean closed;

      @Override
      public Schema schema() {
        return out;
      }

      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && !closed && group < file.groups.length) {
          Frame f;
          try {
            f = FrameAssembler.frame(out, s.run(null, group, group + 1));
          } catch (IOException e) {
            throw corrupt(e);
          } catch (DataStoreException e) {
            throw e;
          } catch (RuntimeException e) {
            throw corrupt(new IOException(e.toString(), e));
          }
          group++;
          for (int r = 0; r < f.rowCount(); r += batchRows) {
            ready.add(f.slice(r, Math.min(f.rowCount(), r + batchRows)));
          }
        }
        return !ready.isEmpty();
      }

      @Override
      public Frame next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more batches in " + description);
        }
        return ready.poll();
      }

      @Override
      public void close() {
        closed = true;
        ready.clear();
      }
    };
  }

  @Override
  public void close() {
    try {
      file.close();
    } catch (IOException e) {
      throw new DataStoreException("cannot close " + description + ": " + e.getMessage(), e);
    }
  }
}
