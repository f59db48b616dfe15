package org.optstore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Factories for {@link Predicate}s, and a parser for the textual form the CLI's {@code --where}
 * takes. The semantics (three-valued logic, NaN, numeric comparison) are in {@link Predicate}.
 *
 * <pre>{@code
 * Predicate p = Predicates.and(Predicates.eq("symbol", "SYM042"), Predicates.gt("price", 105.0));
 * Predicate same = Predicates.parse("symbol == 'SYM042' and price > 105");
 * }</pre>
 */
public final class Predicates {
  private Predicates() {}

  /** @return {@code column == value} */
  public static Predicate eq(String column, Object value) {
    return new Predicate.Comparison(column, Op.EQ, value);
  }

  /** @return {@code column != value} */
  public static Predicate ne(String column, Object value) {
    return new Predicate.Comparison(column, Op.NE, value);
  }

  /** @return {@code column < value} */
  public static Predicate lt(String column, Object value) {
    return new Predicate.Comparison(column, Op.LT, value);
  }

  /** @return {@code column <= value} */
  public static Predicate le(String column, Object value) {
    return new Predicate.Comparison(column, Op.LE, value);
  }

  /** @return {@code column > value} */
  public static Predicate gt(String column, Object value) {
    return new Predicate.Comparison(column, Op.GT, value);
  }

  /** @return {@code column >= value} */
  public static Predicate ge(String column, Object value) {
    return new Predicate.Comparison(column, Op.GE, value);
  }

  /**
   * @param column a column
   * @param op an operator
   * @param value a literal
   * @return {@code column op value}
   */
  public static Predicate compare(String column, Op op, Object value) {
    return new Predicate.Comparison(column, op, value);
  }

  /** @return {@code low <= column <= high} (both inclusive) */
  public static Predicate between(String column, Object low, Object high) {
    return new Predicate.Between(column, low, high);
  }

  /** @return {@code column} equals one of {@code values} */
  public static Predicate in(String column, Object... values) {
    return new Predicate.In(column, Arrays.asList(values));
  }

  /** @return {@code column} equals one of {@code values} */
  public static Predicate in(String column, Collection<?> values) {
    return new Predicate.In(column, new ArrayList<>(values));
  }

  /** @return {@code column} is null */
  public static Predicate isNull(String column) {
    return new Predicate.IsNull(column);
  }

  /** @return {@code column} is not null */
  public static Predicate isNotNull(String column) {
    return new Predicate.Not(new Predicate.IsNull(column));
  }

  /** @return all of {@code operands} */
  public static Predicate and(Predicate... operands) {
    return new Predicate.And(Arrays.asList(operands));
  }

  /** @return any of {@code operands} */
  public static Predicate or(Predicate... operands) {
    return new Predicate.Or(Arrays.asList(operands));
  }

  /** @return not {@code operand} */
  public static Predicate not(Predicate operand) {
    return new Predicate.Not(operand);
  }

  /**
   * Parses a predicate in the CLI's syntax: comparisons {@code column op literal} with {@code ==}
   * (or {@code =}), {@code !=} (or {@code <>}), {@code <}, {@code <=}, {@code >}, {@code >=};
   * {@code column is null}, {@code column is not null}; joined with {@code and}, {@code or},
   * {@code not} and parentheses ({@code not} binds tightest, then {@code and}, then {@code or}).
   * Literals are integers, decimals ({@code 1.5}, {@code 1e3}, {@code NaN}), {@code true}/{@code
   * false}, and strings in single or double quotes (ISO-8601 strings compare with TIMESTAMP
   * columns). Column names are bare words ({@code [A-Za-z_][A-Za-z0-9_.]*}) or in backquotes.
   *
   * @param text the expression
   * @return the predicate
   * @throws InvalidArgumentException naming the position of the first error
   */
  public static Predicate parse(String text) {
    Objects.requireNonNull(text, "predicate text");
    return new PredicateParser(text).parse();
  }

  static Object literal(String column, Object v) {
    if (v == null) {
      throw new InvalidArgumentException("literal compared with column '" + column
          + "' is null; use Predicates.isNull(\"" + column + "\") to ask for null rows");
    }
    if (v instanceof Long || v instanceof Double || v instanceof String || v instanceof Boolean
        || v instanceof Instant) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    throw new InvalidArgumentException("literal " + v + " of class " + v.getClass().getName()
        + " compared with column '" + column
        + "' is not supported; use a Long, Double, String, Boolean or Instant");
  }

  static List<Predicate> operands(String what, List<Predicate> operands) {
    if (operands == null || operands.isEmpty()) {
      throw new InvalidArgumentException(what + "() needs at least one operand");
    }
    for (Predicate p : operands) {
      Objects.requireNonNull(p, () -> what + "() operand is null");
    }
    return List.copyOf(operands);
  }

  static String format(Object v) {
    if (v instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (v instanceof Instant t) {
      return "'" + t + "'";
    }
    return String.valueOf(v);
  }
}
