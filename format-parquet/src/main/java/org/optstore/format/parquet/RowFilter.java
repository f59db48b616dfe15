package org.optstore.format.parquet;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A bound row predicate over file columns, evaluated with SQL three-valued logic. Results per
 * row are bytes: {@link #FALSE} 0, {@link #UNKNOWN} 1, {@link #TRUE} 2, so that AND is min, OR
 * is max and NOT is {@code 2 - v}.
 */
abstract class RowFilter {
  static final byte FALSE = 0;
  static final byte UNKNOWN = 1;
  static final byte TRUE = 2;

  enum Op { EQ, NE, LT, LE, GT, GE, IS_NULL, IS_NOT_NULL, ALWAYS_TRUE, ALWAYS_FALSE }

  /** Rows of the row group that may hold TRUE rows, judged from page statistics. */
  abstract RowRanges prune(PageStats[] stats, long rows);

  /** Evaluates rows {@code [row, row+n)} of the row group into {@code out[0..n)}. */
  abstract void eval(ColumnCursor[] cursors, long row, int n, byte[] out, Scratch s) throws java.io.IOException;

  abstract void columns(boolean[] used);

  /**
   * Evaluates only rows {@code row + pos[j]} for {@code j < k} into {@code out[j]}. The default
   * evaluates the whole range and gathers; leaves override it to compare only where asked.
   */
  void evalAt(ColumnCursor[] cursors, long row, int n, int[] pos, int k, byte[] out, Scratch s)
      throws java.io.IOException {
    byte[] all = s.take(n);
    eval(cursors, row, n, all, s);
    for (int j = 0; j < k; j++) {
      out[j] = all[pos[j]];
    }
    s.give();
  }

  /**
   * Collects into {@code pos} the rows whose result is ({@code equal}) or is not ({@code !equal})
   * {@code value}; returns their count. Groups of eight results that are all FALSE (zero) are
   * skipped with one load, which makes sparse results cheap.
   */
  static int positions(byte[] res, int n, int[] pos, byte value, boolean equal) {
    int count = 0;
    int j = 0;
    int whole = n & ~7;
    while (j < whole) {
      if (LittleEndian.getLong(res, j) == 0 && (equal ? value != FALSE : value == FALSE)) {
        j += 8;
        continue;
      }
      for (int e = j + 8; j < e; j++) {
        pos[count] = j;
        count += (res[j] == value) == equal ? 1 : 0;
      }
    }
    for (; j < n; j++) {
      pos[count] = j;
      count += (res[j] == value) == equal ? 1 : 0;
    }
    return count;
  }

  /**
   * A leaf's answer for every entry of one dictionary, and the only entry answering TRUE (-1 when
   * none does, -2 when several do).
   */
  record DictAnswers(byte[] perEntry, int single) {}

  /** Per-evaluation scratch: temporary result rows and per-dictionary answers. */
  static final class Scratch {
    private byte[][] pool = new byte[8][];
    private int depth;
    private int[][] positions = new int[8][];
    private int positionDepth;

    int[] takePositions(int n) {
      if (positionDepth == positions.length) {
        positions = Arrays.copyOf(positions, positionDepth * 2);
      }
      int[] p = positions[positionDepth];
      if (p == null || p.length < n) {
        p = new int[Math.max(n, 1024)];
        positions[positionDepth] = p;
      }
      positionDepth++;
      return p;
    }

    void givePositions() {
      positionDepth--;
    }
    private final Map<RowFilter, Map<byte[][], DictAnswers>> dictAnswers = new IdentityHashMap<>();

    /** Per-dictionary answers of one leaf. */
    Map<byte[][], DictAnswers> answers(RowFilter leaf) {
      return dictAnswers.computeIfAbsent(leaf, k -> new IdentityHashMap<>());
    }

    byte[] take(int n) {
      if (depth == pool.length) {
        pool = Arrays.copyOf(pool, depth * 2);
      }
      byte[] b = pool[depth];
      if (b == null || b.length < n) {
        b = new byte[Math.max(n, 1024)];
        pool[depth] = b;
      }
      depth++;
      return b;
    }

    void give() {
      depth--;
    }
  }

  static final class And extends RowFilter {
    final RowFilter[] parts;

    And(RowFilter... parts) {
      this.parts = parts;
    }

    @Override
    RowRanges prune(PageStats[] stats, long rows) {
      RowRanges r = RowRanges.of(0, rows);
      for (RowFilter p : parts) {
        r = r.intersect(p.prune(stats, rows));
        if (r.isEmpty()) {
          break;
        }
      }
      return r;
    }

    /**
     * Kleene AND is the minimum; a row already FALSE stays FALSE, so later operands are evaluated
     * only at the rows still TRUE or UNKNOWN.
     */
    @Override
    void eval(ColumnCursor[] c, long row, int n, byte[] out, Scratch s) throws java.io.IOException {
      parts[0].eval(c, row, n, out, s);
      int[] pos = s.takePositions(n);
      byte[] t = s.take(n);
      try {
        for (int k = 1; k < parts.length; k++) {
          int live = positions(out, n, pos, FALSE, false);
          if (live == 0) {
            return;
          }
          if (live > n / 2) {
            parts[k].eval(c, row, n, t, s);
            for (int j = 0; j < n; j++) {
              out[j] = (byte) Math.min(out[j], t[j]);
            }
          } else {
            parts[k].evalAt(c, row, n, pos, live, t, s);
            for (int j = 0; j < live; j++) {
              int r = pos[j];
              out[r] = (byte) Math.min(out[r], t[j]);
            }
          }
        }
      } finally {
        s.give();
        s.givePositions();
      }
    }
    @Override
    void columns(boolean[] used) {
      for (RowFilter p : parts) {
        p.columns(used);
      }
    }
  }

  static final class Or extends RowFilter {
    final RowFilter[] parts;

    Or(RowFilter... parts) {
      this.parts = parts;
    }

    @Override
    RowRanges prune(PageStats[] stats, long rows) {
      RowRanges r = parts[0].prune(stats, rows);
      for (int k = 1; k < parts.length; k++) {
        r = r.union(parts[k].prune(stats, rows));
      }
      return r;
    }

    @Override
    void eval(ColumnCursor[] c, long row, int n, byte[] out, Scratch s) throws java.io.IOException {
      parts[0].eval(c, row, n, out, s);
      byte[] t = s.take(n);
      for (int k = 1; k < parts.length; k++) {
        parts[k].eval(c, row, n, t, s);
        for (int j = 0; j < n; j++) {
          out[j] = (byte) Math.max(out[j], t[j]);
        }
      }
      s.give();
    }

    @Override
    void columns(boolean[] used) {
      for (RowFilter p : parts) {
        p.columns(used);
      }
    }
  }

  static final class Not extends RowFilter {
    final RowFilter part;

    Not(RowFilter part) {
      this.part = part;
    }

    @Override
    RowRanges prune(PageStats[] stats, long rows) {
      return RowRanges.of(0, rows);
    }

    @Override
    void eval(ColumnCursor[] c, long row, int n, byte[] out, Scratch s) throws java.io.IOException {
      part.eval(c, row, n, out, s);
      for (int j = 0; j < n; j++) {
        out[j] = (byte) (2 - out[j]);
      }
    }

    @Override
    void columns(boolean[] used) {
      part.columns(used);
    }
  }

  /** Always the given value (a leaf that binding proved constant). */
  static final class Constant extends RowFilter {
    final byte value;

    Constant(byte value) {
      this.value = value;
    }

    @Override
    RowRanges prune(PageStats[] stats, long rows) {
      return value == TRUE ? RowRanges.of(0, rows) : RowRanges.of(0, 0);
    }

    @Override
    void eval(ColumnCursor[] c, long row, int n, byte[] out, Scratch s) {
      Arrays.fill(out, 0, n, value);
    }

    @Override
    void columns(boolean[] used) {}
  }
}
