package org.optstore.format.serial;

import org.optstore.BoundPredicate;
import org.optstore.ColumnType;
import org.optstore.Op;
import org.optstore.Schema;

/**
 * Decides from a block's verified footer statistics (null counts, NaN counts, min and max) whether
 * a predicate can be TRUE on some row of the block, under the three-valued logic of {@link
 * org.optstore.Predicate}. Conservative: a block it keeps may still hold no match, a block it
 * drops holds none. Each node yields two flags, "may be TRUE" and "may be FALSE", so that NOT and
 * Kleene AND/OR combine soundly.
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

  /** Whether {@code p} may be TRUE on some row of block {@code b}. */
  boolean mayMatch(BoundPredicate p, int b) {
    return (eval(p, b) & TRUE) != 0;
  }

  private int eval(BoundPredicate p, int b) {
    if (p instanceof BoundPredicate.And a) {
      boolean t = true;
      boolean f = false;
      for (BoundPredicate o : a.operands()) {
        int r = eval(o, b);
        t &= (r & TRUE) != 0;
        f |= (r & FALSE) != 0;
      }
      return (t ? TRUE : 0) | (f ? FALSE : 0);
    }
    if (p instanceof BoundPredicate.Or o) {
      boolean t = false;
      boolean f = true;
      for (BoundPredicate x : o.operands()) {
        int r = eval(x, b);
        t |= (r & TRUE) != 0;
        f &= (r & FALSE) != 0;
      }
      return (t ? TRUE : 0) | (f ? FALSE : 0);
    }
    if (p instanceof BoundPredicate.Not n) {
      int r = eval(n.operand(), b);
      return ((r & TRUE) != 0 ? FALSE : 0) | ((r & FALSE) != 0 ? TRUE : 0);
    }
    String column = p.columns().iterator().next();
    int c = schema.indexOf(column);
    int rows = SerialFooter.blockRows(b, footer.rowCount, blockRows);
    int nulls = footer.nullCount[c][b];
    int nonNull = rows - nulls;
    if (p instanceof BoundPredicate.IsNull) {
      return (nulls > 0 ? TRUE : 0) | (nonNull > 0 ? FALSE : 0);
    }
    if (nonNull == 0) {
      return 0; // every row is null: every comparison is UNKNOWN
    }
    if (p instanceof BoundPredicate.Constant k) {
      return k.value() ? TRUE : FALSE;
    }
    if (footer.min[c] == null) {
      return BOTH;
    }
    ColumnType type = schema.field(c).type();
    if (p instanceof BoundPredicate.LongComparison lc && !type.isFloatingPoint()) {
      return compareLongs(lc.op(), lc.value(), footer.min[c][b], footer.max[c][b]);
    }
    if (p instanceof BoundPredicate.DoubleComparison dc && type.isFloatingPoint()) {
      int nan = footer.nanCount[c][b];
      int ordered = nonNull - nan;
      double v = dc.value();
      int r = 0;
      if (nan > 0) {
        r |= dc.op() == Op.NE ? TRUE : FALSE;
      }
      if (ordered > 0) {
        if (v != v) {
          r |= dc.op() == Op.NE ? TRUE : FALSE;
        } else {
          r |= compareDoubles(dc.op(), v, Double.longBitsToDouble(footer.min[c][b]),
              Double.longBitsToDouble(footer.max[c][b]));
        }
      }
      return r;
    }
    return BOTH;
  }

  private static int compareLongs(Op op, long v, long min, long max) {
    boolean t;
    boolean f;
    switch (op) {
      case EQ -> {
        t = min <= v && v <= max;
        f = !(min == v && max == v);
      }
      case NE -> {
        t = !(min == v && max == v);
        f = min <= v && v <= max;
      }
      case LT -> {
        t = min < v;
        f = max >= v;
      }
      case LE -> {
        t = min <= v;
        f = max > v;
      }
      case GT -> {
        t = max > v;
        f = min <= v;
      }
      case GE -> {
        t = max >= v;
        f = min < v;
      }
      default -> throw new AssertionError(op);
    }
    return (t ? TRUE : 0) | (f ? FALSE : 0);
  }

  /** IEEE comparisons over the ordered (non-NaN) values in {@code [min, max]}. */
  private static int compareDoubles(Op op, double v, double min, double max) {
    boolean t;
    boolean f;
    switch (op) {
      case EQ -> {
        t = min <= v && v <= max;
        f = !(min == v && max == v);
      }
      case NE -> {
        t = !(min == v && max == v);
        f = min <= v && v <= max;
      }
      case LT -> {
        t = min < v;
        f = max >= v;
      }
      case LE -> {
        t = min <= v;
        f = max > v;
      }
      case GT -> {
        t = max > v;
        f = min <= v;
      }
      case GE -> {
        t = max >= v;
        f = min < v;
      }
      default -> throw new AssertionError(op);
    }
    return (t ? TRUE : 0) | (f ? FALSE : 0);
  }
}
