package org.optstore.spi;

/**
 * A part of a {@link org.optstore.BoundQuery} that a {@link FormatReader} applies exactly. What a
 * reader does not apply exactly the engine applies afterwards; a reader may still prune by it
 * (returning a superset of the matching rows), but never returns fewer rows than match.
 */
public enum Pushdown {
  /** Only rows inside the time range are returned. */
  TIME_RANGE,
  /** Only rows for which the predicate is TRUE are returned. */
  PREDICATE,
  /** At most the limit's rows are returned (only meaningful with the time range and predicate). */
  LIMIT
}
