package org.optstore.format.parquet;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.optstore.BoundPredicate;
import org.optstore.ColumnType;
import org.optstore.Schema;
import org.optstore.SchemaException;

/** Turns a {@link BoundPredicate} into the row filter the scan evaluates on decoded pages. */
final class PredicateCompiler {
  private PredicateCompiler() {}

  static RowFilter compile(BoundPredicate p, Schema schema) {
    if (p instanceof BoundPredicate.And a) {
      return new RowFilter.And(all(a.operands(), schema));
    }
    if (p instanceof BoundPredicate.Or o) {
      return new RowFilter.Or(all(o.operands(), schema));
    }
    if (p instanceof BoundPredicate.Not n) {
      return new RowFilter.Not(compile(n.operand(), schema));
    }
    if (p instanceof BoundPredicate.LongComparison c) {
      int col = schema.indexOf(c.column());
      ColumnType t = schema.field(col).type();
      require(t.isIntegral(), c.column(), t, "an integer or timestamp");
      return LeafFilter.number(col, t, op(c.op()), c.value(), c.value());
    }
    if (p instanceof BoundPredicate.DoubleComparison c) {
      int col = schema.indexOf(c.column());
      ColumnType t = schema.field(col).type();
      require(t.isFloatingPoint(), c.column(), t, "a floating point");
      return LeafFilter.number(col, t, op(c.op()), c.value(), null);
    }
    if (p instanceof BoundPredicate.StringComparison c) {
      int col = schema.indexOf(c.column());
      ColumnType t = schema.field(col).type();
      require(t == ColumnType.STRING, c.column(), t, "a string");
      return LeafFilter.string(col, op(c.op()), c.value().getBytes(StandardCharsets.UTF_8));
    }
    if (p instanceof BoundPredicate.BoolComparison c) {
      int col = schema.indexOf(c.column());
      ColumnType t = schema.field(col).type();
      require(t == ColumnType.BOOL, c.column(), t, "a boolean");
      return LeafFilter.bool(col, c.equal() ? RowFilter.Op.EQ : RowFilter.Op.NE, c.value());
    }
    if (p instanceof BoundPredicate.IsNull c) {
      int col = schema.indexOf(c.column());
      return LeafFilter.nullTest(col, schema.field(col).type(), true);
    }
    BoundPredicate.Constant c = (BoundPredicate.Constant) p;
    int col = schema.indexOf(c.column());
    return LeafFilter.constant(col, schema.field(col).type(), c.value());
  }

  private static RowFilter[] all(List<BoundPredicate> ps, Schema schema) {
    RowFilter[] out = new RowFilter[ps.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = compile(ps.get(i), schema);
    }
    return out;
  }

  private static void require(boolean ok, String column, ColumnType t, String what) {
    if (!ok) {
      throw new SchemaException("predicate compares column '" + column + "' of type " + t + " with "
          + what + " literal; bind the query to this file's schema first");
    }
  }

  private static RowFilter.Op op(org.optstore.Op op) {
    switch (op) {
      case EQ: return RowFilter.Op.EQ;
      case NE: return RowFilter.Op.NE;
      case LT: return RowFilter.Op.LT;
      case LE: return RowFilter.Op.LE;
      case GT: return RowFilter.Op.GT;
      case GE: return RowFilter.Op.GE;
      default: throw new IllegalStateException(op.toString());
    }
  }
}
