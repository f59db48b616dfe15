package org.optstore.format.parquet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.optstore.ColumnType;

/** One result column being filled: typed primitive arrays, lazily a null mask, strings as codes. */
final class ReadColumn {
  final String name;
  final ColumnType kind;
  int size;
  long[] l;
  int[] i;
  double[] d;
  float[] f;
  byte[] b;
  int[] codes;
  boolean[] nulls;
  final List<String> dict = new ArrayList<>();
  private final Map<String, Integer> dictIndex = new HashMap<>();
  private final Map<byte[][], int[]> chunkToGlobal = new IdentityHashMap<>();

  ReadColumn(String name, ColumnType kind, int capacity) {
    this.name = name;
    this.kind = kind;
    allocate(Math.max(capacity, 16));
  }

  private void allocate(int cap) {
    switch (kind) {
      case TIMESTAMP: case INT64: l = l == null ? new long[cap] : Arrays.copyOf(l, cap); break;
      case INT32: i = i == null ? new int[cap] : Arrays.copyOf(i, cap); break;
      case FLOAT64: d = d == null ? new double[cap] : Arrays.copyOf(d, cap); break;
      case FLOAT32: f = f == null ? new float[cap] : Arrays.copyOf(f, cap); break;
      case BOOL: b = b == null ? new byte[cap] : Arrays.copyOf(b, cap); break;
      default: codes = codes == null ? new int[cap] : Arrays.copyOf(codes, cap); break;
    }
    if (nulls != null) {
      nulls = Arrays.copyOf(nulls, cap);
    }
  }

  int capacity() {
    switch (kind) {
      case TIMESTAMP: case INT64: return l.length;
      case INT32: return i.length;
      case FLOAT64: return d.length;
      case FLOAT32: return f.length;
      case BOOL: return b.length;
      default: return codes.length;
    }
  }

  void ensure(int extra) {
    int cap = capacity();
    if (size + extra > cap) {
      allocate((int) Math.min(Integer.MAX_VALUE - 16, Math.max(size + (long) extra, 2L * cap)));
    }
  }

  /** Appends rows {@code [off, off+n)} of the cursor's current view. */
  void appendRange(ColumnCursor c, int off, int n) {
    ensure(n);
    switch (kind) {
      case TIMESTAMP: case INT64: System.arraycopy(c.l, off, l, size, n); break;
      case INT32: System.arraycopy(c.i, off, i, size, n); break;
      case FLOAT64: System.arraycopy(c.d, off, d, size, n); break;
      case FLOAT32: System.arraycopy(c.f, off, f, size, n); break;
      case BOOL: System.arraycopy(c.b, off, b, size, n); break;
      default:
        if (c.coded) {
          int[] map = globalCodes(c.dict);
          int[] src = c.codes;
          if (map.length == 0) {
            Arrays.fill(codes, size, size + n, 0);
          } else {
            for (int k = 0; k < n; k++) {
              codes[size + k] = map[src[off + k]];
            }
          }
        } else {
          for (int k = 0; k < n; k++) {
            byte[] v = c.bin[off + k];
            codes[size + k] = v == null ? 0 : code(v);
          }
        }
    }
    if (c.anyNull) {
      markNulls(c.nulls, off, n);
    }
    size += n;
  }

  /** Appends the view rows {@code off + sel[0..k)}. */
  void appendSelected(ColumnCursor c, int off, int[] sel, int k) {
    ensure(k);
    int s = size;
    switch (kind) {
      case TIMESTAMP: case INT64: {
        long[] src = c.l;
        for (int j = 0; j < k; j++) {
          l[s + j] = src[off + sel[j]];
        }
        break;
      }
      case INT32: {
        int[] src = c.i;
        for (int j = 0; j < k; j++) {
          i[s + j] = src[off + sel[j]];
        }
        break;
      }
      case FLOAT64: {
        double[] src = c.d;
        for (int j = 0; j < k; j++) {
          d[s + j] = src[off + sel[j]];
        }
        break;
      }
      case FLOAT32: {
        float[] src = c.f;
        for (int j = 0; j < k; j++) {
          f[s + j] = src[off + sel[j]];
        }
        break;
      }
      case BOOL: {
        byte[] src = c.b;
        for (int j = 0; j < k; j++) {
          b[s + j] = src[off + sel[j]];
        }
        break;
      }
      default:
        if (c.coded) {
          int[] map = globalCodes(c.dict);
          int[] src = c.codes;
          if (map.length == 0) {
            Arrays.fill(codes, s, s + k, 0);
          } else {
            for (int j = 0; j < k; j++) {
              codes[s + j] = map[src[off + sel[j]]];
            }
          }
        } else {
          for (int j = 0; j < k; j++) {
            byte[] v = c.bin[off + sel[j]];
            codes[s + j] = v == null ? 0 : code(v);
          }
        }
    }
    if (c.anyNull) {
      boolean[] nl = c.nulls;
      for (int j = 0; j < k; j++) {
        if (nl[off + sel[j]]) {
          setNull(s + j);
        }
      }
    }
    size += k;
  }

  private void markNulls(boolean[] src, int off, int n) {
    for (int k = 0; k < n; k++) {
      if (src[off + k]) {
        setNull(size + k);
      }
    }
  }

  private void setNull(int row) {
    if (nulls == null) {
      nulls = new boolean[capacity()];
    }
    nulls[row] = true;
    if (kind == ColumnType.STRING) {
      codes[row] = 0;
    }
  }

  private int[] globalCodes(byte[][] chunkDict) {
    int[] map = chunkToGlobal.get(chunkDict);
    if (map == null) {
      map = new int[chunkDict.length];
      for (int k = 0; k < chunkDict.length; k++) {
        map[k] = code(chunkDict[k]);
      }
      chunkToGlobal.put(chunkDict, map);
    }
    return map;
  }

  private int code(byte[] utf8) {
    return code(new String(utf8, StandardCharsets.UTF_8));
  }

  int code(String s) {
    Integer c = dictIndex.get(s);
    if (c == null) {
      c = dict.size();
      dict.add(s);
      dictIndex.put(s, c);
    }
    return c;
  }

  /** Appends all of {@code other} (a later part of the same column). */
  void appendAll(ReadColumn other) {
    int n = other.size;
    ensure(n);
    switch (kind) {
      case TIMESTAMP: case INT64: System.arraycopy(other.l, 0, l, size, n); break;
      case INT32: System.arraycopy(other.i, 0, i, size, n); break;
      case FLOAT64: System.arraycopy(other.d, 0, d, size, n); break;
      case FLOAT32: System.arraycopy(other.f, 0, f, size, n); break;
      case BOOL: System.arraycopy(other.b, 0, b, size, n); break;
      default: {
        int[] map = new int[other.dict.size()];
        boolean identity = true;
        for (int k = 0; k < map.length; k++) {
          map[k] = code(other.dict.get(k));
          identity &= map[k] == k;
        }
        if (map.length == 0) {
          Arrays.fill(codes, size, size + n, 0);
        } else if (identity) {
          System.arraycopy(other.codes, 0, codes, size, n);
        } else {
          for (int k = 0; k < n; k++) {
            codes[size + k] = map[other.codes[k]];
          }
        }
      }
    }
    if (other.nulls != null) {
      markNulls(other.nulls, 0, n);
    }
    size += n;
  }
}
