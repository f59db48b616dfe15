package org.optstore;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the store knows about one version of a dataset, from its manifest. Immutable.
 *
 * @param name the dataset name
 * @param version the version number (1 for the first write, then increasing)
 * @param format the name of the storage format of the optimized file
 * @param schema the schema, with its time column
 * @param rowCount the number of rows
 * @param sizeBytes the bytes of the optimized file(s)
 * @param rawSizeBytes the bytes of the raw copy (0 when raw copies are off)
 * @param minTimeMicros the smallest time value (epoch micros), or null without a time column or
 *     rows
 * @param maxTimeMicros the largest time value (epoch micros), or null without a time column or rows
 * @param timeSorted whether the time column is non-decreasing (false without one)
 * @param metadata the user metadata given at write (unmodifiable; JSON values: strings, numbers,
 *     booleans, nulls, lists and maps of them)
 * @param createdAt when the version was committed
 */
public record DatasetInfo(
    String name,
    long version,
    String format,
    Schema schema,
    long rowCount,
    long sizeBytes,
    long rawSizeBytes,
    Long minTimeMicros,
    Long maxTimeMicros,
    boolean timeSorted,
    Map<String, Object> metadata,
    Instant createdAt) {

  /** Checks required parts and copies the metadata. */
  public DatasetInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(createdAt, "createdAt");
    metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(
        new LinkedHashMap<>(metadata));
  }

  /** @return {@code name@version}, an identifier of this exact version */
  public String id() {
    return name + "@" + version;
  }

  /** @return the time column, if the dataset has one */
  public Optional<String> timeColumn() {
    return schema.timeColumn();
  }

  /** @return the smallest time value, if known */
  public Optional<Instant> minTime() {
    return Optional.ofNullable(minTimeMicros).map(TimeRange::toInstant);
  }

  /** @return the largest time value, if known */
  public Optional<Instant> maxTime() {
    return Optional.ofNullable(maxTimeMicros).map(TimeRange::toInstant);
  }
}
