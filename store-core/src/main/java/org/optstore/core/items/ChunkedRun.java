package org.optstore.core.items;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.optstore.DataStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs chunks {@code 0..chunks-1} of a job on an executor and on the calling thread together.
 *
 * <p>Workers, the caller among them, claim the next unclaimed chunk until none is left, so the
 * caller only ever waits for chunks that some thread is running. That keeps a call made from a
 * thread of the same executor from deadlocking on a saturated pool, and a rejecting (shut down)
 * executor only costs parallelism: the caller then runs every chunk itself.
 */
final class ChunkedRun {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkedRun.class);
  /** Enough helpers for any realistic pool; extra ones would only find nothing left to claim. */
  static final int MAX_HELPERS = 256;

  private final int chunks;
  private final IntConsumer task;
  private final AtomicInteger next = new AtomicInteger();
  private final CountDownLatch done;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private ChunkedRun(int chunks, IntConsumer task) {
    this.chunks = chunks;
    this.task = task;
    this.done = new CountDownLatch(chunks);
  }

  /**
   * Runs {@code task} once for each chunk index and returns when all have finished.
   *
   * @param chunks how many chunks, at least 1
   * @param task the work for one chunk; called from several threads at once
   * @param executor where helpers run
   * @param what what the job is, for messages
   * @throws DataStoreException the first failure of a chunk (chunks not yet started are skipped)
   */
  static void run(int chunks, IntConsumer task, Executor executor, String what) {
    ChunkedRun run = new ChunkedRun(chunks, task);
    int helpers = Math.min(chunks - 1, MAX_HELPERS);
    for (int i = 0; i < helpers; i++) {
      try {
        executor.execute(run::work);
      } catch (RejectedExecutionException e) {
        LOG.debug("executor rejected a helper for {} ({}); the calling thread does the rest", what,
            e.toString());
        break;
      }
    }
    run.work();
    try {
      run.done.await();
    } catch (InterruptedException e) {
      run.failure.compareAndSet(null, e);
      Thread.currentThread().interrupt();
      throw new DataStoreException(what + " was interrupted; no result", e);
    }
    Throwable t = run.failure.get();
    if (t instanceof DataStoreException) {
      throw (DataStoreException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    if (t != null) {
      throw new DataStoreException(what + " failed: " + t, t);
    }
  }

  private void work() {
    for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
      try {
        if (failure.get() == null) {
          task.accept(c);
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      } finally {
        done.countDown();
      }
    }
  }
}
