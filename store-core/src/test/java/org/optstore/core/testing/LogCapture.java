package org.optstore.core.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records what one class logs, at every level, while open: an appender on that class's logger
 * alone, so that nothing global (such as {@code System.err}) is swapped and other output is not
 * affected (while open, the class's lines go here only). Lines read {@code LEVEL message}, the message with its arguments filled in.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level previous;
  private final boolean additive;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Class<?> source) {
    this.logger = (Logger) LoggerFactory.getLogger(source);
    this.previous = logger.getLevel();
    this.additive = logger.isAdditive();
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
    logger.setAdditive(false); // its DEBUG lines go here only, not to the console
  }

  /**
   * @param source the class whose logger is recorded
   * @return the capture, recording until closed
   */
  public static LogCapture of(Class<?> source) {
    return new LogCapture(source);
  }

  /** @return every line recorded so far, as {@code LEVEL message} */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    synchronized (appender) { // AppenderBase appends holding the appender's monitor
      for (ILoggingEvent e : appender.list) {
        out.add(e.getLevel() + " " + e.getFormattedMessage());
      }
    }
    return out;
  }

  /**
   * @param level a level such as {@code WARN}
   * @return the messages recorded at that level
   */
  public List<String> messages(String level) {
    List<String> out = new ArrayList<>();
    for (String l : lines()) {
      if (l.startsWith(level + " ")) {
        out.add(l.substring(level.length() + 1));
      }
    }
    return out;
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(previous);
    logger.setAdditive(additive);
    appender.stop();
  }
}
