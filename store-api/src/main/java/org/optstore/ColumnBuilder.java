package org.optstore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a heap column value by value, growing as needed. Not thread-safe; use one per thread.
 *
 * <p>The typed {@code append} methods are the fast path; {@link #append(Object)} converts boxed
 * values (for records and tests). Strings are dictionary-encoded as they arrive. After {@link
 * #build()} the builder must not be used again.
 */
public final class ColumnBuilder {
  private final ColumnType type;
  private long[] longs;
  private int[] ints;
  private double[] doubles;
  private float[] floats;
  private byte[] bools;
  private Map<String, Integer> ids;
  private List<String> dict;
  private long[] nullWords = new long[1];
  private boolean anyNull;
  private int size;
  private boolean built;

  private ColumnBuilder(ColumnType type, int capacity) {
    this.type = Objects.requireNonNull(type, "type");
    int cap = Math.max(capacity, 16);
    switch (type) {
      case TIMESTAMP, INT64 -> longs = new long[cap];
      case INT32 -> ints = new int[cap];
      case FLOAT64 -> doubles = new double[cap];
      case FLOAT32 -> floats = new float[cap];
      case BOOL -> bools = new byte[cap];
      case STRING -> {
        ints = new int[cap];
        ids = new HashMap<>();
        dict = new ArrayList<>();
      }
      default -> throw new AssertionError(type);
    }
  }

  /**
   * @param type the column type
   * @return an empty builder
   */
  public static ColumnBuilder of(ColumnType type) {
    return new ColumnBuilder(type, 16);
  }

  /**
   * @param type the column type
   * @param expectedRows a capacity hint
   * @return an empty builder
   */
  public static ColumnBuilder of(ColumnType type, int expectedRows) {
    if (expectedRows < 0) {
      throw new InvalidArgumentException("expected rows must not be negative, got " + expectedRows);
    }
    return new ColumnBuilder(type, expectedRows);
  }

  /** @return the column type */
  public ColumnType type() {
    return type;
  }

  /** @return the number of values appended so far */
  public int size() {
    return size;
  }

  private int next() {
    if (built) {
      throw new InvalidArgumentException("this column builder was already built; use a new one");
    }
    if (size == Integer.MAX_VALUE - 8) {
      throw new InvalidArgumentException("a column holds at most " + (Integer.MAX_VALUE - 8) + " rows");
    }
    int cap = capacity();
    if (size == cap) {
      int n = (int) Math.min(Integer.MAX_VALUE - 8L, cap * 2L);
      switch (type) {
        case TIMESTAMP, INT64 -> longs = Arrays.copyOf(longs, n);
        case INT32, STRING -> ints = Arrays.copyOf(ints, n);
        case FLOAT64 -> doubles = Arrays.copyOf(doubles, n);
        case FLOAT32 -> floats = Arrays.copyOf(floats, n);
        case BOOL -> bools = Arrays.copyOf(bools, n);
        default -> throw new AssertionError(type);
      }
    }
    if ((size >>> 6) >= nullWords.length) {
      nullWords = Arrays.copyOf(nullWords, nullWords.length * 2);
    }
    return size++;
  }

  private int capacity() {
    switch (type) {
      case TIMESTAMP:
      case INT64:
        return longs.length;
      case INT32:
      case STRING:
        return ints.length;
      case FLOAT64:
        return doubles.length;
      case FLOAT32:
        return floats.length;
      default:
        return bools.length;
    }
  }

  private void requireType(ColumnType a, ColumnType b, String what) {
    if (type != a && type != b) {
      throw new SchemaException("cannot append " + what + " to a " + type + " column");
    }
  }

  /** Appends a null. @return this */
  public ColumnBuilder appendNull() {
    int i = next();
    nullWords[i >>> 6] |= 1L << i;
    anyNull = true;
    return this;
  }

  /**
   * @param v a value for an INT64 or TIMESTAMP (epoch micros) column
   * @return this
   */
  public ColumnBuilder appendLong(long v) {
    requireType(ColumnType.INT64, ColumnType.TIMESTAMP, "a long");
    int i = next(); // next() may grow the array: index first
    longs[i] = v;
    return this;
  }

  /**
   * @param v a value for an INT32 column
   * @return this
   */
  public ColumnBuilder appendInt(int v) {
    requireType(ColumnType.INT32, ColumnType.INT32, "an int");
    int i = next(); // next() may grow the array: index first
    ints[i] = v;
    return this;
  }

  /**
   * @param v a value for a FLOAT64 column
   * @return this
   */
  public ColumnBuilder appendDouble(double v) {
    requireType(ColumnType.FLOAT64, ColumnType.FLOAT64, "a double");
    int i = next(); // next() may grow the array: index first
    doubles[i] = v;
    return this;
  }

  /**
   * @param v a value for a FLOAT32 column
   * @return this
   */
  public ColumnBuilder appendFloat(float v) {
    requireType(ColumnType.FLOAT32, ColumnType.FLOAT32, "a float");
    int i = next(); // next() may grow the array: index first
    floats[i] = v;
    return this;
  }

  /**
   * @param v a value for a BOOL column
   * @return this
   */
  public ColumnBuilder appendBoolean(boolean v) {
    requireType(ColumnType.BOOL, ColumnType.BOOL, "a boolean");
    int i = next(); // next() may grow the array: index first
    bools[i] = v ? (byte) 1 : 0;
    return this;
  }

  /**
   * @param v a value for a STRING column; null appends a null
   * @return this
   */
  public ColumnBuilder appendString(String v) {
    requireType(ColumnType.STRING, ColumnType.STRING, "a string");
    if (v == null) {
      return appendNull();
    }
    Integer id = ids.get(v);
    if (id == null) {
      id = dict.size();
      ids.put(v, id);
      dict.add(v);
    }
    int i = next(); // next() may grow the array: index first
    ints[i] = id;
    return this;
  }

  /**
   * Appends a boxed value: null; a {@link Number} for numeric columns (integers must fit INT32
   * columns exactly; FLOAT64 and FLOAT32 take any number, rounding to the nearest value); a {@link Long} (epoch micros) or {@link Instant} for
   * TIMESTAMP; a {@link Boolean}; a {@link String}.
   *
   * @param v the value
   * @return this
   * @throws SchemaException when the value does not fit the column's type
   */
  public ColumnBuilder append(Object v) {
    if (v == null) {
      return appendNull();
    }
    switch (type) {
      case TIMESTAMP:
        if (v instanceof Instant t) {
          return appendLong(TimeRange.toMicros(t));
        }
        return appendLong(integral(v));
      case INT64:
        return appendLong(integral(v));
      case INT32: {
        long x = integral(v);
        if (x != (int) x) {
          throw new SchemaException("value " + v + " does not fit an INT32 column");
        }
        return appendInt((int) x);
      }
      case FLOAT64:
        if (v instanceof Number n) {
          return appendDouble(n.doubleValue());
        }
        break;
      case FLOAT32:
        if (v instanceof Number n) {
          return appendFloat(n.floatValue());
        }
        break;
      case BOOL:
        if (v instanceof Boolean b) {
          return appendBoolean(b);
        }
        break;
      case STRING:
        if (v instanceof String s) {
          return appendString(s);
        }
        break;
      default:
        throw new AssertionError(type);
    }
    throw new SchemaException("value " + v + " of class " + v.getClass().getSimpleName()
        + " does not fit a " + type + " column");
  }

  private long integral(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    throw new SchemaException("value " + v + " of class " + v.getClass().getSimpleName()
        + " does not fit a " + type + " column (an integer is needed)");
  }

  /** @return the column; the builder cannot be used afterwards */
  public Column build() {
    if (built) {
      throw new InvalidArgumentException("this column builder was already built; use a new one");
    }
    built = true;
    NullMask nulls = anyNull ? NullMask.ofWords(Arrays.copyOf(nullWords,
        NullMask.wordCount(size)), size) : NullMask.none(size);
    switch (type) {
      case TIMESTAMP:
      case INT64:
        return LongColumn.wrap(type, Arrays.copyOf(longs, size), nulls);
      case INT32:
        return IntColumn.wrap(type, Arrays.copyOf(ints, size), nulls);
      case FLOAT64:
        return DoubleColumn.wrap(type, Arrays.copyOf(doubles, size), nulls);
      case FLOAT32:
        return FloatColumn.wrap(type, Arrays.copyOf(floats, size), nulls);
      case BOOL:
        return BoolColumn.wrap(Arrays.copyOf(bools, size), nulls);
      case STRING:
        return StringColumn.ofCodes(
            IntColumn.wrap(ColumnType.INT32, Arrays.copyOf(ints, size), NullMask.none(size)),
            StringDictionary.of(dict.toArray(new String[0])), nulls);
      default:
        throw new AssertionError(type);
    }
  }
}
