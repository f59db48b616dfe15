package org.optstore.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.optstore.Frame;
import org.optstore.cli.TicksWorkload;
import org.optstore.cli.TicksWorkload.Q;

/** Checks that a system under test answers R0-R3 right before it is timed. */
final class Checks {
  private Checks() {}

  static void verify(String who, long rows, Function<Q, Frame> run) {
    TicksWorkload.Expected expected = TicksWorkload.expected(rows);
    for (Q q : Q.values()) {
      Frame f = run.apply(q);
      verify(who, q, f.rowCount(), q.check(f), expected);
    }
  }

  static void verify(String who, Q q, long rowCount, long check, TicksWorkload.Expected expected) {
    if (rowCount != expected.rows(q) || check != expected.check(q)) {
      throw new IllegalStateException(who + " answered " + q + " with " + rowCount
          + " rows, check " + check + "; expected " + expected.rows(q) + " rows, check "
          + expected.check(q));
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
