package org.optstore;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A row filter as an inspectable, immutable tree, built with {@link Predicates}. Not yet tied to
 * a schema: {@link Query#bind(Schema)} checks it against a dataset and yields a {@link
 * BoundPredicate}.
 *
 * <p><b>Semantics.</b> Nulls follow SQL's three-valued logic: a comparison with a null is UNKNOWN,
 * {@code and}/{@code or}/{@code not} follow Kleene logic, and a row is selected only when the
 * predicate is TRUE, so {@code not(gt("price", 105))} drops rows whose price is null ({@link
 * Predicates#isNull} asks for them). NaN follows IEEE 754 as Java and pandas do: it is a value,
 * {@code eq}, {@code lt}, {@code le}, {@code gt}, {@code ge} with NaN are false and {@code ne} is
 * true. Integer and decimal literals compare numerically with integer and floating-point columns:
 * exactly against integer columns, as doubles against floating-point columns (an integer literal
 * beyond 2^53 is rounded to the nearest double first, as Java and pandas do).
 * Strings compare by Unicode code point (the order of their UTF-8 bytes).
 *
 * <p>Literals are {@link Long}, {@link Double}, {@link String}, {@link Boolean} or {@link Instant}
 * (smaller integer and float boxes are widened when a predicate is built).
 */
public sealed interface Predicate
    permits Predicate.Comparison, Predicate.Between, Predicate.In, Predicate.IsNull,
        Predicate.And, Predicate.Or, Predicate.Not {

  /** @return the names of the columns the predicate reads */
  default Set<String> columns() {
    Set<String> out = new LinkedHashSet<>();
    collectColumns(this, out);
    return out;
  }

  private static void collectColumns(Predicate p, Set<String> out) {
    if (p instanceof Comparison c) {
      out.add(c.column());
    } else if (p instanceof Between b) {
      out.add(b.column());
    } else if (p instanceof In i) {
      out.add(i.column());
    } else if (p instanceof IsNull n) {
      out.add(n.column());
    } else if (p instanceof And a) {
      a.operands().forEach(o -> collectColumns(o, out));
    } else if (p instanceof Or o) {
      o.operands().forEach(x -> collectColumns(x, out));
    } else if (p instanceof Not n) {
      collectColumns(n.operand(), out);
    }
  }

  /**
   * {@code column op value}.
   *
   * @param column the column name
   * @param op the operator
   * @param value the literal (never null)
   */
  record Comparison(String column, Op op, Object value) implements Predicate {
    /** Validates the parts. */
    public Comparison {
      Field.checkColumnName(column);
      Objects.requireNonNull(op, "op");
      value = Predicates.literal(column, value);
    }

    @Override
    public String toString() {
      return column + " " + op.symbol() + " " + Predicates.format(value);
    }
  }

  /**
   * {@code low <= column <= high}, both ends inclusive.
   *
   * @param column the column name
   * @param low the lower bound
   * @param high the upper bound
   */
  record Between(String column, Object low, Object high) implements Predicate {
    /** Validates the parts. */
    public Between {
      Field.checkColumnName(column);
      low = Predicates.literal(column, low);
      high = Predicates.literal(column, high);
    }

    @Override
    public String toString() {
      return "(" + column + " >= " + Predicates.format(low) + " and " + column + " <= "
          + Predicates.format(high) + ")";
    }
  }

  /**
   * {@code column} equals one of {@code values}.
   *
   * @param column the column name
   * @param values the literals
   */
  record In(String column, List<Object> values) implements Predicate {
    /** Validates the parts. */
    public In {
      Field.checkColumnName(column);
      values = values.stream().map(v -> Predicates.literal(column, v)).collect(Collectors.toUnmodifiableList());
    }

    @Override
    public String toString() {
      return values.isEmpty() ? "false" : values.stream()
          .map(v -> column + " == " + Predicates.format(v))
          .collect(Collectors.joining(" or ", "(", ")"));
    }
  }

  /**
   * {@code column} is null (never UNKNOWN).
   *
   * @param column the column name
   */
  record IsNull(String column) implements Predicate {
    /** Validates the name. */
    public IsNull {
      Field.checkColumnName(column);
    }

    @Override
    public String toString() {
      return column + " is null";
    }
  }

  /**
   * All operands hold (Kleene AND).
   *
   * @param operands at least one predicate
   */
  record And(List<Predicate> operands) implements Predicate {
    /** Validates the operands. */
    public And {
      operands = Predicates.operands("and", operands);
    }

    @Override
    public String toString() {
      return operands.stream().map(Object::toString).collect(Collectors.joining(" and ", "(", ")"));
    }
  }

  /**
   * Some operand holds (Kleene OR).
   *
   * @param operands at least one predicate
   */
  record Or(List<Predicate> operands) implements Predicate {
    /** Validates the operands. */
    public Or {
      operands = Predicates.operands("or", operands);
    }

    @Override
    public String toString() {
      return operands.stream().map(Object::toString).collect(Collectors.joining(" or ", "(", ")"));
    }
  }

  /**
   * The operand does not hold (Kleene NOT: UNKNOWN stays UNKNOWN).
   *
   * @param operand the predicate
   */
  record Not(Predicate operand) implements Predicate {
    /** Validates the operand. */
    public Not {
      Objects.requireNonNull(operand, "not() needs an operand");
    }

    @Override
    public String toString() {
      return "not " + operand;
    }
  }
}
