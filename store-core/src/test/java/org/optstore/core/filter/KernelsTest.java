package org.optstore.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.optstore.BoolColumn;
import org.optstore.BoundPredicate;
import org.optstore.BoundQuery;
import org.optstore.ColumnType;
import org.optstore.DoubleColumn;
import org.optstore.Frame;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Op;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.Selection;
import org.optstore.StringColumn;
import org.optstore.TimeRange;
import org.optstore.spi.Pushdown;

class KernelsTest {
  private static final long[] EDGES = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -2, -1, 0, 1, 2,
      Long.MAX_VALUE - 1, Long.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE,
      (long) Integer.MAX_VALUE + 1};

  private static boolean bit(long[] words, int i) {
    return (words[i >>> 6] >>> i & 1) != 0;
  }

  @Test
  void integerComparisonsAreExactAtTheExtremes() {
    long[] v = new long[EDGES.length * EDGES.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = EDGES[i % EDGES.length];
    }
    long[] out = new long[Kernels.words(v.length)];
    for (long c : EDGES) {
      for (Op op : Op.values()) {
        Kernels.compare(v, v.length, op, c, out);
        for (int i = 0; i < v.length; i++) {
          assertThat(bit(out, i)).as(v[i] + " " + op + " " + c)
              .isEqualTo(op.accepts(Long.compare(v[i], c)));
        }
        int[] iv = new int[v.length];
        for (int i = 0; i < v.length; i++) {
          iv[i] = (int) v[i];
        }
        Kernels.compare(iv, iv.length, op, c, out);
        for (int i = 0; i < iv.length; i++) {
          assertThat(bit(out, i)).as(iv[i] + " " + op + " " + c)
              .isEqualTo(op.accepts(Long.compare(iv[i], c)));
        }
      }
      for (long d : EDGES) {
        assertThat(Kernels.lessThan(c, d)).isEqualTo(c < d ? 1 : 0);
      }
    }
  }

  @Test
  void floatingPointComparisonsFollowIeee() {
    double[] v = {Double.NaN, -0.0, 0.0, 1.5, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
        -1, Double.MIN_VALUE};
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    long[] out = new long[1];
    for (double c : v) {
      for (Op op : Op.values()) {
        Kernels.compare(v, v.length, op, c, out);
        for (int i = 0; i < v.length; i++) {
          assertThat(bit(out, i)).as(v[i] + " " + op + " " + c)
              .isEqualTo(reference(op, v[i], c));
        }
        Kernels.compare(f, f.length, op, c, out);
        for (int i = 0; i < f.length; i++) {
          assertThat(bit(out, i)).isEqualTo(reference(op, f[i], c));
        }
      }
    }
  }

  private static boolean reference(Op op, double a, double b) {
    return switch (op) {
      case EQ -> a == b;
      case NE -> a != b;
      case LT -> a < b;
      case LE -> a <= b;
      case GT -> a > b;
      case GE -> a >= b;
    };
  }

  @Test
  void timeRangesOfUnsortedColumnsIncludeTheMaximumWhenUnbounded() {
    long[] v = {Long.MAX_VALUE, Long.MIN_VALUE, 5, 10, 9, 4};
    long[] out = new long[1];
    Kernels.inRange(v, v.length, 5, 10, true, out);
    assertThat(out[0]).isEqualTo(0b010100L);
    Kernels.inRange(v, v.length, 5, Long.MAX_VALUE, false, out);
    assertThat(out[0]).isEqualTo(0b011101L);
    Kernels.inRange(v, v.length, Long.MIN_VALUE, 5, true, out);
    assertThat(out[0]).isEqualTo(0b100010L);
  }

  /** A column over direct little-endian buffers cut at odd places. */
  private static LongColumn segmented(ColumnType type, long[] v, NullMask nulls, Random rnd) {
    List<java.nio.LongBuffer> segs = new ArrayList<>();
    int at = 0;
    while (at < v.length) {
      int n = Math.min(v.length - at, rnd.nextInt(300));
      ByteBuffer b = ByteBuffer.allocateDirect(8 * n).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        b.putLong(8 * i, v[at + i]);
      }
      segs.add(b.asLongBuffer());
      at += n;
    }
    return LongColumn.ofBuffers(type, segs, nulls);
  }

  @Test
  void predicateKernelsMatchTheReferenceOnSegmentedColumnsAcrossChunks() {
    Random rnd = new Random(7);
    for (int n : new int[] {0, 1, 63, 64, 65, 4095, 4096, 4097, 9000}) {
      long[] a = new long[n];
      long[] t = new long[n];
      boolean[] an = new boolean[n];
      double[] d = new double[n];
      boolean[] dn = new boolean[n];
      int[] i32 = new int[n];
      byte[] bools = new byte[n];
      String[] s = new String[n];
      for (int r = 0; r < n; r++) {
        a[r] = rnd.nextInt(21) - 10;
        an[r] = rnd.nextInt(5) == 0;
        t[r] = rnd.nextInt(1000);
        d[r] = rnd.nextInt(7) == 0 ? Double.NaN : rnd.nextInt(21) - 10;
        dn[r] = rnd.nextInt(5) == 0;
        i32[r] = rnd.nextInt(21) - 10;
        bools[r] = (byte) (rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(3) + 1);
        s[r] = rnd.nextInt(6) == 0 ? null : "k" + rnd.nextInt(4);
      }
      Frame f = Frame.builder()
          .column("t", segmented(ColumnType.TIMESTAMP, t, NullMask.none(n), rnd))
          .column("a", segmented(ColumnType.INT64, a, NullMask.of(an), rnd))
          .column("d", DoubleColumn.wrap(ColumnType.FLOAT64, d, NullMask.of(dn)))
          .column("i", IntColumn.wrap(ColumnType.INT32, i32, NullMask.of(an)))
          .column("b", BoolColumn.ofBuffers(List.of(ByteBuffer.wrap(bools, 0, n / 3),
              ByteBuffer.allocate(0), ByteBuffer.wrap(bools, n / 3, n - n / 3)), NullMask.of(dn)))
          .column("s", StringColumn.of(s))
          .build();
      List<org.optstore.Predicate> preds = List.of(
          Predicates.gt("a", 3),
          Predicates.not(Predicates.gt("a", 3)),
          Predicates.and(Predicates.ge("d", -2.0), Predicates.lt("i", 4.5)),
          Predicates.or(Predicates.eq("s", "k1"), Predicates.isNull("a"), Predicates.ne("d",
              Double.NaN)),
          Predicates.not(Predicates.or(Predicates.eq("b", true), Predicates.lt("s", "k2"))),
          Predicates.and(Predicates.eq("b", false), Predicates.not(Predicates.isNull("d"))),
          Predicates.in("a", 1, 2, 3.5),
          Predicates.between("t", 100L, 500L),
          Predicates.eq("a", 10.5));
      for (org.optstore.Predicate p : preds) {
        BoundQuery q = Query.builder().where(p).build().bind(f.schema());
        BoundPredicate bp = q.predicate().orElseThrow();
        long[] bits = PredicateKernel.compile(bp, f).evaluate();
        for (int r = 0; r < n; r++) {
          assertThat(bit(bits, r)).as(n + " " + p + " row " + r)
              .isEqualTo(Boolean.TRUE.equals(bp.evaluate(f, r)));
        }
      }
      // time: sorted by binary search, unsorted by the kernel, both against contains()
      TimeRange range = TimeRange.ofMicros(200, 700);
      long[] sortedT = t.clone();
      java.util.Arrays.sort(sortedT);
      LongColumn sorted = segmented(ColumnType.TIMESTAMP, sortedT, NullMask.none(n), rnd);
      int[] cut = TimeIndex.cut(sorted, range);
      for (int r = 0; r < n; r++) {
        assertThat(r >= cut[0] && r < cut[1]).isEqualTo(range.contains(sortedT[r]));
      }
      long[] scan = TimeIndex.scan(f.longs("t"), range);
      for (int r = 0; r < n; r++) {
        assertThat(bit(scan, r)).isEqualTo(range.contains(t[r]));
      }
      TimeStats stats = new TimeStats();
      stats.add(sorted);
      assertThat(stats.sorted()).isTrue();
      if (n > 0) {
        assertThat(stats.min()).isEqualTo(sortedT[0]);
        assertThat(stats.max()).isEqualTo(sortedT[n - 1]);
      } else {
        assertThat(stats.min()).isNull();
      }
      stats.add(f.longs("t"));
      assertThat(stats.sorted()).isEqualTo(n < 2 && (n == 0 || t[0] >= sortedT[n - 1]));
    }
  }

  @Test
  void theRefinerSkipsWhatTheReaderAppliedAndAlwaysLimits() {
    Frame f = Frame.builder()
        .column("t", LongColumn.timestamps(1, 2, 3, 4, 5, 6))
        .column("v", LongColumn.of(1, 2, 3, 4, 5, 6))
        .build();
    BoundQuery q = Query.builder().timeRange(TimeRange.ofMicros(2, 6))
        .where(Predicates.gt("v", 2)).columns("v").limit(2).build().bind(f.schema());
    Frame exact = ResultRefiner.refine(f, q, Set.of(), true);
    assertThat(exact.longs("v").toArray()).containsExactly(3, 4);
    assertThat(ResultRefiner.refine(f, q, Set.of(), false)).isEqualTo(exact);
    // a reader claiming everything: the engine trusts it, except for the limit
    Frame trusted = ResultRefiner.refine(f, q, EnumSet.allOf(Pushdown.class), true);
    assertThat(trusted.longs("v").toArray()).containsExactly(1, 2);
    assertThat(ResultRefiner.refine(f.select(Selection.range(6, 2, 5)), q,
        EnumSet.of(Pushdown.TIME_RANGE), true).longs("v").toArray()).containsExactly(3, 4);
  }
}
