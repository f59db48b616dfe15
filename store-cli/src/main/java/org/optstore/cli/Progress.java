package org.optstore.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.Schema;

/** A progress bar on the terminal; nothing at all when output is not a terminal. */
final class Progress implements AutoCloseable {
  private final ProgressBar bar; // null when not on a terminal

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  static Progress start(String task, long total) {
    if (System.console() == null) {
      return new Progress(null);
    }
    return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).setUnit(" rows", 1).showSpeed().build());
  }

  void step(long n) {
    if (bar != null) {
      bar.stepBy(n);
    }
  }

  /** Wraps a stream so that each batch advances the bar. */
  FrameStream track(FrameStream in) {
    return new FrameStream() {
      @Override
      public Schema schema() {
        return in.schema();
      }

      @Override
      public boolean hasNext() {
        return in.hasNext();
      }

      @Override
      public Frame next() {
        Frame f = in.next();
        step(f.rowCount());
        return f;
      }

      @Override
      public void close() {
        in.close();
      }
    };
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
