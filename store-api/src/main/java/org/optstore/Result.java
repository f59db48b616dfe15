package org.optstore;

import java.util.Objects;

/**
 * The answer to a read: the rows and the version they came from. Immutable.
 *
 * @param frame the rows (projected, filtered, limited as asked)
 * @param info the dataset version that answered
 */
public record Result(Frame frame, DatasetInfo info) {
  /** Checks the parts. */
  public Result {
    Objects.requireNonNull(frame, "frame");
    Objects.requireNonNull(info, "info");
  }
}
