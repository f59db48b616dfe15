package org.optstore;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A half-open interval of instants {@code [from, to)} in epoch microseconds (UTC), either end
 * possibly unbounded. Immutable and thread-safe.
 *
 * <p>A range is never widened behind the caller's back: {@link Instant}s with sub-microsecond
 * precision are rounded so that exactly the stored microsecond timestamps {@code t} with {@code
 * from <= t < to} (as instants) are inside. The whole-day convenience of the Python original is
 * the explicit {@link #days(LocalDate, LocalDate, ZoneId)}.
 */
public final class TimeRange {
  private static final TimeRange ALL = new TimeRange(Long.MIN_VALUE, false, Long.MAX_VALUE, false);

  private final long from;
  private final boolean hasFrom;
  private final long to;
  private final boolean hasTo;

  private TimeRange(long from, boolean hasFrom, long to, boolean hasTo) {
    if (hasFrom && hasTo && to < from) {
      throw new InvalidArgumentException("time range end " + format(to)
          + " is before its start " + format(from) + "; give [from, to) with from <= to");
    }
    this.from = from;
    this.hasFrom = hasFrom;
    this.to = to;
    this.hasTo = hasTo;
  }

  /** @return the unbounded range: every instant */
  public static TimeRange all() {
    return ALL;
  }

  /**
   * @param from the first instant inside (inclusive)
   * @param to the first instant outside (exclusive), not before {@code from}
   * @return {@code [from, to)}
   * @throws InvalidArgumentException when {@code to} is before {@code from}
   */
  public static TimeRange between(Instant from, Instant to) {
    return new TimeRange(ceilMicros(from, "from"), true, ceilMicros(to, "to"), true);
  }

  /**
   * @param fromMicros first epoch microsecond inside (inclusive)
   * @param toMicros first epoch microsecond outside (exclusive), {@code >= fromMicros}
   * @return {@code [fromMicros, toMicros)}
   */
  public static TimeRange ofMicros(long fromMicros, long toMicros) {
    return new TimeRange(fromMicros, true, toMicros, true);
  }

  /**
   * @param from the first instant inside (inclusive)
   * @return {@code [from, +inf)}
   */
  public static TimeRange from(Instant from) {
    return new TimeRange(ceilMicros(from, "from"), true, Long.MAX_VALUE, false);
  }

  /**
   * @param to the first instant outside (exclusive)
   * @return {@code (-inf, to)}
   */
  public static TimeRange until(Instant to) {
    return new TimeRange(Long.MIN_VALUE, false, ceilMicros(to, "to"), true);
  }

  /**
   * Whole days in a time zone: from the start of {@code first} to the start of the day after
   * {@code last}, both in {@code zone}.
   *
   * @param first the first day inside
   * @param last the last day inside, not before {@code first}
   * @param zone the zone whose midnights bound the days
   * @return the range
   */
  public static TimeRange days(LocalDate first, LocalDate last, ZoneId zone) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    Objects.requireNonNull(zone, "zone");
    if (last.isBefore(first)) {
      throw new InvalidArgumentException("last day " + last + " is before first day " + first);
    }
    return between(first.atStartOfDay(zone).toInstant(),
        last.plusDays(1).atStartOfDay(zone).toInstant());
  }

  /** @return whether the range has a lower bound */
  public boolean hasFrom() {
    return hasFrom;
  }

  /** @return whether the range has an upper bound */
  public boolean hasTo() {
    return hasTo;
  }

  /** @return whether the range is unbounded at both ends */
  public boolean isAll() {
    return !hasFrom && !hasTo;
  }

  /** @return the lower bound in epoch micros (inclusive), {@link Long#MIN_VALUE} when unbounded */
  public long fromMicros() {
    return from;
  }

  /**
   * @return the upper bound in epoch micros (exclusive); {@link Long#MAX_VALUE} when unbounded, in
   *     which case {@code Long.MAX_VALUE} itself is inside
   */
  public long toMicros() {
    return to;
  }

  /** @return whether no instant can be inside */
  public boolean isEmpty() {
    return hasFrom && hasTo && from >= to;
  }

  /**
   * @param micros an instant in epoch micros
   * @return whether it is inside
   */
  public boolean contains(long micros) {
    return micros >= from && (micros < to || !hasTo);
  }

  /**
   * @param minMicros the smallest time in a block
   * @param maxMicros the largest time in a block
   * @return whether some instant in {@code [minMicros, maxMicros]} is inside
   */
  public boolean overlaps(long minMicros, long maxMicros) {
    return maxMicros >= from && (minMicros < to || !hasTo) && !isEmpty();
  }

  /**
   * @param t an instant
   * @return its epoch microseconds, rounded down
   * @throws InvalidArgumentException when the instant is outside the range of epoch micros
   */
  public static long toMicros(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    } catch (ArithmeticException e) {
      throw new InvalidArgumentException("instant " + t + " is outside the range of epoch microseconds");
    }
  }

  private static long ceilMicros(Instant t, String what) {
    Objects.requireNonNull(t, what);
    long m = toMicros(t);
    return t.getNano() % 1000 == 0 ? m : m + 1;
  }

  /**
   * Parses an instant written in ISO-8601, the one textual form of time that queries and the CLI
   * accept: with an offset ({@code 2023-01-10T09:30:00Z}, {@code 2023-01-10T09:30+01:00}), or
   * without one and then read as UTC ({@code 2023-01-10T09:30:00.5}, {@code 2023-01-10 09:30}),
   * or a date alone, meaning its midnight UTC ({@code 2023-01-10}).
   *
   * @param text the text
   * @return the instant
   * @throws InvalidArgumentException naming the text and the accepted forms
   */
  public static Instant parseInstant(String text) {
    Objects.requireNonNull(text, "time text");
    String s = text.strip();
    if (s.length() > 10 && s.charAt(10) == ' ') {
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      // no offset: UTC
    }
    try {
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      // maybe a date alone
    }
    try {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidArgumentException("'" + text + "' is not an ISO-8601 time; write e.g. "
          + "2023-01-10T09:30:00Z, 2023-01-10T09:30 or 2023-01-10 09:30 (UTC), or 2023-01-10");
    }
  }

  /**
   * @param micros epoch microseconds
   * @return the instant
   */
  public static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  private static String format(long micros) {
    return toInstant(micros).toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TimeRange r && r.from == from && r.to == to && r.hasFrom == hasFrom
        && r.hasTo == hasTo;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(from) * 31 + Long.hashCode(to) + (hasFrom ? 1 : 0) + (hasTo ? 2 : 0);
  }

  @Override
  public String toString() {
    return "[" + (hasFrom ? format(from) : "-inf") + ", " + (hasTo ? format(to) : "+inf") + ")";
  }
}
