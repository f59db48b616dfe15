package org.optstore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What to read from a dataset: a time range, the columns, a row predicate and a row limit, all
 * optional. Immutable and thread-safe; build with {@link #builder()}. Invalid input fails in the
 * builder; what depends on the dataset (unknown columns, literal types, a time range without a
 * time column) fails in {@link #bind(Schema)}, which the engine calls before any format sees the
 * query.
 *
 * <pre>{@code
 * Query q = Query.builder()
 *     .timeRange(TimeRange.between(from, to))
 *     .columns("ts", "price")
 *     .where(Predicates.gt("price", 105.0))
 *     .build();
 * }</pre>
 *
 * <p>Rows come back in storage order; a limit keeps the first {@code limit} matching rows.
 */
public final class Query {
  private static final Query ALL = new Builder().build();

  private final TimeRange timeRange;
  private final List<String> columns; // null = all
  private final Predicate predicate; // null = none
  private final int limit; // -1 = none

  private Query(Builder b) {
    this.timeRange = b.timeRange;
    this.columns = b.columns;
    this.predicate = b.predicate;
    this.limit = b.limit;
  }

  /** @return the query that reads everything */
  public static Query all() {
    return ALL;
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding this query's settings */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.timeRange = timeRange;
    b.columns = columns;
    b.predicate = predicate;
    b.limit = limit;
    return b;
  }

  /** @return the time range ({@link TimeRange#all()} when none was given) */
  public TimeRange timeRange() {
    return timeRange;
  }

  /** @return the projected columns in order, or empty for all columns */
  public Optional<List<String>> columns() {
    return Optional.ofNullable(columns);
  }

  /** @return the row predicate, if any */
  public Optional<Predicate> predicate() {
    return Optional.ofNullable(predicate);
  }

  /** @return the row limit, if any */
  public OptionalInt limit() {
    return limit < 0 ? OptionalInt.empty() : OptionalInt.of(limit);
  }

  /** Builds a {@link Query}; each setter validates its argument at once. Not thread-safe. */
  public static final class Builder {
    private TimeRange timeRange = TimeRange.all();
    private List<String> columns;
    private Predicate predicate;
    private int limit = -1;

    private Builder() {}

    /**
     * @param range the half-open time range on the dataset's time column
     * @return this
     */
    public Builder timeRange(TimeRange range) {
      this.timeRange = Objects.requireNonNull(range, "time range");
      return this;
    }

    /**
     * @param from the first instant inside
     * @param to the first instant outside
     * @return this, with {@code [from, to)}
     */
    public Builder between(Instant from, Instant to) {
      return timeRange(TimeRange.between(from, to));
    }

    /**
     * @param names the columns to return, in that order, each once
     * @return this
     */
    public Builder columns(String... names) {
      return columns(Arrays.asList(names));
    }

    /**
     * @param names the columns to return, in that order, each once; null for all
     * @return this
     */
    public Builder columns(List<String> names) {
      if (names == null) {
        this.columns = null;
        return this;
      }
      if (names.isEmpty()) {
        throw new InvalidArgumentException("projection must name at least one column "
            + "(leave columns unset to read all)");
      }
      Set<String> seen = new HashSet<>();
      for (String n : names) {
        Field.checkColumnName(n);
        if (!seen.add(n)) {
          throw new InvalidArgumentException("column '" + n + "' is named twice in the projection "
              + names);
        }
      }
      this.columns = List.copyOf(names);
      return this;
    }

    /**
     * @param predicate the row filter; null for none
     * @return this
     */
    public Builder where(Predicate predicate) {
      this.predicate = predicate;
      return this;
    }

    /**
     * @param limit the most rows to return, at least 0
     * @return this
     */
    public Builder limit(int limit) {
      if (limit < 0) {
        throw new InvalidArgumentException("limit must not be negative, got " + limit);
      }
      this.limit = limit;
      return this;
    }

    /** @return this, without a limit */
    public Builder noLimit() {
      this.limit = -1;
      return this;
    }

    /** @return the query */
    public Query build() {
      return new Query(this);
    }
  }

  /**
   * Checks the query against a dataset's schema and resolves it for formats and kernels.
   *
   * @param schema the dataset's schema
   * @return the bound query
   * @throws SchemaException on an unknown column, a literal whose type does not fit its column
   *     (a string against a numeric column or the reverse, an ordering comparison on BOOL, ...), or
   *     a bounded time range on a dataset without a time column
   */
  public BoundQuery bind(Schema schema) {
    Objects.requireNonNull(schema, "schema");
    List<String> out = columns == null ? schema.names() : columns;
    for (String c : out) {
      schema.indexOf(c);
    }
    if (!timeRange.isAll() && schema.timeColumn().isEmpty()) {
      throw new SchemaException("time range " + timeRange + " given, but the dataset has no time "
          + "column (columns " + schema.fields() + "); drop the time range or filter with a "
          + "predicate");
    }
    BoundPredicate bound = predicate == null ? null : bind(predicate, schema);
    return new BoundQuery(schema, this, out, bound);
  }

  private static BoundPredicate bind(Predicate p, Schema schema) {
    if (p instanceof Predicate.And a) {
      List<BoundPredicate> ops = new ArrayList<>();
      for (Predicate o : a.operands()) {
        ops.add(bind(o, schema));
      }
      return ops.size() == 1 ? ops.get(0) : new BoundPredicate.And(ops);
    }
    if (p instanceof Predicate.Or o) {
      List<BoundPredicate> ops = new ArrayList<>();
      for (Predicate x : o.operands()) {
        ops.add(bind(x, schema));
      }
      return ops.size() == 1 ? ops.get(0) : new BoundPredicate.Or(ops);
    }
    if (p instanceof Predicate.Not n) {
      return new BoundPredicate.Not(bind(n.operand(), schema));
    }
    if (p instanceof Predicate.IsNull n) {
      schema.indexOf(n.column());
      return new BoundPredicate.IsNull(n.column());
    }
    if (p instanceof Predicate.Between b) {
      return new BoundPredicate.And(List.of(
          compare(schema, b.column(), Op.GE, b.low()),
          compare(schema, b.column(), Op.LE, b.high())));
    }
    if (p instanceof Predicate.In in) {
      if (in.values().isEmpty()) {
        schema.indexOf(in.column());
        return new BoundPredicate.Constant(in.column(), false);
      }
      List<BoundPredicate> ops = new ArrayList<>();
      for (Object v : in.values()) {
        ops.add(compare(schema, in.column(), Op.EQ, v));
      }
      return ops.size() == 1 ? ops.get(0) : new BoundPredicate.Or(ops);
    }
    Predicate.Comparison c = (Predicate.Comparison) p;
    return compare(schema, c.column(), c.op(), c.value());
  }

  private static BoundPredicate compare(Schema schema, String column, Op op, Object v) {
    ColumnType type = schema.field(column).type();
    switch (type) {
      case INT64:
      case INT32:
        if (v instanceof Long l) {
          return new BoundPredicate.LongComparison(column, op, l);
        }
        if (v instanceof Double d) {
          return integralVsDecimal(column, op, d);
        }
        break;
      case TIMESTAMP:
        if (v instanceof Long l) {
          return new BoundPredicate.LongComparison(column, op, l);
        }
        if (v instanceof Instant t) {
          return integralVsInstant(column, op, t);
        }
        if (v instanceof String s) {
          return integralVsInstant(column, op, parseInstant(column, s));
        }
        break;
      case FLOAT64:
      case FLOAT32:
        if (v instanceof Long l) {
          return new BoundPredicate.DoubleComparison(column, op, (double) l);
        }
        if (v instanceof Double d) {
          return new BoundPredicate.DoubleComparison(column, op, d);
        }
        break;
      case STRING:
        if (v instanceof String s) {
          return new BoundPredicate.StringComparison(column, op, s);
        }
        break;
      case BOOL:
        if (v instanceof Boolean b) {
          if (op != Op.EQ && op != Op.NE) {
            throw new SchemaException("operator " + op.symbol() + " is not defined on BOOL column '"
                + column + "'; use == or !=");
          }
          return new BoundPredicate.BoolComparison(column, b, op == Op.EQ);
        }
        break;
      default:
        throw new AssertionError(type);
    }
    throw new SchemaException("cannot compare " + type + " column '" + column + "' with "
        + v.getClass().getSimpleName() + " literal " + Predicates.format(v)
        + "; use a literal of the column's kind");
  }

  /** An integer column against a decimal: exact, never via lossy double conversion. */
  private static BoundPredicate integralVsDecimal(String column, Op op, double d) {
    if (Double.isNaN(d)) {
      return new BoundPredicate.Constant(column, op == Op.NE);
    }
    if (d >= 0x1p63) { // above every long
      return new BoundPredicate.Constant(column, op == Op.NE || op == Op.LT || op == Op.LE);
    }
    if (d < -0x1p63) { // below every long
      return new BoundPredicate.Constant(column, op == Op.NE || op == Op.GT || op == Op.GE);
    }
    double f = Math.floor(d);
    return integralVsReal(column, op, (long) f, f != d);
  }

  private static BoundPredicate integralVsInstant(String column, Op op, Instant t) {
    return integralVsReal(column, op, TimeRange.toMicros(t), t.getNano() % 1000 != 0);
  }

  /** {@code v op (floor + fraction)} for integer v, with 0 < fraction < 1 when fractional. */
  private static BoundPredicate integralVsReal(String column, Op op, long floor,
      boolean fractional) {
    if (!fractional) {
      return new BoundPredicate.LongComparison(column, op, floor);
    }
    switch (op) {
      case EQ:
        return new BoundPredicate.Constant(column, false);
      case NE:
        return new BoundPredicate.Constant(column, true);
      case LT:
      case LE:
        return new BoundPredicate.LongComparison(column, Op.LE, floor);
      default:
        return new BoundPredicate.LongComparison(column, Op.GT, floor);
    }
  }

  private static Instant parseInstant(String column, String s) {
    try {
      return TimeRange.parseInstant(s);
    } catch (InvalidArgumentException e) {
      throw new SchemaException("cannot compare TIMESTAMP column '" + column + "' with "
          + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Query q && q.timeRange.equals(timeRange) && Objects.equals(q.columns, columns)
        && Objects.equals(q.predicate, predicate) && q.limit == limit;
  }

  @Override
  public int hashCode() {
    return Objects.hash(timeRange, columns, predicate, limit);
  }

  @Override
  public String toString() {
    return "Query[time=" + timeRange + (columns == null ? "" : ", columns=" + columns)
        + (predicate == null ? "" : ", where " + predicate) + (limit < 0 ? "" : ", limit " + limit)
        + "]";
  }
}
