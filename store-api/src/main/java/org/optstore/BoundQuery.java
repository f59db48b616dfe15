package org.optstore;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A {@link Query} checked against a dataset's schema ({@link Query#bind(Schema)}): what formats
 * receive. Immutable and thread-safe.
 *
 * <p>A format reader applies what it can (see {@link org.optstore.spi.FormatReader#pushdown}) and
 * returns at least the {@link #readColumns()}, so the engine can apply the rest.
 */
public final class BoundQuery {
  private final Schema schema;
  private final Query query;
  private final List<String> outputColumns;
  private final BoundPredicate predicate;
  private final List<String> readColumns;

  BoundQuery(Schema schema, Query query, List<String> outputColumns, BoundPredicate predicate) {
    this.schema = schema;
    this.query = query;
    this.outputColumns = List.copyOf(outputColumns);
    this.predicate = predicate;
    Set<String> read = new LinkedHashSet<>(outputColumns);
    if (hasTimeRange()) {
      read.add(schema.timeColumn().orElseThrow());
    }
    if (predicate != null) {
      read.addAll(predicate.columns());
    }
    this.readColumns = List.copyOf(new ArrayList<>(read));
  }

  /** @return the dataset's full schema */
  public Schema schema() {
    return schema;
  }

  /** @return the query as the user gave it */
  public Query query() {
    return query;
  }

  /** @return the time range; {@link TimeRange#all()} when none */
  public TimeRange timeRange() {
    return query.timeRange();
  }

  /** @return whether the query restricts time */
  public boolean hasTimeRange() {
    return !query.timeRange().isAll();
  }

  /** @return the dataset's time column, if it has one */
  public Optional<String> timeColumn() {
    return schema.timeColumn();
  }

  /** @return the columns of the result, in order */
  public List<String> outputColumns() {
    return outputColumns;
  }

  /** @return the schema of the result */
  public Schema outputSchema() {
    return schema.project(outputColumns);
  }

  /**
   * @return the output columns followed by those needed to apply the time range and the
   *     predicate: what a reader returns when it leaves filtering to the engine
   */
  public List<String> readColumns() {
    return readColumns;
  }

  /** @return the schema of {@link #readColumns()} */
  public Schema readSchema() {
    return schema.project(readColumns);
  }

  /** @return the bound predicate, if any */
  public Optional<BoundPredicate> predicate() {
    return Optional.ofNullable(predicate);
  }

  /** @return the row limit, if any */
  public OptionalInt limit() {
    return query.limit();
  }

  @Override
  public String toString() {
    return "BoundQuery[" + query + " on " + schema + "]";
  }
}
