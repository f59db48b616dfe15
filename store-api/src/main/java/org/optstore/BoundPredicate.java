package org.optstore;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link Predicate} checked against a schema by {@link Query#bind(Schema)}: every column exists,
 * every literal has its column's representation, and the numeric rules are already applied, so a
 * format or kernel evaluates it without further checks. Immutable.
 *
 * <p>Leaves: {@link LongComparison} (INT64, INT32 and TIMESTAMP columns, the literal in the
 * column's units: epoch micros for TIMESTAMP), {@link DoubleComparison} (FLOAT64 and FLOAT32),
 * {@link StringComparison}, {@link BoolComparison}, {@link IsNull}, and {@link Constant} (the
 * outcome is known for every non-null value, e.g. {@code volume == 10.5}). Every leaf except
 * {@link IsNull} is UNKNOWN on a null row. Inner nodes: {@link And}, {@link Or}, {@link Not} with
 * Kleene logic.
 */
public sealed interface BoundPredicate
    permits BoundPredicate.LongComparison, BoundPredicate.DoubleComparison,
        BoundPredicate.StringComparison, BoundPredicate.BoolComparison, BoundPredicate.IsNull,
        BoundPredicate.Constant, BoundPredicate.And, BoundPredicate.Or, BoundPredicate.Not {

  /**
   * {@code column op value} on an integral or timestamp column.
   *
   * @param column the column
   * @param op the operator
   * @param value the literal (epoch micros for TIMESTAMP)
   */
  record LongComparison(String column, Op op, long value) implements BoundPredicate {}

  /**
   * {@code column op value} on a FLOAT64 or FLOAT32 column (floats widened to double), IEEE rules.
   *
   * @param column the column
   * @param op the operator
   * @param value the literal, possibly NaN
   */
  record DoubleComparison(String column, Op op, double value) implements BoundPredicate {}

  /**
   * {@code column op value} on a STRING column, ordered by Unicode code point.
   *
   * @param column the column
   * @param op the operator
   * @param value the literal
   */
  record StringComparison(String column, Op op, String value) implements BoundPredicate {}

  /**
   * {@code column == value} (or {@code !=} when {@code equal} is false) on a BOOL column.
   *
   * @param column the column
   * @param value the literal
   * @param equal true for {@code ==}, false for {@code !=}
   */
  record BoolComparison(String column, boolean value, boolean equal) implements BoundPredicate {}

  /**
   * {@code column} is null: TRUE or FALSE, never UNKNOWN.
   *
   * @param column the column
   */
  record IsNull(String column) implements BoundPredicate {}

  /**
   * {@code value} for every non-null row of {@code column}, UNKNOWN for its null rows.
   *
   * @param column the column
   * @param value the outcome on non-null rows
   */
  record Constant(String column, boolean value) implements BoundPredicate {}

  /**
   * Kleene AND.
   *
   * @param operands at least one
   */
  record And(List<BoundPredicate> operands) implements BoundPredicate {
    /** Copies the operands. */
    public And {
      operands = List.copyOf(operands);
    }
  }

  /**
   * Kleene OR.
   *
   * @param operands at least one
   */
  record Or(List<BoundPredicate> operands) implements BoundPredicate {
    /** Copies the operands. */
    public Or {
      operands = List.copyOf(operands);
    }
  }

  /**
   * Kleene NOT.
   *
   * @param operand the operand
   */
  record Not(BoundPredicate operand) implements BoundPredicate {}

  /** @return the names of the columns the predicate reads */
  default Set<String> columns() {
    Set<String> out = new LinkedHashSet<>();
    collect(this, out);
    return out;
  }

  private static void collect(BoundPredicate p, Set<String> out) {
    if (p instanceof And a) {
      for (BoundPredicate o : a.operands()) {
        collect(o, out);
      }
    } else if (p instanceof Or o) {
      for (BoundPredicate x : o.operands()) {
        collect(x, out);
      }
    } else if (p instanceof Not n) {
      collect(n.operand(), out);
    } else {
      out.add(leafColumn(p));
    }
  }

  private static String leafColumn(BoundPredicate p) {
    if (p instanceof LongComparison c) {
      return c.column();
    } else if (p instanceof DoubleComparison c) {
      return c.column();
    } else if (p instanceof StringComparison c) {
      return c.column();
    } else if (p instanceof BoolComparison c) {
      return c.column();
    } else if (p instanceof IsNull c) {
      return c.column();
    } else {
      return ((Constant) p).column();
    }
  }

  /**
   * Evaluates the predicate on one row, the plain way: the reference every fast path is tested
   * against, and a simple implementation for formats without kernels of their own. Not for loops
   * over large frames.
   *
   * @param frame a frame holding every column the predicate reads (by name)
   * @param row a row of it
   * @return TRUE, FALSE, or null for UNKNOWN
   */
  default Boolean evaluate(Frame frame, int row) {
    if (this instanceof And a) {
      boolean unknown = false;
      for (BoundPredicate o : a.operands()) {
        Boolean v = o.evaluate(frame, row);
        if (v == null) {
          unknown = true;
        } else if (!v) {
          return false;
        }
      }
      return unknown ? null : Boolean.TRUE;
    }
    if (this instanceof Or o) {
      boolean unknown = false;
      for (BoundPredicate x : o.operands()) {
        Boolean v = x.evaluate(frame, row);
        if (v == null) {
          unknown = true;
        } else if (v) {
          return true;
        }
      }
      return unknown ? null : Boolean.FALSE;
    }
    if (this instanceof Not n) {
      Boolean v = n.operand().evaluate(frame, row);
      return v == null ? null : !v;
    }
    Column col = frame.column(leafColumn(this));
    if (this instanceof IsNull) {
      return col.isNull(row);
    }
    if (col.isNull(row)) {
      return null;
    }
    if (this instanceof Constant c) {
      return c.value();
    }
    if (this instanceof LongComparison c) {
      long v = col instanceof IntColumn ic ? ic.get(row) : ((LongColumn) col).get(row);
      return c.op().accepts(Long.compare(v, c.value()));
    }
    if (this instanceof DoubleComparison c) {
      double v = col instanceof FloatColumn fc ? fc.get(row) : ((DoubleColumn) col).get(row);
      return compareDoubles(c.op(), v, c.value());
    }
    if (this instanceof StringComparison c) {
      return c.op().accepts(compareStrings(((StringColumn) col).get(row), c.value()));
    }
    BoolComparison c = (BoolComparison) this;
    return (((BoolColumn) col).get(row) == c.value()) == c.equal();
  }

  /**
   * IEEE 754 comparison as Java's operators do it: false for every operator but {@code !=} when
   * either side is NaN.
   *
   * @param op the operator
   * @param v the value
   * @param literal the literal
   * @return the outcome
   */
  static boolean compareDoubles(Op op, double v, double literal) {
    switch (op) {
      case EQ:
        return v == literal;
      case NE:
        return v != literal;
      case LT:
        return v < literal;
      case LE:
        return v <= literal;
      case GT:
        return v > literal;
      case GE:
        return v >= literal;
      default:
        throw new AssertionError(op);
    }
  }

  /**
   * Compares strings by Unicode code point, which is the order of their UTF-8 bytes.
   *
   * @param a a string
   * @param b another
   * @return negative, zero or positive
   */
  static int compareStrings(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
          return Integer.compare(a.codePointAt(i), b.codePointAt(i));
        }
        return Character.compare(x, y);
      }
    }
    return Integer.compare(a.length(), b.length());
  }
}
