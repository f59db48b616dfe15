package org.optstore.core.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.optstore.BoundQuery;
import org.optstore.Column;
import org.optstore.ColumnType;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.Schema;
import org.optstore.TimeRange;
import org.optstore.spi.FormatReader;

/**
 * A lease on an open reader from the {@link ReadCache}. While the lease is held the reader stays
 * open, even if the cache drops it meanwhile. For readers whose blocks are cached, {@link
 * #read(BoundQuery)} and {@link #stream(BoundQuery, int)} answer from the cached blocks, loading
 * the missing ones; the result is a superset of the matching rows that the engine then refines
 * exactly. Closing returns the lease (idempotent). One lease is used by one read.
 */
public final class CachedReader implements AutoCloseable {
  private final ReadCache cache; // null for a reader outside the cache
  private final ReaderEntry entry;
  private final boolean readsBlocks;
  private final AtomicBoolean closed = new AtomicBoolean();

  CachedReader(ReadCache cache, ReaderEntry entry, boolean readsBlocks) {
    this.cache = cache;
    this.entry = entry;
    this.readsBlocks = readsBlocks && cache != null;
  }

  /** @return the open reader (never closed by the caller) */
  public FormatReader reader() {
    return entry.reader;
  }

  /** @return whether {@link #read} and {@link #stream} can be used: blocks are cached */
  public boolean readsBlocks() {
    return readsBlocks;
  }

  /**
   * Whether a query should be read through the cached blocks. False when the blocks it needs and
   * the cache does not hold weigh more than the admission share of the cache (see {@link
   * ReadCache}) and were not asked for before: the caller then lets the format read the query
   * itself, and the next read asking for those blocks caches them.
   *
   * @param q the bound query
   * @return whether to call {@link #read} or {@link #stream}
   */
  public boolean admits(BoundQuery q) {
    return readsBlocks && cache.admits(entry, plan(q), q.readSchema());
  }

  /**
   * The blocks that may hold rows of a query, read through the cache and laid end to end without
   * copying: those whose time bounds overlap the range (two binary searches over the bounds when
   * the blocks are in time order), only as many as a limit needs when there is no predicate.
   *
   * @param q the bound query
   * @return at least the query's read columns and every matching row, in storage order
   */
  public Frame read(BoundQuery q) {
    requireBlocks();
    return assemble(q, plan(q), 0, -1);
  }

  /**
   * The blocks {@link #read} would use, a batch at a time (whole blocks, up to {@code batchRows}
   * rows per batch unless one block is larger). The lease is returned when the stream is closed.
   *
   * @param q the bound query
   * @param batchRows the rows per batch wanted
   * @return the batches
   */
  public FrameStream stream(BoundQuery q, int batchRows) {
    requireBlocks();
    int[] plan = plan(q);
    Schema schema = q.readSchema();
    return new FrameStream() {
      private int next;
      private boolean done;

      @Override
      public Schema schema() {
        return schema;
      }

      @Override
      public boolean hasNext() {
        return !done && next < plan.length;
      }

      @Override
      public Frame next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more batches of " + entry.key.dataset());
        }
        int from = next;
        long rows = entry.blockRows[plan[next++]];
        while (next < plan.length && rows + entry.blockRows[plan[next]] <= batchRows) {
          rows += entry.blockRows[plan[next++]];
        }
        return assemble(q, plan, from, next);
      }

      @Override
      public void close() {
        done = true;
        CachedReader.this.close();
      }
    };
  }

  private void requireBlocks() {
    if (!readsBlocks) {
      throw new IllegalStateException("the blocks of " + entry.key + " are not cached");
    }
  }

  /** @return positions into the entry's block index, ascending */
  private int[] plan(BoundQuery q) {
    TimeRange range = q.timeRange();
    boolean restricted = q.hasTimeRange();
    int[] sel = entry.overlapping(range, restricted);
    if (q.limit().isPresent() && q.predicate().isEmpty()) {
      // storage order is result order: once whole blocks inside the range hold enough rows,
      // later blocks cannot contribute
      long need = q.limit().getAsInt();
      long sure = 0;
      for (int i = 0; i < sel.length; i++) {
        if (entry.inside(sel[i], range, restricted)) {
          sure += entry.blockRows[sel[i]];
          if (sure >= need) {
            return Arrays.copyOf(sel, i + 1);
          }
        }
      }
    }
    return sel;
  }

  private Frame assemble(BoundQuery q, int[] plan, int from, int to) {
    int end = to < 0 ? plan.length : to;
    Schema schema = q.readSchema();
    if (end == from) {
      return Frame.empty(schema);
    }
    List<Column> cols = new ArrayList<>(schema.size());
    List<Column> parts = new ArrayList<>(end - from);
    for (int c = 0; c < schema.size(); c++) {
      String name = schema.field(c).name();
      ColumnType type = schema.field(c).type();
      parts.clear();
      for (int i = from; i < end; i++) {
        parts.add(cache.block(entry, plan[i], name, type));
      }
      cols.add(ColumnChain.join(type, parts));
    }
    return Frame.of(schema, cols);
  }

  /** Returns the lease. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      entry.release();
    }
  }
}
