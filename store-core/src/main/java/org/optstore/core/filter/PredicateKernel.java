package org.optstore.core.filter;

import java.util.List;
import org.optstore.BoolColumn;
import org.optstore.BoundPredicate;
import org.optstore.Column;
import org.optstore.DoubleColumn;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.StringColumn;
import org.optstore.StringDictionary;

/**
 * A {@link BoundPredicate} compiled against one frame: a tree of nodes, each holding the TRUE and
 * FALSE bitmaps of one chunk (a row that is neither is UNKNOWN), combined by Kleene logic: AND is
 * {@code T = T1 & T2, F = F1 | F2}, OR is {@code T = T1 | T2, F = F1 & F2}, NOT swaps T and F. A
 * comparison leaf is TRUE or FALSE on non-null rows and UNKNOWN on null ones. Evaluation walks the
 * frame chunk by chunk, so every bitmap stays in cache and nothing is allocated per row; the only
 * per-row work is a kernel loop of {@link Kernels}. Not thread-safe; compile one per evaluation.
 */
final class PredicateKernel {
  private final Node root;
  private final int rows;

  private PredicateKernel(Node root, int rows) {
    this.root = root;
    this.rows = rows;
  }

  /**
   * @param predicate a predicate bound to a schema whose columns the frame holds
   * @param frame the rows to evaluate it on
   * @return the compiled predicate
   */
  static PredicateKernel compile(BoundPredicate predicate, Frame frame) {
    return new PredicateKernel(build(predicate, frame, new Scratch()), frame.rowCount());
  }

  /** @return the bitmap of the rows where the predicate is TRUE ({@code ceil(rows / 64)} words) */
  long[] evaluate() {
    long[] out = new long[Kernels.words(rows)];
    for (int base = 0; base < rows; base += Kernels.CHUNK) {
      int len = Math.min(Kernels.CHUNK, rows - base);
      root.eval(base, len);
      System.arraycopy(root.t, 0, out, base >>> 6, Kernels.words(len));
    }
    return out;
  }

  private static Node build(BoundPredicate p, Frame frame, Scratch s) {
    if (p instanceof BoundPredicate.And a) {
      return new And(children(a.operands(), frame, s));
    }
    if (p instanceof BoundPredicate.Or o) {
      return new Or(children(o.operands(), frame, s));
    }
    if (p instanceof BoundPredicate.Not n) {
      return new Not(build(n.operand(), frame, s));
    }
    if (p instanceof BoundPredicate.IsNull n) {
      return new IsNull(frame.column(n.column()).nulls());
    }
    if (p instanceof BoundPredicate.Constant c) {
      return new Constant(frame.column(c.column()).nulls(), c.value());
    }
    if (p instanceof BoundPredicate.LongComparison c) {
      Column col = frame.column(c.column());
      if (col instanceof IntColumn ic) {
        return new IntLeaf(ic, c, s);
      }
      return new LongLeaf((LongColumn) col, c, s);
    }
    if (p instanceof BoundPredicate.DoubleComparison c) {
      Column col = frame.column(c.column());
      if (col instanceof FloatColumn fc) {
        return new FloatLeaf(fc, c, s);
      }
      return new DoubleLeaf((DoubleColumn) col, c, s);
    }
    if (p instanceof BoundPredicate.StringComparison c) {
      return new StringLeaf(frame.strings(c.column()), c, s);
    }
    BoundPredicate.BoolComparison c = (BoundPredicate.BoolComparison) p;
    return new BoolLeaf(frame.bools(c.column()), c, s);
  }

  private static Node[] children(List<BoundPredicate> ops, Frame frame, Scratch s) {
    Node[] out = new Node[ops.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = build(ops.get(i), frame, s);
    }
    return out;
  }

  /** Value buffers shared by all leaves of one evaluation: leaves run one after another. */
  private static final class Scratch {
    long[] longs;
    int[] ints;
    double[] doubles;
    float[] floats;
    byte[] bytes;

    long[] longs() {
      return longs == null ? longs = new long[Kernels.CHUNK] : longs;
    }

    int[] ints() {
      return ints == null ? ints = new int[Kernels.CHUNK] : ints;
    }

    double[] doubles() {
      return doubles == null ? doubles = new double[Kernels.CHUNK] : doubles;
    }

    float[] floats() {
      return floats == null ? floats = new float[Kernels.CHUNK] : floats;
    }

    byte[] bytes() {
      return bytes == null ? bytes = new byte[Kernels.CHUNK] : bytes;
    }
  }

  /** A node's TRUE and FALSE bits for the current chunk. */
  private abstract static class Node {
    final long[] t = new long[Kernels.WORDS];
    final long[] f = new long[Kernels.WORDS];

    abstract void eval(int base, int len);
  }

  /** A comparison: its kernel leaves the raw outcome in {@code t}; nulls make it UNKNOWN. */
  private abstract static class Leaf extends Node {
    private final NullMask nulls;

    Leaf(NullMask nulls) {
      this.nulls = nulls;
    }

    final void settle(int base, int len) {
      int w0 = base >>> 6;
      boolean anyNull = nulls.hasNulls();
      if (!anyNull && len == Kernels.CHUNK) {
        for (int w = 0; w < Kernels.WORDS; w++) {
          f[w] = ~t[w];
        }
        return;
      }
      for (int w = 0, words = Kernels.words(len); w < words; w++) {
        long known = Kernels.validMask(len, w) & ~(anyNull ? nulls.word(w0 + w) : 0L);
        long v = t[w];
        t[w] = v & known;
        f[w] = ~v & known;
      }
    }
  }

  private static final class LongLeaf extends Leaf {
    private final LongColumn col;
    private final BoundPredicate.LongComparison c;
    private final long[] buf;

    LongLeaf(LongColumn col, BoundPredicate.LongComparison c, Scratch s) {
      super(col.nulls());
      this.col = col;
      this.c = c;
      this.buf = s.longs();
    }

    @Override
    void eval(int base, int len) {
      col.copyTo(base, buf, 0, len);
      Kernels.compare(buf, len, c.op(), c.value(), t);
      settle(base, len);
    }
  }

  private static final class IntLeaf extends Leaf {
    private final IntColumn col;
    private final BoundPredicate.LongComparison c;
    private final int[] buf;

    IntLeaf(IntColumn col, BoundPredicate.LongComparison c, Scratch s) {
      super(col.nulls());
      this.col = col;
      this.c = c;
      this.buf = s.ints();
    }

    @Override
    void eval(int base, int len) {
      col.copyTo(base, buf, 0, len);
      Kernels.compare(buf, len, c.op(), c.value(), t);
      settle(base, len);
    }
  }

  private static final class DoubleLeaf extends Leaf {
    private final DoubleColumn col;
    private final BoundPredicate.DoubleComparison c;
    private final double[] buf;

    DoubleLeaf(DoubleColumn col, BoundPredicate.DoubleComparison c, Scratch s) {
      super(col.nulls());
      this.col = col;
      this.c = c;
      this.buf = s.doubles();
    }

    @Override
    void eval(int base, int len) {
      col.copyTo(base, buf, 0, len);
      Kernels.compare(buf, len, c.op(), c.value(), t);
      settle(base, len);
    }
  }

  private static final class FloatLeaf extends Leaf {
    private final FloatColumn col;
    private final BoundPredicate.DoubleComparison c;
    private final float[] buf;

    FloatLeaf(FloatColumn col, BoundPredicate.DoubleComparison c, Scratch s) {
      super(col.nulls());
      this.col = col;
      this.c = c;
      this.buf = s.floats();
    }

    @Override
    void eval(int base, int len) {
      col.copyTo(base, buf, 0, len);
      Kernels.compare(buf, len, c.op(), c.value(), t);
      settle(base, len);
    }
  }

  private static final class StringLeaf extends Leaf {
    private final IntColumn codes;
    private final byte[] match;
    private final int mask;
    private final int[] buf;

    StringLeaf(StringColumn col, BoundPredicate.StringComparison c, Scratch s) {
      super(col.nulls());
      this.codes = col.codes();
      StringDictionary d = col.dictionary();
      int size = Math.max(1, Integer.highestOneBit(Math.max(1, d.size()) - 1) << 1);
      this.match = new byte[size];
      this.mask = size - 1;
      for (int i = 0; i < d.size(); i++) {
        match[i] = c.op().accepts(BoundPredicate.compareStrings(d.get(i), c.value())) ? (byte) 1
            : 0;
      }
      this.buf = s.ints();
    }

    @Override
    void eval(int base, int len) {
      codes.copyTo(base, buf, 0, len);
      Kernels.lookup(buf, len, match, mask, t);
      settle(base, len);
    }
  }

  private static final class BoolLeaf extends Leaf {
    private final BoolColumn col;
    private final long flip;
    private final byte[] buf;

    BoolLeaf(BoolColumn col, BoundPredicate.BoolComparison c, Scratch s) {
      super(col.nulls());
      this.col = col;
      // (value != 0) == literal, negated for !=
      this.flip = (c.value() ? 0L : 1L) ^ (c.equal() ? 0L : 1L);
      this.buf = s.bytes();
    }

    @Override
    void eval(int base, int len) {
      Kernels.copyBools(col, base, buf, len);
      Kernels.nonZero(buf, len, flip, t);
      settle(base, len);
    }
  }

  private static final class IsNull extends Node {
    private final NullMask nulls;

    IsNull(NullMask nulls) {
      this.nulls = nulls;
    }

    @Override
    void eval(int base, int len) {
      int w0 = base >>> 6;
      for (int w = 0, words = Kernels.words(len); w < words; w++) {
        long valid = Kernels.validMask(len, w);
        long n = nulls.word(w0 + w);
        t[w] = n & valid;
        f[w] = ~n & valid;
      }
    }
  }

  private static final class Constant extends Node {
    private final NullMask nulls;
    private final boolean value;

    Constant(NullMask nulls, boolean value) {
      this.nulls = nulls;
      this.value = value;
    }

    @Override
    void eval(int base, int len) {
      int w0 = base >>> 6;
      for (int w = 0, words = Kernels.words(len); w < words; w++) {
        long known = Kernels.validMask(len, w) & ~nulls.word(w0 + w);
        t[w] = value ? known : 0L;
        f[w] = value ? 0L : known;
      }
    }
  }

  private static final class And extends Node {
    private final Node[] operands;

    And(Node[] operands) {
      this.operands = operands;
    }

    @Override
    void eval(int base, int len) {
      int words = Kernels.words(len);
      Node first = operands[0];
      first.eval(base, len);
      System.arraycopy(first.t, 0, t, 0, words);
      System.arraycopy(first.f, 0, f, 0, words);
      for (int i = 1; i < operands.length; i++) {
        if (allSet(f, len)) {
          return; // FALSE everywhere: the other operands cannot change the outcome
        }
        Node o = operands[i];
        o.eval(base, len);
        for (int w = 0; w < words; w++) {
          t[w] &= o.t[w];
          f[w] |= o.f[w];
        }
      }
    }
  }

  private static final class Or extends Node {
    private final Node[] operands;

    Or(Node[] operands) {
      this.operands = operands;
    }

    @Override
    void eval(int base, int len) {
      int words = Kernels.words(len);
      Node first = operands[0];
      first.eval(base, len);
      System.arraycopy(first.t, 0, t, 0, words);
      System.arraycopy(first.f, 0, f, 0, words);
      for (int i = 1; i < operands.length; i++) {
        if (allSet(t, len)) {
          return; // TRUE everywhere
        }
        Node o = operands[i];
        o.eval(base, len);
        for (int w = 0; w < words; w++) {
          t[w] |= o.t[w];
          f[w] &= o.f[w];
        }
      }
    }
  }

  private static final class Not extends Node {
    private final Node operand;

    Not(Node operand) {
      this.operand = operand;
    }

    @Override
    void eval(int base, int len) {
      operand.eval(base, len);
      int words = Kernels.words(len);
      System.arraycopy(operand.f, 0, t, 0, words);
      System.arraycopy(operand.t, 0, f, 0, words);
    }
  }

  private static boolean allSet(long[] bits, int len) {
    long all = -1L;
    for (int w = 0, words = Kernels.words(len); w < words; w++) {
      all &= bits[w] | ~Kernels.validMask(len, w);
    }
    return all == -1L;
  }
}
