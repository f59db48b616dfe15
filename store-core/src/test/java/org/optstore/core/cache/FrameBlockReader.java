package org.optstore.core.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.optstore.BoundQuery;
import org.optstore.Column;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.LongColumn;
import org.optstore.Schema;
import org.optstore.spi.Block;
import org.optstore.spi.FormatReader;
import org.optstore.spi.Pushdown;

/**
 * A reader over a frame in memory, cut into blocks of a fixed size, that counts its block reads
 * and can hold them at a latch. Block columns are heap views sharing one string dictionary, as
 * serial and hdf5 return them.
 */
class FrameBlockReader implements FormatReader {
  final Frame frame;
  final int blockRows;
  final AtomicInteger blockReads = new AtomicInteger();
  final AtomicInteger closes = new AtomicInteger();
  /** When set, each block read counts down {@code entered} and waits for {@code release}. */
  volatile CountDownLatch entered;
  volatile CountDownLatch release;

  FrameBlockReader(Frame frame, int blockRows) {
    this.frame = frame;
    this.blockRows = blockRows;
  }

  @Override
  public Schema schema() {
    return frame.schema();
  }

  @Override
  public long rowCount() {
    return frame.rowCount();
  }

  @Override
  public Set<Pushdown> pushdown(BoundQuery query) {
    return Set.of();
  }

  @Override
  public Frame read(BoundQuery query) {
    return frame.project(query.readColumns());
  }

  @Override
  public FrameStream stream(BoundQuery query, int batchRows) {
    return FrameStream.slices(read(query), batchRows);
  }

  @Override
  public List<Block> blocks() {
    List<Block> out = new ArrayList<>();
    String time = frame.schema().timeColumn().orElse(null);
    for (int first = 0; first < frame.rowCount(); first += blockRows) {
      int n = Math.min(blockRows, frame.rowCount() - first);
      long min = Long.MIN_VALUE;
      long max = Long.MAX_VALUE;
      if (time != null) {
        LongColumn t = frame.longs(time);
        min = Long.MAX_VALUE;
        max = Long.MIN_VALUE;
        for (int r = first; r < first + n; r++) {
          min = Math.min(min, t.get(r));
          max = Math.max(max, t.get(r));
        }
      }
      out.add(new Block(first, n, min, max));
    }
    return out;
  }

  @Override
  public Column readBlock(int block, String column) {
    if (closes.get() > 0) {
      throw new IllegalStateException("read after close");
    }
    CountDownLatch in = entered;
    CountDownLatch out = release;
    if (in != null) {
      in.countDown();
      try {
        if (!out.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the latch was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    blockReads.incrementAndGet();
    int first = block * blockRows;
    int n = Math.min(blockRows, frame.rowCount() - first);
    return frame.column(column).slice(first, first + n); // heap, sharing the file's dictionary
  }

  @Override
  public void close() {
    closes.incrementAndGet();
  }
}
