package org.optstore.format.parquet;

import org.optstore.ColumnType;

/**
 * One column to write, as primitive arrays. Strings arrive dictionary-encoded: {@code codes}
 * index {@code dictionary} (UTF-8 bytes). {@code isNull} is null when the column has no nulls.
 */
final class WriteColumn {
  final String name;
  final ColumnType kind;
  long[] longs;
  int[] ints;
  double[] doubles;
  float[] floats;
  byte[] bools;
  int[] codes;
  byte[][] dictionary;
  boolean[] isNull;
  boolean required;

  WriteColumn(String name, ColumnType kind) {
    this.name = name;
    this.kind = kind;
  }
}
