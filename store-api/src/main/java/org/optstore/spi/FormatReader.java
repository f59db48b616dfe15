package org.optstore.spi;

import java.util.List;
import java.util.Set;
import org.optstore.BoundQuery;
import org.optstore.Column;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.Schema;

/**
 * An open file of a {@link StorageFormat}. Thread-safe: the engine shares one reader between
 * concurrent reads (a format whose library is not thread-safe serialises internally).
 *
 * <p>For a {@link BoundQuery}, the reader applies exactly the parts {@link #pushdown} reports and
 * may prune by the others; its frames hold at least {@link BoundQuery#readColumns()} (it may hold
 * more) and at least every row that matches. Checksums are verified before any byte is used: a
 * mismatch is an {@link org.optstore.CorruptDataException} naming the file and region, never
 * different rows.
 */
public interface FormatReader extends AutoCloseable {

  /** @return the file's schema, with its time column */
  Schema schema();

  /** @return the number of rows in the file */
  long rowCount();

  /**
   * @param query a query bound to {@link #schema()}
   * @return the parts {@link #read} and {@link #stream} apply exactly for it
   */
  Set<Pushdown> pushdown(BoundQuery query);

  /**
   * Reads a query's rows into one frame.
   *
   * @param query a query bound to {@link #schema()}
   * @return the rows, as described in the class comment
   */
  Frame read(BoundQuery query);

  /**
   * Reads a query's rows batch by batch, as {@link #read} would, without holding them all.
   *
   * @param query a query bound to {@link #schema()}
   * @param batchRows the most rows per batch (a hint; at least 1)
   * @return the batches; the caller closes the stream
   */
  FrameStream stream(BoundQuery query, int batchRows);

  /**
   * The file's blocks, in row order, for formats with {@link Capability#BLOCK_READS}.
   *
   * @return the blocks
   */
  default List<Block> blocks() {
    throw new UnsupportedOperationException("this format has no block reads");
  }

  /**
   * Reads one column of one block, for formats with {@link Capability#BLOCK_READS}.
   *
   * @param block an index into {@link #blocks()}
   * @param column a column of {@link #schema()}
   * @return the block's values of that column, verified
   */
  default Column readBlock(int block, String column) {
    throw new UnsupportedOperationException("this format has no block reads");
  }

  /** Releases the file. Columns already returned stay valid (mappings are never unmapped). */
  @Override
  void close();
}
