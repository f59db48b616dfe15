package org.optstore.core.filter;

import java.util.NoSuchElementException;
import java.util.Set;
import org.optstore.BoundPredicate;
import org.optstore.BoundQuery;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.LongColumn;
import org.optstore.Schema;
import org.optstore.Selection;
import org.optstore.TimeRange;
import org.optstore.spi.Pushdown;

/**
 * Turns what a format reader returned into the exact answer to a query by applying what the
 * reader did not (its {@link org.optstore.spi.FormatReader#pushdown} report): the time range (a
 * binary search and a zero-copy slice when the column is sorted, the range kernel otherwise), the
 * predicate (the compiled kernels, evaluated after the time cut on the rows left), the limit
 * (always, since it is cheap and only exact after the other two), and the projection to the
 * output columns. Stateless and thread-safe.
 */
public final class ResultRefiner {
  private ResultRefiner() {}

  /**
   * @param read a frame holding at least the query's read columns and every matching row, in
   *     storage order
   * @param query the bound query
   * @param applied what the reader applied exactly
   * @param timeSorted whether the dataset's time column is non-decreasing
   * @return exactly the matching rows, limited and projected to the output schema
   */
  public static Frame refine(Frame read, BoundQuery query, Set<Pushdown> applied,
      boolean timeSorted) {
    return refine(read, query, applied, timeSorted, query.limit().orElse(-1));
  }

  private static Frame refine(Frame read, BoundQuery query, Set<Pushdown> applied,
      boolean timeSorted, int limit) {
    Frame cur = read;
    long[] bits = null;
    if (query.hasTimeRange() && !applied.contains(Pushdown.TIME_RANGE)) {
      LongColumn time = cur.longs(query.timeColumn().orElseThrow());
      if (timeSorted) {
        int[] cut = TimeIndex.cut(time, query.timeRange());
        cur = cur.slice(cut[0], cut[1]);
      } else {
        bits = TimeIndex.scan(time, query.timeRange());
      }
    }
    BoundPredicate p = query.predicate().orElse(null);
    if (p != null && !applied.contains(Pushdown.PREDICATE) && cur.rowCount() > 0) {
      long[] pb = PredicateKernel.compile(p, cur).evaluate();
      if (bits == null) {
        bits = pb;
      } else {
        for (int i = 0; i < bits.length; i++) {
          bits[i] &= pb[i];
        }
      }
    }
    Frame out = cur.project(query.outputColumns());
    Selection sel = bits == null ? null : Selection.ofBitmap(out.rowCount(), bits);
    if (limit >= 0 && limit < (sel == null ? out.rowCount() : sel.count())) {
      sel = (sel == null ? Selection.all(out.rowCount()) : sel).limit(limit);
    }
    if (sel != null) {
      out = out.select(sel);
    }
    return Frame.of(query.outputSchema(), out.columns());
  }

  /**
   * Refines a reader's batches one by one, as {@link #refine(Frame, BoundQuery, Set, boolean)}
   * does for one frame, carrying the limit across batches, dropping empty batches, and stopping
   * early once a sorted time column passes the end of the range.
   *
   * @param batches the reader's batches; closed with the returned stream
   * @param query the bound query
   * @param applied what the reader applied exactly
   * @param timeSorted whether the dataset's time column is non-decreasing
   * @return the exact batches
   */
  public static FrameStream refine(FrameStream batches, BoundQuery query, Set<Pushdown> applied,
      boolean timeSorted) {
    return new RefinedStream(batches, query, applied, timeSorted);
  }

  private static final class RefinedStream implements FrameStream {
    private final FrameStream source;
    private final BoundQuery query;
    private final Set<Pushdown> applied;
    private final boolean timeSorted;
    private final Schema schema;
    private int remaining;
    private boolean done;
    private boolean closed;
    private Frame next;

    RefinedStream(FrameStream source, BoundQuery query, Set<Pushdown> applied,
        boolean timeSorted) {
      this.source = source;
      this.query = query;
      this.applied = applied;
      this.timeSorted = timeSorted;
      this.schema = query.outputSchema();
      this.remaining = query.limit().orElse(-1);
      this.done = remaining == 0;
    }

    @Override
    public Schema schema() {
      return schema;
    }

    @Override
    public boolean hasNext() {
      while (next == null && !done) {
        if (!source.hasNext()) {
          done = true;
          break;
        }
        Frame batch = source.next();
        if (passesRangeEnd(batch)) {
          done = true;
        }
        Frame f = refine(batch, query, applied, timeSorted, remaining);
        if (remaining >= 0) {
          remaining -= f.rowCount();
          done |= remaining == 0;
        }
        if (f.rowCount() > 0) {
          next = f;
        }
      }
      if (next == null) {
        close();
      }
      return next != null;
    }

    private boolean passesRangeEnd(Frame batch) {
      TimeRange r = query.timeRange();
      if (!timeSorted || !r.hasTo() || batch.rowCount() == 0) {
        return false;
      }
      String time = query.timeColumn().orElseThrow();
      if (!batch.schema().contains(time)) {
        return false;
      }
      return batch.longs(time).get(batch.rowCount() - 1) >= r.toMicros();
    }

    @Override
    public Frame next() {
      if (!hasNext()) {
        throw new NoSuchElementException("no more batches");
      }
      Frame f = next;
      next = null;
      return f;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        done = true;
        source.close();
      }
    }
  }
}
