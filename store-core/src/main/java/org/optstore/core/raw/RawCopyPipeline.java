package org.optstore.core.raw;

import java.io.Closeable;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.optstore.DataStoreException;
import org.optstore.Frame;

/**
 * Runs a {@link RawCopyWriter} on a thread of its own, so that the raw copy of a write is encoded
 * and written while the format encodes the same batches (10M ticks rows: the raw copy is 300 MB
 * of Avro and takes about as long as the Parquet file). Batches are immutable and are handed over
 * through a queue of {@value #IN_FLIGHT}, which bounds the memory a slow raw copy can hold.
 *
 * <p>A failure of the raw copy is rethrown by the next {@link #write} or by {@link #finish}.
 * {@link #close} abandons an unfinished copy: the thread skips what is queued and ends, and close
 * returns only when it has, so the caller may delete the file at once. The thread never outlives
 * the write. Used by one writing thread.
 */
public final class RawCopyPipeline implements Closeable {
  /** Batches queued for the raw copy at most. */
  static final int IN_FLIGHT = 4;
  private static final Frame END = Frame.builder().build();

  private final RawCopyWriter writer;
  private final String description;
  private final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(IN_FLIGHT);
  private final Thread thread;
  private volatile Throwable failure;
  private volatile boolean abandoned;
  private boolean ended;

  /**
   * Starts the copy's thread.
   *
   * @param writer the raw copy (its header written); owned by this pipeline from now on
   * @param description the write, for messages and the thread's name
   */
  public RawCopyPipeline(RawCopyWriter writer, String description) {
    this.writer = writer;
    this.description = description;
    this.thread = new Thread(this::run, "optstore-raw-copy");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (true) {
      Frame f;
      try {
        f = queue.take();
      } catch (InterruptedException e) {
        continue; // only close() ends this thread, by queueing END
      }
      if (f == END) {
        return;
      }
      if (failure == null && !abandoned) {
        try {
          writer.write(f);
        } catch (Throwable t) {
          failure = t;
        }
      }
    }
  }

  /**
   * Queues a batch for the raw copy.
   *
   * @param batch rows of the writer's schema
   * @throws DataStoreException when the raw copy failed, or the caller was interrupted
   */
  public void write(Frame batch) {
    rethrow();
    try {
      queue.put(batch);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataStoreException("the raw copy of " + description + " was interrupted", e);
    }
  }

  /**
   * Waits for the queued batches and writes the end of the file.
   *
   * @return the file's size and CRC32C
   * @throws DataStoreException when the raw copy failed
   */
  public RawCopyFile finish() {
    end(false);
    rethrow();
    return writer.finish();
  }

  /** Abandons an unfinished copy and waits for its thread to end (the caller deletes the file). */
  @Override
  public void close() {
    if (!ended) {
      end(true);
    }
    writer.close();
  }

  /** Queues the end and waits for the thread, uninterruptibly (a batch takes milliseconds). */
  private void end(boolean abandon) {
    ended = true;
    if (abandon) {
      abandoned = true;
      queue.clear();
    }
    boolean interrupted = false;
    while (true) {
      try {
        queue.put(END);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void rethrow() {
    Throwable t = failure;
    if (t == null) {
      return;
    }
    if (t instanceof DataStoreException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new DataStoreException("cannot write the raw copy of " + description + ": " + t, t);
  }
}
