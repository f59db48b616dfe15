package org.optstore.format.parquet;

import java.io.IOException;
import java.math.BigInteger;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.optstore.ColumnType;

/**
 * Reads one column of one row group as views over row intervals: a view within one page points
 * into the decoded page (no copy); a view across pages is assembled in the cursor's own arrays.
 * Values are converted to our kinds (micros, doubles for decimals) once per decoded page.
 */
final class ColumnCursor {
  final ColumnMapping mapping;
  final ColumnType kind;
  private final PageDecoder decoder;
  private final PrimitiveTypeName physical;
  private PageTable table;
  private int currentPage = -1;

  // the converted current page
  private long[] pl = new long[0];
  private int[] pi = new int[0];
  private double[] pd = new double[0];
  private float[] pf = new float[0];
  private byte[] pb = new byte[0];
  private int[] pc = new int[0];
  private byte[][] pbin = new byte[0][];
  private boolean[] pnulls = new boolean[0];
  private boolean pAnyNull;
  private boolean pCoded;

  // the current view
  long[] l;
  int[] i;
  double[] d;
  float[] f;
  byte[] b;
  int[] codes;
  byte[][] bin;
  /** Chunk dictionary when {@link #coded}. */
  byte[][] dict;
  boolean coded;
  boolean[] nulls;
  boolean anyNull;
  int off;

  // assembly buffers for views across pages
  private long[] al = new long[0];
  private int[] ai = new int[0];
  private double[] ad = new double[0];
  private float[] af = new float[0];
  private byte[] ab = new byte[0];
  private int[] ac = new int[0];
  private byte[][] abin = new byte[0][];
  private boolean[] anulls = new boolean[0];

  ColumnCursor(FileInput in, ColumnDescriptor descriptor, CompressionCodecName codec, ColumnMapping mapping) {
    this.mapping = mapping;
    this.kind = mapping.kind;
    this.decoder = new PageDecoder(in, descriptor, codec);
    this.physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
  }

  /** Switches to the chunk of another row group. */
  void reset(PageTable t) {
    table = t;
    currentPage = -1;
  }

  PageTable table() {
    return table;
  }

  /** Positions the view on rows {@code [row, row+n)} of the row group. */
  void view(long row, int n) throws IOException {
    int p = table.pageOf(row);
    long first = table.firstRow[p];
    if (row + n <= first + table.rows[p]) {
      load(p);
      point((int) (row - first));
      return;
    }
    assemble(row, n);
  }

  private void point(int offset) {
    l = pl;
    i = pi;
    d = pd;
    f = pf;
    b = pb;
    codes = pc;
    bin = pbin;
    coded = pCoded;
    dict = decoder.dictBinary;
    nulls = pnulls;
    anyNull = pAnyNull;
    off = offset;
  }

  private void assemble(long row, int n) throws IOException {
    ensureAssembly(n);
    int done = 0;
    boolean any = false;
    boolean isCoded = true;
    byte[][] firstDict = null;
    while (done < n) {
      int p = table.pageOf(row + done);
      load(p);
      int from = (int) (row + done - table.firstRow[p]);
      int take = Math.min(n - done, table.rows[p] - from);
      if (take <= 0 || from < 0) {
        throw new IOException("no page holds row " + (row + done) + " of a row group in " + decoder.where(table, p));
      }
      switch (kind) {
        case TIMESTAMP: case INT64: System.arraycopy(pl, from, al, done, take); break;
        case INT32: System.arraycopy(pi, from, ai, done, take); break;
        case FLOAT64: System.arraycopy(pd, from, ad, done, take); break;
        case FLOAT32: System.arraycopy(pf, from, af, done, take); break;
        case BOOL: System.arraycopy(pb, from, ab, done, take); break;
        default:
          // strings across pages: materialize bytes (rare: only misaligned foreign pages)
          for (int k = 0; k < take; k++) {
            abin[done + k] = pAnyNull && pnulls[from + k] ? null
                : pCoded ? decoder.dictBinary[pc[from + k]] : pbin[from + k];
          }
          isCoded = false;
          break;
      }
      if (pAnyNull) {
        System.arraycopy(pnulls, from, anulls, done, take);
        any = true;
      } else {
        java.util.Arrays.fill(anulls, done, done + take, false);
      }
      done += take;
    }
    l = al;
    i = ai;
    d = ad;
    f = af;
    b = ab;
    codes = ac;
    bin = abin;
    coded = kind == ColumnType.STRING ? false : isCoded;
    dict = firstDict;
    nulls = anulls;
    anyNull = any;
    off = 0;
  }

  private long decodedPages;

  long takeDecodedPages() {
    long n = decodedPages;
    decodedPages = 0;
    return n;
  }

  private void load(int p) throws IOException {
    if (p == currentPage) {
      return;
    }
    decoder.decode(table, p);
    decodedPages++;
    int n = decoder.rows;
    pAnyNull = decoder.nullCount > 0;
    pnulls = decoder.nulls;
    pCoded = false;
    switch (kind) {
      case TIMESTAMP:
      case INT64:
        pl = convertLongs(n);
        break;
      case INT32:
        pi = decoder.ints;
        break;
      case FLOAT64:
        pd = convertDoubles(n);
        break;
      case FLOAT32:
        pf = decoder.floats;
        break;
      case BOOL:
        pb = decoder.bools;
        break;
      case STRING:
        pCoded = decoder.dictionaryCoded;
        pc = decoder.codes;
        pbin = decoder.binaries;
        break;
      default:
        throw new IllegalStateException(kind.toString());
    }
    currentPage = p;
  }

  private long[] convertLongs(int n) {
    switch (mapping.conversion) {
      case NONE:
        return decoder.longs;
      case MILLIS_TO_MICROS: {
        long[] v = decoder.longs;
        for (int k = 0; k < n; k++) {
          v[k] = saturatingMultiply(v[k], 1000L);
        }
        return v;
      }
      case NANOS_TO_MICROS: {
        long[] v = decoder.longs;
        for (int k = 0; k < n; k++) {
          v[k] = Math.floorDiv(v[k], 1000L);
        }
        return v;
      }
      case DAYS_TO_MICROS: {
        int[] src = decoder.ints;
        long[] v = decoder.longs;
        for (int k = 0; k < n; k++) {
          v[k] = src[k] * 86_400_000_000L;
        }
        return v;
      }
      case UINT32: {
        int[] src = decoder.ints;
        long[] v = decoder.longs;
        for (int k = 0; k < n; k++) {
          v[k] = src[k] & 0xFFFFFFFFL;
        }
        return v;
      }
      default:
        throw new IllegalStateException(mapping.conversion.toString());
    }
  }

  private double[] convertDoubles(int n) {
    if (mapping.conversion == ColumnMapping.Conversion.NONE) {
      return decoder.doubles;
    }
    if (pd.length < n) {
      pd = new double[Math.max(n, 16)];
    }
    double scale = Math.pow(10, mapping.scale);
    switch (mapping.conversion) {
      case DECIMAL:
        if (physical == PrimitiveTypeName.INT32) {
          for (int k = 0; k < n; k++) {
            pd[k] = decoder.ints[k] / scale;
          }
        } else {
          for (int k = 0; k < n; k++) {
            pd[k] = decoder.longs[k] / scale;
          }
        }
        return pd;
      case DECIMAL_BYTES:
        for (int k = 0; k < n; k++) {
          byte[] v = decoder.dictionaryCoded ? decoder.dictBinary[decoder.codes[k]] : decoder.binaries[k];
          pd[k] = v == null || v.length == 0 || (decoder.nullCount > 0 && decoder.nulls[k])
              ? 0 : new BigInteger(v).longValue() / scale;
        }
        return pd;
      default:
        throw new IllegalStateException(mapping.conversion.toString());
    }
  }

  private void ensureAssembly(int n) {
    if (anulls.length >= n) {
      return;
    }
    anulls = new boolean[n];
    switch (kind) {
      case TIMESTAMP: case INT64: al = new long[n]; break;
      case INT32: ai = new int[n]; break;
      case FLOAT64: ad = new double[n]; break;
      case FLOAT32: af = new float[n]; break;
      case BOOL: ab = new byte[n]; break;
      default: abin = new byte[n][]; ac = new int[n]; break;
    }
  }

  static long saturatingMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
  }
}
