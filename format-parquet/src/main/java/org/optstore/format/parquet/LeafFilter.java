package org.optstore.format.parquet;

import java.io.IOException;
import java.util.Arrays;
import org.optstore.ColumnType;

/** {@code column op literal}, or a null test, on one column. */
final class LeafFilter extends RowFilter {
  final int column;
  final ColumnType kind;
  final Op op;
  /** Literal for long columns compared exactly; otherwise {@link #dv} is used. */
  final boolean exactLong;
  final long lv;
  final double dv;
  final boolean bv;
  final byte[] sv;

  private LeafFilter(int column, ColumnType kind, Op op, boolean exactLong, long lv, double dv, boolean bv,
      byte[] sv) {
    this.column = column;
    this.kind = kind;
    this.op = op;
    this.exactLong = exactLong;
    this.lv = lv;
    this.dv = dv;
    this.bv = bv;
    this.sv = sv;
  }

  /** {@code value} on every non-null row, UNKNOWN on null rows. */
  static LeafFilter constant(int column, ColumnType kind, boolean value) {
    return new LeafFilter(column, kind, value ? Op.ALWAYS_TRUE : Op.ALWAYS_FALSE, false, 0, 0, false, null);
  }

  static LeafFilter nullTest(int column, ColumnType kind, boolean isNull) {
    return new LeafFilter(column, kind, isNull ? Op.IS_NULL : Op.IS_NOT_NULL, false, 0, 0, false, null);
  }

  /** A numeric comparison; an integral literal against a long column compares exactly. */
  static LeafFilter number(int column, ColumnType kind, Op op, double value, Long exact) {
    boolean isLongCol = kind == ColumnType.TIMESTAMP || kind == ColumnType.INT64 || kind == ColumnType.INT32;
    if (isLongCol && exact == null && value == Math.rint(value) && Math.abs(value) < 0x1p62) {
      exact = (long) value;
    }
    return new LeafFilter(column, kind, op, isLongCol && exact != null, exact == null ? 0 : exact,
        exact != null ? exact.doubleValue() : value, false, null);
  }

  static LeafFilter bool(int column, Op op, boolean value) {
    return new LeafFilter(column, ColumnType.BOOL, op, true, value ? 1 : 0, value ? 1 : 0, value, null);
  }

  static LeafFilter string(int column, Op op, byte[] utf8) {
    return new LeafFilter(column, ColumnType.STRING, op, false, 0, 0, false, utf8);
  }

  @Override
  void columns(boolean[] used) {
    used[column] = true;
  }

  @Override
  RowRanges prune(PageStats[] stats, long rows) {
    PageStats s = stats[column];
    if (s == null) {
      return RowRanges.of(0, rows);
    }
    boolean[] keep = new boolean[s.pages];
    for (int p = 0; p < s.pages; p++) {
      keep[p] = mayMatch(s, p);
    }
    return RowRanges.ofPages(keep, s.firstRow, s.pages, rows);
  }

  private boolean mayMatch(PageStats s, int p) {
    switch (op) {
      case IS_NULL:
        return s.nullCount[p] != 0;
      case IS_NOT_NULL:
        return !s.nullPage[p];
      case NE:
      case ALWAYS_TRUE:
        return !s.nullPage[p];
      case ALWAYS_FALSE:
        return false;
      default:
        break;
    }
    if (s.nullPage[p]) {
      return false;
    }
    if (!s.hasMinMax[p]) {
      return true;
    }
    int cmpMin;
    int cmpMax;
    switch (kind) {
      case STRING:
        cmpMin = Arrays.compareUnsigned(s.minB[p], sv);
        cmpMax = Arrays.compareUnsigned(s.maxB[p], sv);
        break;
      case FLOAT64:
      case FLOAT32:
        if (Double.isNaN(dv)) {
          return false;
        }
        cmpMin = Double.compare(s.minD[p] == 0.0 ? 0.0 : s.minD[p], dv == 0.0 ? 0.0 : dv);
        cmpMax = Double.compare(s.maxD[p] == 0.0 ? 0.0 : s.maxD[p], dv == 0.0 ? 0.0 : dv);
        if (s.minD[p] == 0.0 && dv == 0.0) {
          cmpMin = 0;
        }
        if (s.maxD[p] == 0.0 && dv == 0.0) {
          cmpMax = 0;
        }
        break;
      default:
        if (exactLong) {
          cmpMin = Long.compare(s.minL[p], lv);
          cmpMax = Long.compare(s.maxL[p], lv);
        } else {
          if (Double.isNaN(dv)) {
            return false;
          }
          cmpMin = Double.compare((double) s.minL[p], dv);
          cmpMax = Double.compare((double) s.maxL[p], dv);
          // rounding of huge longs to double could hide a match: never prune on equality there
          if (cmpMin == 0 || cmpMax == 0) {
            return true;
          }
        }
        break;
    }
    switch (op) {
      case EQ:
        return cmpMin <= 0 && cmpMax >= 0;
      case LT:
        return cmpMin < 0;
      case LE:
        return cmpMin <= 0;
      case GT:
        return cmpMax > 0;
      case GE:
        return cmpMax >= 0;
      default:
        return true;
    }
  }

  @Override
  void eval(ColumnCursor[] cursors, long row, int n, byte[] out, Scratch s) throws IOException {
    ColumnCursor c = cursors[column];
    c.view(row, n);
    int off = c.off;
    if (op == Op.IS_NULL || op == Op.IS_NOT_NULL) {
      byte hit = op == Op.IS_NULL ? TRUE : FALSE;
      byte miss = (byte) (TRUE - hit);
      if (!c.anyNull) {
        Arrays.fill(out, 0, n, miss);
      } else {
        boolean[] nl = c.nulls;
        for (int k = 0; k < n; k++) {
          out[k] = nl[off + k] ? hit : miss;
        }
      }
      return;
    }
    if (op == Op.ALWAYS_TRUE || op == Op.ALWAYS_FALSE) {
      Arrays.fill(out, 0, n, op == Op.ALWAYS_TRUE ? TRUE : FALSE);
    } else {
      compareValues(c, off, n, out, s);
    }
    if (c.anyNull) {
      boolean[] nl = c.nulls;
      for (int k = 0; k < n; k++) {
        if (nl[off + k]) {
          out[k] = UNKNOWN;
        }
      }
    }
  }

  @Override
  void evalAt(ColumnCursor[] cursors, long row, int n, int[] pos, int k, byte[] out, Scratch s) throws IOException {
    ColumnCursor c = cursors[column];
    c.view(row, n);
    int off = c.off;
    boolean[] nl = c.anyNull ? c.nulls : null;
    if (op == Op.IS_NULL || op == Op.IS_NOT_NULL) {
      for (int j = 0; j < k; j++) {
        boolean isNull = nl != null && nl[off + pos[j]];
        out[j] = isNull == (op == Op.IS_NULL) ? TRUE : FALSE;
      }
      return;
    }
    if (op == Op.ALWAYS_TRUE || op == Op.ALWAYS_FALSE) {
      Arrays.fill(out, 0, k, op == Op.ALWAYS_TRUE ? TRUE : FALSE);
    } else {
      comparePositions(c, off, n, pos, k, out, s);
    }
    if (nl != null) {
      for (int j = 0; j < k; j++) {
        if (nl[off + pos[j]]) {
          out[j] = UNKNOWN;
        }
      }
    }
  }

  private void comparePositions(ColumnCursor c, int off, int n, int[] pos, int k, byte[] out, Scratch s) {
    switch (kind) {
      case FLOAT64: {
        double[] v = c.d;
        double x = dv;
        for (int j = 0; j < k; j++) {
          out[j] = t(matches(v[off + pos[j]], x));
        }
        break;
      }
      case TIMESTAMP:
      case INT64:
        if (exactLong) {
          long[] v = c.l;
          for (int j = 0; j < k; j++) {
            out[j] = t(compare(Long.compare(v[off + pos[j]], lv)));
          }
          break;
        }
        // fall through
      default: {
        // the rarer kinds: evaluate the range, keep the asked rows
        byte[] all = s.take(n);
        compareOrConstant(c, off, n, all, s);
        for (int j = 0; j < k; j++) {
          out[j] = all[pos[j]];
        }
        s.give();
        break;
      }
    }
  }

  private boolean matches(double v, double x) {
    switch (op) {
      case EQ: return v == x;
      case NE: return v != x;
      case LT: return v < x;
      case LE: return v <= x;
      case GT: return v > x;
      case GE: return v >= x;
      default: throw new IllegalStateException(op.toString());
    }
  }

  private void compareOrConstant(ColumnCursor c, int off, int n, byte[] out, Scratch s) {
    if (op == Op.ALWAYS_TRUE || op == Op.ALWAYS_FALSE) {
      Arrays.fill(out, 0, n, op == Op.ALWAYS_TRUE ? TRUE : FALSE);
    } else {
      compareValues(c, off, n, out, s);
    }
  }

  private void compareValues(ColumnCursor c, int off, int n, byte[] out, Scratch s) {
    switch (kind) {
      case TIMESTAMP:
      case INT64:
        if (exactLong) {
          longs(c.l, off, n, out);
        } else {
          longsAsDouble(c.l, off, n, out);
        }
        break;
      case INT32:
        if (exactLong) {
          ints(c.i, off, n, out);
        } else {
          intsAsDouble(c.i, off, n, out);
        }
        break;
      case FLOAT64:
        doubles(c.d, off, n, out);
        break;
      case FLOAT32:
        floats(c.f, off, n, out);
        break;
      case BOOL:
        bools(c.b, off, n, out);
        break;
      case STRING:
        strings(c, off, n, out, s);
        break;
      default:
        throw new IllegalStateException(kind.toString());
    }
  }

  private static byte t(boolean b) {
    return (byte) (b ? TRUE : FALSE);
  }

  private void longs(long[] v, int off, int n, byte[] out) {
    long x = lv;
    switch (op) {
      case EQ: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] == x); } break;
      case NE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] != x); } break;
      case LT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] < x); } break;
      case LE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] <= x); } break;
      case GT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] > x); } break;
      case GE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] >= x); } break;
      default: throw new IllegalStateException(op.toString());
    }
  }

  private void longsAsDouble(long[] v, int off, int n, byte[] out) {
    double x = dv;
    switch (op) {
      case EQ: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] == x); } break;
      case NE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] != x); } break;
      case LT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] < x); } break;
      case LE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] <= x); } break;
      case GT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] > x); } break;
      case GE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] >= x); } break;
      default: throw new IllegalStateException(op.toString());
    }
  }

  private void ints(int[] v, int off, int n, byte[] out) {
    long x = lv;
    switch (op) {
      case EQ: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] == x); } break;
      case NE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] != x); } break;
      case LT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] < x); } break;
      case LE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] <= x); } break;
      case GT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] > x); } break;
      case GE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] >= x); } break;
      default: throw new IllegalStateException(op.toString());
    }
  }

  private void intsAsDouble(int[] v, int off, int n, byte[] out) {
    double x = dv;
    switch (op) {
      case EQ: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] == x); } break;
      case NE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] != x); } break;
      case LT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] < x); } break;
      case LE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] <= x); } break;
      case GT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] > x); } break;
      case GE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] >= x); } break;
      default: throw new IllegalStateException(op.toString());
    }
  }

  private void doubles(double[] v, int off, int n, byte[] out) {
    double x = dv;
    switch (op) {
      case EQ: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] == x); } break;
      case NE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] != x); } break;
      case LT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] < x); } break;
      case LE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] <= x); } break;
      case GT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] > x); } break;
      case GE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] >= x); } break;
      default: throw new IllegalStateException(op.toString());
    }
  }

  private void floats(float[] v, int off, int n, byte[] out) {
    double x = dv;
    switch (op) {
      case EQ: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] == x); } break;
      case NE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] != x); } break;
      case LT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] < x); } break;
      case LE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] <= x); } break;
      case GT: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] > x); } break;
      case GE: for (int k = 0; k < n; k++) { out[k] = t(v[off + k] >= x); } break;
      default: throw new IllegalStateException(op.toString());
    }
  }

  private void bools(byte[] v, int off, int n, byte[] out) {
    int x = (int) lv;
    for (int k = 0; k < n; k++) {
      out[k] = t(compare(v[off + k] != 0 ? 1 : 0, x));
    }
  }

  private boolean compare(int c) {
    switch (op) {
      case EQ: return c == 0;
      case NE: return c != 0;
      case LT: return c < 0;
      case LE: return c <= 0;
      case GT: return c > 0;
      case GE: return c >= 0;
      default: throw new IllegalStateException(op.toString());
    }
  }

  private boolean compare(int a, int b) {
    return compare(Integer.compare(a, b));
  }

  private static final int NONE_TRUE = -1;
  private static final int SEVERAL_TRUE = -2;

  /** The one entry answering TRUE, {@link #NONE_TRUE}, or {@link #SEVERAL_TRUE}. */
  private static int singleTrue(byte[] answers) {
    int found = NONE_TRUE;
    for (int k = 0; k < answers.length; k++) {
      if (answers[k] == TRUE) {
        if (found != NONE_TRUE) {
          return SEVERAL_TRUE;
        }
        found = k;
      }
    }
    return found;
  }

  private void strings(ColumnCursor c, int off, int n, byte[] out, Scratch s) {
    if (c.coded) {
      DictAnswers da = s.answers(this).get(c.dict);
      if (da == null) {
        byte[] a = new byte[c.dict.length];
        for (int k = 0; k < a.length; k++) {
          a[k] = t(compare(Arrays.compareUnsigned(c.dict[k], sv)));
        }
        da = new DictAnswers(a, singleTrue(a));
        s.answers(this).put(c.dict, da);
      }
      byte[] answers = da.perEntry();
      int[] codes = c.codes;
      int single = da.single();
      if (single >= 0) {
        // one entry matches (an equality): compare codes, no lookup per row
        for (int k = 0; k < n; k++) {
          out[k] = codes[off + k] == single ? TRUE : FALSE;
        }
      } else if (single == NONE_TRUE) {
        Arrays.fill(out, 0, n, FALSE);
      } else {
        for (int k = 0; k < n; k++) {
          out[k] = answers[codes[off + k]];
        }
      }
      return;
    }
    byte[][] v = c.bin;
    for (int k = 0; k < n; k++) {
      byte[] x = v[off + k];
      out[k] = x == null ? UNKNOWN : t(compare(Arrays.compareUnsigned(x, sv)));
    }
  }
}
