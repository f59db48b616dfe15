package org.optstore;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How to write a dataset: which column is its time column and how to read its values when they are
 * not already timestamps, and which format to use instead of the store's. Immutable; build with
 * {@link #builder()}. {@link #defaults()} applies the rules of {@link Schema}.
 *
 * <p>Time values in records, CSV and JSON lines are converted to TIMESTAMP (epoch micros UTC):
 * ISO-8601 strings (without an offset: UTC), strings in the given {@link Builder#timePattern
 * pattern} (read in the given zone, UTC by default), or numbers in the given {@link
 * Builder#epochUnit epoch unit}.
 */
public final class WriteOptions {
  private static final WriteOptions DEFAULTS = new Builder().build();

  private final String timeColumn;
  private final boolean noTimeColumn;
  private final String timePattern;
  private final ZoneId zone;
  private final TimeUnit epochUnit;
  private final String format;

  private WriteOptions(Builder b) {
    this.timeColumn = b.timeColumn;
    this.noTimeColumn = b.noTimeColumn;
    this.timePattern = b.timePattern;
    this.zone = b.zone;
    this.epochUnit = b.epochUnit;
    this.format = b.format;
  }

  /** @return options that infer everything */
  public static WriteOptions defaults() {
    return DEFAULTS;
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the named time column, if one was named */
  public Optional<String> timeColumn() {
    return Optional.ofNullable(timeColumn);
  }

  /** @return whether the dataset is to have no time column at all */
  public boolean noTimeColumn() {
    return noTimeColumn;
  }

  /** @return the {@link DateTimeFormatter} pattern of time strings, if given */
  public Optional<String> timePattern() {
    return Optional.ofNullable(timePattern);
  }

  /** @return the zone in which patterned or offset-less time strings are read (UTC by default) */
  public ZoneId zone() {
    return zone;
  }

  /** @return the unit of numeric time values, if given */
  public Optional<TimeUnit> epochUnit() {
    return Optional.ofNullable(epochUnit);
  }

  /** @return the format to write instead of the store's configured one, if given */
  public Optional<String> format() {
    return Optional.ofNullable(format);
  }

  /** Builds {@link WriteOptions}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private String timeColumn;
    private boolean noTimeColumn;
    private String timePattern;
    private ZoneId zone = ZoneOffset.UTC;
    private TimeUnit epochUnit;
    private String format;

    private Builder() {}

    /**
     * @param name the time column's name
     * @return this
     */
    public Builder timeColumn(String name) {
      Field.checkColumnName(name);
      this.timeColumn = name;
      this.noTimeColumn = false;
      return this;
    }

    /** The dataset gets no time column, whatever its columns. @return this */
    public Builder noTimeColumn() {
      this.timeColumn = null;
      this.noTimeColumn = true;
      return this;
    }

    /**
     * @param pattern a {@link DateTimeFormatter} pattern such as {@code yyyyMMdd} or {@code
     *     yyyy-MM-dd HH:mm:ss}
     * @return this
     * @throws InvalidArgumentException when the pattern is invalid
     */
    public Builder timePattern(String pattern) {
      Objects.requireNonNull(pattern, "time pattern");
      try {
        DateTimeFormatter.ofPattern(pattern);
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException("time pattern '" + pattern + "' is invalid: "
            + e.getMessage(), e);
      }
      this.timePattern = pattern;
      return this;
    }

    /**
     * @param zone the zone for patterned and offset-less time strings
     * @return this
     */
    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * @param unit the unit of numeric time values: SECONDS, MILLISECONDS, MICROSECONDS or
     *     NANOSECONDS
     * @return this
     */
    public Builder epochUnit(TimeUnit unit) {
      Objects.requireNonNull(unit, "epoch unit");
      if (unit.compareTo(TimeUnit.SECONDS) > 0) {
        throw new InvalidArgumentException("epoch unit " + unit
            + " is not supported; use SECONDS, MILLISECONDS, MICROSECONDS or NANOSECONDS");
      }
      this.epochUnit = unit;
      return this;
    }

    /**
     * @param formatName the name of a storage format on the classpath (checked when writing)
     * @return this
     */
    public Builder format(String formatName) {
      if (formatName == null || formatName.isBlank()) {
        throw new InvalidArgumentException("format name must not be blank");
      }
      this.format = formatName;
      return this;
    }

    /** @return the options */
    public WriteOptions build() {
      return new WriteOptions(this);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WriteOptions w && Objects.equals(w.timeColumn, timeColumn)
        && w.noTimeColumn == noTimeColumn && Objects.equals(w.timePattern, timePattern)
        && w.zone.equals(zone) && w.epochUnit == epochUnit && Objects.equals(w.format, format);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timeColumn, noTimeColumn, timePattern, zone, epochUnit, format);
  }

  @Override
  public String toString() {
    return "WriteOptions[timeColumn=" + (noTimeColumn ? "none" : timeColumn) + ", pattern="
        + timePattern + ", zone=" + zone + ", epochUnit=" + epochUnit + ", format=" + format + "]";
  }
}
