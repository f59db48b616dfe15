package org.optstore.core.records;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.TemporalAccessor;
import java.util.concurrent.TimeUnit;
import org.optstore.SchemaException;
import org.optstore.TimeRange;
import org.optstore.WriteOptions;

/**
 * Converts the values of a time column to epoch microseconds (UTC) as {@link WriteOptions} says:
 * instants and other {@code java.time} values as they are (local ones in the options' zone);
 * strings in the options' pattern, else ISO-8601 (a date, a date and time with {@code T} or a
 * space, with or without an offset; without one they are read in the options' zone, UTC by
 * default); numbers (and digit strings) in the options' epoch unit. Never widens or rounds a value
 * silently: sub-microsecond digits are truncated toward negative infinity as {@link
 * TimeRange#toMicros} does. Thread-safe.
 */
public final class TimeValues {
  private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .optionalStart()
      .optionalStart().appendLiteral('T').optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd()
      .append(DateTimeFormatter.ISO_LOCAL_TIME)
      .optionalStart().appendOffsetId().optionalEnd()
      .optionalStart().appendLiteral('[').parseCaseSensitive().appendZoneRegionId()
      .appendLiteral(']').optionalEnd()
      .optionalEnd()
      .toFormatter();

  private final DateTimeFormatter pattern;
  private final String patternText;
  private final ZoneId zone;
  private final TimeUnit unit;

  /** @param options the time pattern, zone and epoch unit to apply */
  public TimeValues(WriteOptions options) {
    this.patternText = options.timePattern().orElse(null);
    this.pattern = patternText == null ? null : DateTimeFormatter.ofPattern(patternText);
    this.zone = options.zone();
    this.unit = options.epochUnit().orElse(null);
  }

  /**
   * @param v a time value (not null)
   * @param column the column, for messages
   * @param row the row, for messages
   * @return epoch microseconds
   * @throws SchemaException when the value cannot be read as a time, naming column and row
   */
  public long toMicros(Object v, String column, long row) {
    try {
      if (v instanceof Instant t) {
        return TimeRange.toMicros(t);
      }
      if (v instanceof OffsetDateTime t) {
        return TimeRange.toMicros(t.toInstant());
      }
      if (v instanceof ZonedDateTime t) {
        return TimeRange.toMicros(t.toInstant());
      }
      if (v instanceof LocalDateTime t) {
        return TimeRange.toMicros(t.atZone(zone).toInstant());
      }
      if (v instanceof LocalDate t) {
        return TimeRange.toMicros(t.atStartOfDay(zone).toInstant());
      }
      if (v instanceof String s) {
        return parse(s, column, row);
      }
      if (v instanceof Number n) {
        return fromEpoch(n, column, row);
      }
    } catch (ArithmeticException | DateTimeException | org.optstore.InvalidArgumentException e) {
      throw new SchemaException("time column '" + column + "' row " + row + ": value '" + v
          + "' is outside the range of epoch microseconds (" + e.getMessage() + ")", e);
    }
    throw new SchemaException("time column '" + column + "' row " + row + " holds a "
        + v.getClass().getSimpleName() + " (" + v + "); use an Instant, an ISO-8601 string, or "
        + "a number with WriteOptions.epochUnit");
  }

  /**
   * @param v a value
   * @return whether {@link #toMicros} accepts its kind (for type inference)
   */
  public static boolean isTemporal(Object v) {
    return v instanceof Instant || v instanceof OffsetDateTime || v instanceof ZonedDateTime
        || v instanceof LocalDateTime || v instanceof LocalDate;
  }

  private long parse(String s, String column, long row) {
    String text = s.trim();
    if (unit != null && !text.isEmpty() && digitsOrMinus(text)) {
      try {
        return epochMicros(Long.parseLong(text), column, row);
      } catch (NumberFormatException e) {
        // not a plain integer: try the date forms below
      }
    }
    DateTimeFormatter f = pattern != null ? pattern : ISO;
    TemporalAccessor t;
    try {
      t = f.parseBest(text, ZonedDateTime::from, LocalDateTime::from, LocalDate::from);
    } catch (DateTimeException e) {
      throw new SchemaException("time column '" + column + "' row " + row + ": '" + s
          + "' does not match " + (pattern != null ? "the pattern '" + patternText + "'"
          : "ISO-8601 (e.g. 2023-01-10, 2023-01-10T09:30:00, 2023-01-10 09:30:00Z)")
          + "; give WriteOptions.timePattern for other forms", e);
    }
    Instant i;
    if (t instanceof ZonedDateTime z) {
      i = z.toInstant();
    } else if (t instanceof LocalDateTime l) {
      i = l.atZone(zone).toInstant();
    } else {
      i = ((LocalDate) t).atStartOfDay(zone).toInstant();
    }
    return TimeRange.toMicros(i);
  }

  private static boolean digitsOrMinus(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if ((ch < '0' || ch > '9') && ch != '-') {
        return false;
      }
    }
    return true;
  }

  private long fromEpoch(Number n, String column, long row) {
    if (n instanceof Double || n instanceof Float || n instanceof BigDecimal) {
      return epochMicros(n.doubleValue(), column, row);
    }
    long v = n instanceof BigInteger b ? b.longValueExact() : n.longValue();
    return epochMicros(v, column, row);
  }

  /**
   * A number of the options' epoch unit as epoch microseconds (for readers of typed values that
   * do not box them).
   *
   * @param v the number
   * @param column the column, for messages
   * @param row the row, for messages
   * @return epoch microseconds
   * @throws SchemaException when no epoch unit was given or the value is out of range
   */
  public long epochMicros(long v, String column, long row) {
    long perUnit = perUnit();
    if (perUnit < 0) {
      throw noUnit(Long.toString(v), column, row);
    }
    try {
      return perUnit == 0 ? Math.floorDiv(v, 1000L) : Math.multiplyExact(v, perUnit);
    } catch (ArithmeticException e) {
      throw new SchemaException("time column '" + column + "' row " + row + ": value '" + v
          + "' is outside the range of epoch microseconds (" + e.getMessage() + ")", e);
    }
  }

  /**
   * As {@link #epochMicros(long, String, long)} for a decimal number; sub-microsecond digits are
   * truncated toward negative infinity.
   *
   * @param d the number
   * @param column the column, for messages
   * @param row the row, for messages
   * @return epoch microseconds
   */
  public long epochMicros(double d, String column, long row) {
    long perUnit = perUnit();
    if (perUnit < 0) {
      throw noUnit(Double.toString(d), column, row);
    }
    if (!Double.isFinite(d)) {
      throw new SchemaException("time column '" + column + "' row " + row + " holds " + d
          + ", which is not a time");
    }
    double micros = perUnit == 0 ? d / 1000.0 : d * perUnit;
    if (micros >= 0x1p63 || micros < -0x1p63) {
      throw new SchemaException("time column '" + column + "' row " + row + ": value '" + d
          + "' is outside the range of epoch microseconds (overflow)");
    }
    return (long) Math.floor(micros);
  }

  private static SchemaException noUnit(String n, String column, long row) {
    return new SchemaException("time column '" + column + "' row " + row + " holds the number "
        + n + " but no epoch unit was given; set WriteOptions.epochUnit (SECONDS, MILLISECONDS, "
        + "MICROSECONDS or NANOSECONDS)");
  }

  /** @return microseconds per unit, 0 for nanoseconds (divided), -1 without a unit */
  private long perUnit() {
    if (unit == null) {
      return -1;
    }
    return switch (unit) {
      case SECONDS -> 1_000_000L;
      case MILLISECONDS -> 1_000L;
      case MICROSECONDS -> 1L;
      default -> 0L; // NANOSECONDS: divided
    };
  }
}
