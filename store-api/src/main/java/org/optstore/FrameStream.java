package org.optstore;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A closeable iterator of frames of one schema, for results larger than the heap: each call to
 * {@link #next()} returns the next batch. Always close it (try-with-resources): it may hold open
 * files. Not thread-safe. A batch may
 * have no rows; consumers handle that like any other batch.
 */
public interface FrameStream extends Iterator<Frame>, AutoCloseable {

  /** @return the schema every batch has */
  Schema schema();

  /** Releases what the stream holds; idempotent. Does not throw checked exceptions. */
  @Override
  void close();

  /**
   * Reads every remaining batch into one frame and closes the stream.
   *
   * @return the concatenated rows (an empty frame when none remain)
   */
  default Frame readAll() {
    try (this) {
      List<Frame> parts = new ArrayList<>();
      while (hasNext()) {
        parts.add(next());
      }
      return parts.isEmpty() ? Frame.empty(schema()) : Frame.concat(parts);
    }
  }

  /**
   * @param schema the schema of the batches
   * @param batches the batches, already in memory
   * @return a stream over them
   */
  static FrameStream of(Schema schema, List<Frame> batches) {
    Objects.requireNonNull(schema, "schema");
    for (Frame f : batches) {
      if (!f.schema().equals(schema)) {
        throw new SchemaException("batch schema " + f.schema() + " differs from " + schema);
      }
    }
    Iterator<Frame> it = List.copyOf(batches).iterator();
    return new FrameStream() {
      @Override
      public Schema schema() {
        return schema;
      }

      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Frame next() {
        if (!it.hasNext()) {
          throw new NoSuchElementException("no more batches");
        }
        return it.next();
      }

      @Override
      public void close() {}
    };
  }

  /**
   * @param frame a frame
   * @param batchRows the most rows per batch, at least 1
   * @return a stream of zero-copy slices of {@code frame} (no batches when it has no rows)
   */
  static FrameStream slices(Frame frame, int batchRows) {
    if (batchRows < 1) {
      throw new InvalidArgumentException("batch size must be at least 1, got " + batchRows);
    }
    List<Frame> parts = new ArrayList<>();
    for (int r = 0; r < frame.rowCount(); r += batchRows) {
      parts.add(frame.slice(r, Math.min(frame.rowCount(), r + batchRows)));
    }
    return of(frame.schema(), parts);
  }
}
