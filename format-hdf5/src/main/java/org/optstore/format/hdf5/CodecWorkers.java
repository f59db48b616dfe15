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
   * Runs {@code task} for every index in {@code [0, count)} on the calling thread and on as many
   * workers as are free to help, and returns when all are done. Helpers that only get to start
   * after the work is done (the workers are busy with a large write, say) are not waited for. The
   * first failure stops the remaining indexes and is thrown (checked exceptions wrapped in an
   * {@link ExecutionException}).
   */
  static void runAll(int count, IndexedTask task, String what) throws ExecutionException {
    Run run = new Run(count, task);
    int helpers = Math.min(THREADS, count) - 1;
    for (int h = 0; h < helpers; h++) {
      POOL.execute(run::help);
    }
    drain(run);
    run.finish();
    Throwable t = run.failure.get();
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new ExecutionException(what, t);
    }
  }

  /** The shared state of one {@link #runAll}. */
  private static final class Run {
    final int count;
    final IndexedTask task;
    final AtomicInteger next = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int active;
    private boolean done;

    Run(int count, IndexedTask task) {
      this.count = count;
      this.task = task;
    }

    void help() {
      synchronized (this) {
        if (done) {
          return;
        }
        active++;
      }
      try {
        drain(this);
      } finally {
        synchronized (this) {
          active--;
          notifyAll();
        }
      }
    }

    /**
     * Waits for the helpers that started. The caller has drained every index by now, so they are
     * finishing the last ones they took; their values must be complete before the caller uses
     * them, so an interrupt only ends the wait once they are.
     */
    synchronized void finish() {
      done = true;
      boolean interrupted = false;
      while (active > 0) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void drain(Run run) {
    FilterPipeline.Scratch scratch = borrow();
    try {
      for (int i = run.next.getAndIncrement(); i < run.count; i = run.next.getAndIncrement()) {
        try {
          run.task.run(i, scratch);
        } catch (Throwable t) {
          run.failure.compareAndSet(null, t);
          run.next.set(run.count);
        }
      }
    } finally {
      giveBack(scratch);
    }
  }
}
