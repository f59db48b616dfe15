package org.optstore.format.serial;

import java.util.List;
import org.optstore.BoundPredicate;
import org.optstore.InvalidArgumentException;
import org.optstore.Op;
import org.optstore.Schema;

/**
 * Decides from a block's verified footer statistics (null counts, NaN counts, min and max) whether
 * a predicate can be TRUE on some row of the block, under the three-valued logic of {@link
 * org.optstore.Predicate}. Conservative: a block it keeps may still hold no match, a block it
 * drops holds none. Each node yields two flags, "may be TRUE" and "may be FALSE", so that NOT and
 * Kleene AND/OR combine soundly. A query's predicate is {@linkplain #compile compiled} once per
 * plan, so that the per-block evaluation only indexes the footer's statistics.
 */
final class ZoneMapPruner {
  private static final int TRUE = 1;
  private static final int FALSE = 2;
  private static final int BOTH = TRUE | FALSE;

  private final SerialFooter footer;
  private final Schema schema;
  private final int blockRows;

  ZoneMapPruner(SerialFooter footer, Schema schema, int blockRows) {
    this.footer = footer;
    this.schema = schema;
    this.blockRows = blockRows;
  }

  /**
   * Resolves a predicate's leaves to column indexes once, for a query's plan.
   *
   * @param p a predicate bound to this file's schema
   * @return what {@link #mayMatch} evaluates per block
   */
  Node compile(BoundPredicate p) {
    if (p instanceof BoundPredicate.And a) {
      return Node.inner(Node.AND, compileAll(a.operands()));
    }
    if (p instanceof BoundPredicate.Or o) {
      return Node.inner(Node.OR, compileAll(o.operands()));
    }
    if (p instanceof BoundPredicate.Not n) {
      return Node.inner(Node.NOT, new Node[] {compile(n.operand())});
    }
    if (p instanceof BoundPredicate.IsNull x) {
      return Node.leaf(Node.IS_NULL, column(x.column()), null, 0, 0, false);
    }
    if (p instanceof BoundPredicate.Constant k) {
      return Node.leaf(Node.CONSTANT, column(k.column()), null, 0, 0, k.value());
    }
    if (p instanceof BoundPredicate.LongComparison lc) {
      int c = column(lc.column());
      return schema.field(c).type().isFloatingPoint()
          ? Node.leaf(Node.OTHER, c, null, 0, 0, false)
          : Node.leaf(Node.LONGS, c, lc.op(), lc.value(), 0, false);
    }
    if (p instanceof BoundPredicate.DoubleComparison dc) {
      int c = column(dc.column());
      return schema.field(c).type().isFloatingPoint()
          ? Node.leaf(Node.DOUBLES, c, dc.op(), 0, dc.value(), false)
          : Node.leaf(Node.OTHER, c, null, 0, 0, false);
    }
    if (p instanceof BoundPredicate.StringComparison sc) {
      return Node.leaf(Node.OTHER, column(sc.column()), null, 0, 0, false);
    }
    BoundPredicate.BoolComparison bc = (BoundPredicate.BoolComparison) p;
    return Node.leaf(Node.OTHER, column(bc.column()), null, 0, 0, false);
  }

  private Node[] compileAll(List<BoundPredicate> operands) {
    Node[] out = new Node[operands.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = compile(operands.get(i));
    }
    return out;
  }

  private int column(String name) {
    int c = schema.indexOf(name);
    if (c < 0) {
      throw new InvalidArgumentException("predicate column '" + name + "' is not in the schema "
          + schema + "; bind the query to the reader's schema");
    }
    return c;
  }

  /** Whether the compiled predicate may be TRUE on some row of block {@code b}. */
  boolean mayMatch(Node p, int b) {
    return (eval(p, b) & TRUE) != 0;
  }

  private int eval(Node p, int b) {
    switch (p.kind) {
      case Node.AND -> {
        boolean t = true;
        boolean f = false;
        for (Node o : p.children) {
          int r = eval(o, b);
          t &= (r & TRUE) != 0;
          f |= (r & FALSE) != 0;
        }
        return (t ? TRUE : 0) | (f ? FALSE : 0);
      }
      case Node.OR -> {
        boolean t = false;
        boolean f = true;
        for (Node o : p.children) {
          int r = eval(o, b);
          t |= (r & TRUE) != 0;
          f &= (r & FALSE) != 0;
        }
        return (t ? TRUE : 0) | (f ? FALSE : 0);
      }
      case Node.NOT -> {
        int r = eval(p.children[0], b);
        return ((r & TRUE) != 0 ? FALSE : 0) | ((r & FALSE) != 0 ? TRUE : 0);
      }
      default -> {
        return evalLeaf(p, b);
      }
    }
  }

  private int evalLeaf(Node p, int b) {
    int c = p.column;
    int rows = SerialFooter.blockRows(b, footer.rowCount, blockRows);
    int nulls = footer.nullCount[c][b];
    int nonNull = rows - nulls;
    if (p.kind == Node.IS_NULL) {
      return (nulls > 0 ? TRUE : 0) | (nonNull > 0 ? FALSE : 0);
    }
    if (nonNull == 0) {
      return 0; // every row is null: every comparison is UNKNOWN
    }
    if (p.kind == Node.CONSTANT) {
      return p.constant ? TRUE : FALSE;
    }
    if (footer.min[c] == null || p.kind == Node.OTHER) {
      return BOTH;
    }
    if (p.kind == Node.LONGS) {
      long v = p.longValue;
      return compare(p.op, Long.compare(footer.min[c][b], v), Long.compare(footer.max[c][b], v));
    }
    // DOUBLES: NaN is a value, not a null; only != holds for it, on either side
    int nan = footer.nanCount[c][b];
    int ordered = nonNull - nan;
    double v = p.doubleValue;
    int r = 0;
    if (nan > 0) {
      r |= p.op == Op.NE ? TRUE : FALSE;
    }
    if (ordered > 0) {
      if (v != v) {
        r |= p.op == Op.NE ? TRUE : FALSE;
      } else {
        r |= compare(p.op, ieeeCompare(Double.longBitsToDouble(footer.min[c][b]), v),
            ieeeCompare(Double.longBitsToDouble(footer.max[c][b]), v));
      }
    }
    return r;
  }

  /** The sign of {@code x - v} with IEEE equality ({@code -0.0 == 0.0}); neither is NaN. */
  private static int ieeeCompare(double x, double v) {
    return x < v ? -1 : x == v ? 0 : 1;
  }

  /**
   * Whether {@code value op v} may be TRUE and may be FALSE for the values of a block whose
   * ordered values lie in {@code [min, max]}, from the signs of {@code min - v} and {@code max -
   * v}.
   */
  private static int compare(Op op, int minVsV, int maxVsV) {
    boolean t;
    boolean f;
    switch (op) {
      case EQ -> {
        t = minVsV <= 0 && maxVsV >= 0;
        f = !(minVsV == 0 && maxVsV == 0);
      }
      case NE -> {
        t = !(minVsV == 0 && maxVsV == 0);
        f = minVsV <= 0 && maxVsV >= 0;
      }
      case LT -> {
        t = minVsV < 0;
        f = maxVsV >= 0;
      }
      case LE -> {
        t = minVsV <= 0;
        f = maxVsV > 0;
      }
      case GT -> {
        t = maxVsV > 0;
        f = minVsV <= 0;
      }
      case GE -> {
        t = maxVsV >= 0;
        f = minVsV < 0;
      }
      default -> throw new AssertionError(op);
    }
    return (t ? TRUE : 0) | (f ? FALSE : 0);
  }

  /** A predicate with its leaves resolved to column indexes. Immutable. */
  static final class Node {
    static final int AND = 0;
    static final int OR = 1;
    static final int NOT = 2;
    static final int IS_NULL = 3;
    static final int CONSTANT = 4;
    static final int LONGS = 5; // an integral comparison on an integral or timestamp column
    static final int DOUBLES = 6; // a floating-point comparison on a floating-point column
    static final int OTHER = 7; // statistics cannot decide it beyond nulls

    final int kind;
    final Node[] children;
    final int column;
    final Op op;
    final long longValue;
    final double doubleValue;
    final boolean constant;

    private Node(int kind, Node[] children, int column, Op op, long longValue,
        double doubleValue, boolean constant) {
      this.kind = kind;
      this.children = children;
      this.column = column;
      this.op = op;
      this.longValue = longValue;
      this.doubleValue = doubleValue;
      this.constant = constant;
    }

    static Node inner(int kind, Node[] children) {
      return new Node(kind, children, -1, null, 0, 0, false);
    }

    static Node leaf(int kind, int column, Op op, long longValue, double doubleValue,
        boolean constant) {
      return new Node(kind, null, column, op, longValue, doubleValue, constant);
    }
  }
}
