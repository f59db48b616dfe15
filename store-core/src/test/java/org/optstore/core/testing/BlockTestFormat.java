package org.optstore.core.testing;

/**
 * {@link ColumnarTestFormat} with block reads: the engine caches its blocks. Each written batch is
 * a block, and each string block has its own dictionary (as Parquet's row groups may), so joining
 * blocks merges dictionaries.
 */
public final class BlockTestFormat extends ColumnarTestFormat {
  public static final String NAME = "testblock";

  public BlockTestFormat() {
    super(NAME, true);
  }
}
