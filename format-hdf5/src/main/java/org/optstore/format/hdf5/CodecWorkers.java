package org.optstore.format.hdf5;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.optstore.DataStoreException;

/**
 * The threads that encode and decode chunks for every writer and reader of the format: one per
 * processor, daemon threads that end after 30 idle seconds, so an idle library holds none. Also
 * keeps the {@link FilterPipeline.Scratch} buffers they reuse.
 */
final class CodecWorkers {

  static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

  private static final ThreadPoolExecutor POOL = createPool();
  private static final ConcurrentLinkedQueue<FilterPipeline.Scratch> SCRATCH = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger SCRATCH_KEPT = new AtomicInteger();

  private CodecWorkers() {}

  private static ThreadPoolExecutor createPool() {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "optstore-hdf5-codec-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Runs a task on a worker thread. */
  static <T> Future<T> submit(java.util.concurrent.Callable<T> task) {
    return POOL.submit(task);
  }

  /** Borrows scratch buffers; give them back with {@link #giveBack}. */
  static FilterPipeline.Scratch borrow() {
    FilterPipeline.Scratch s = SCRATCH.poll();
    if (s != null) {
      SCRATCH_KEPT.decrementAndGet();
      return s;
    }
    return new FilterPipeline.Scratch();
  }

  static void giveBack(FilterPipeline.Scratch s) {
    // keep about as many as can be busy at once; free the zlib state of the others now
    if (SCRATCH_KEPT.incrementAndGet() <= 2 * THREADS + 2) {
      SCRATCH.add(s);
    } else {
      SCRATCH_KEPT.decrementAndGet();
      s.release();
    }
  }

  /** Waits for a worker's result; its failure is rethrown as it was. */
  static <T> T await(Future<T> f, String what) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataStoreException("interrupted while " + what + "; retry the operation", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new DataStoreException("failed while " + what + " (" + c + ")", c);
    }
  }

  /** One of {@code count} independent pieces of work. */
  interface IndexedTask {
    void run(int index, FilterPipeline.Scratch scratch) throws Exception;
  }

  /**
   * Runs {@code task} for every index in {@code [0, count)} on the calling thread and as many
   * workers as help, and returns when all are done. The first failure stops the remaining
   * indexes and is thrown (checked exceptions wrapped in an {@link ExecutionException}).
   */
  static void runAll(int count, IndexedTask task, String what) throws ExecutionException {
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    int helpers = Math.min(THREADS, count) - 1;
    @SuppressWarnings("unchecked")
    Future<Object>[] running = new Future[Math.max(0, helpers)];
    for (int h = 0; h < helpers; h++) {
      running[h] = POOL.submit(() -> {
        drain(next, count, task, failure);
        return null;
      });
    }
    drain(next, count, task, failure);
    for (Future<Object> f : running) {
      await(f, what);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new ExecutionException(t);
    }
  }

  private static void drain(AtomicInteger next, int count, IndexedTask task, AtomicReference<Throwable> failure) {
    FilterPipeline.Scratch scratch = borrow();
    try {
      for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
        try {
          task.run(i, scratch);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
          next.set(count);
        }
      }
    } finally {
      giveBack(scratch);
    }
  }
}
