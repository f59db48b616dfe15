package org.optstore.format.hdf5;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.optstore.Schema;

/**
 * The CRC32C the writer reports for the manifest ({@link Hdf5Layout#CHECKSUM_KEY}) and the
 * reader checks when it opens a file with it: over everything that can change a result, yet
 * computed at open without reading the data. It covers
 *
 * <ol>
 *   <li>every stored chunk of every column and null mask, chunk by chunk in row order and column
 *       by column within a chunk: its size, its filter mask and its Fletcher-32 checksum (the
 *       last four bytes, which the read checks against the chunk's bytes), or the absence of a
 *       null-mask chunk;
 *   <li>the per-chunk time bounds ({@code _chunks/time_min|time_max});
 *   <li>the CRC32C of each string dictionary (its {@code crc32c} attribute, which the read checks
 *       against the dictionary's bytes and offsets);
 *   <li>the layout: version, row count, chunk size, schema, time column and time statistics.
 * </ol>
 *
 * So a file replaced by another valid file with the same schema and statistics but other rows
 * fails at open. Used by one thread.
 */
final class ContentChecksum {

  private final CRC32C crc = new CRC32C();
  private final ByteBuffer scratch = ByteBuffer.allocate(3 * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);

  /** A stored chunk: {@code size} bytes with filters {@code filterMask} skipped, ending in {@code fletcher32}. */
  void chunk(long size, int filterMask, int fletcher32) {
    scratch.clear();
    scratch.putLong(size).putLong(filterMask).putLong(fletcher32 & 0xffff_ffffL);
    update();
  }

  /** A null-mask chunk that is not stored: no nulls up to there. */
  void noChunk() {
    scratch.clear();
    scratch.putLong(-1);
    update();
  }

  /** The per-chunk minimum and maximum times. */
  void chunkTimes(long[] min, long[] max) {
    for (int c = 0; c < min.length; c++) {
      scratch.clear();
      scratch.putLong(min[c]).putLong(max[c]);
      update();
    }
  }

  /** A string column's dictionary, by its CRC32C. */
  void dictionary(int crc32c) {
    scratch.clear();
    scratch.putLong(crc32c & 0xffff_ffffL);
    update();
  }

  /** Adds the layout and returns the checksum as eight hex digits. */
  String finish(Schema schema, long rowCount, long chunkRows, long timeMin, long timeMax, boolean sorted) {
    StringBuilder sb = new StringBuilder();
    sb.append(Hdf5Layout.VERSION).append('\n').append(rowCount).append('\n').append(chunkRows).append('\n');
    for (int i = 0; i < schema.size(); i++) {
      sb.append(schema.field(i).name()).append('\t').append(schema.field(i).type()).append('\n');
    }
    sb.append(schema.timeColumn().orElse("")).append('\n').append(timeMin).append('\n').append(timeMax)
        .append('\n').append(sorted);
    crc.update(sb.toString().getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
  }

  private void update() {
    scratch.flip();
    crc.update(scratch);
  }
}
