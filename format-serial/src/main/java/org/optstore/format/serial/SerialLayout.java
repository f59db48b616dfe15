package org.optstore.format.serial;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;

/** The constants of the serial file layout (see the module's README for the byte-level table). */
final class SerialLayout {
  private SerialLayout() {}

  /** The first 8 bytes of every serial file. The high first byte keeps text files out. */
  static final byte[] MAGIC = {(byte) 0x89, 'O', 'S', 'E', 'R', 'I', 'A', 'L'};
  /** The last 8 bytes of every complete serial file. */
  static final byte[] END_MAGIC = {'O', 'S', 'E', 'R', 'E', 'N', 'D', (byte) 0x89};

  /** The layout version this code writes and the newest it reads. */
  static final int VERSION = 1;

  static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

  /** Every region (header, column extents, bitmaps, dictionaries, footer) starts at a multiple. */
  static final int ALIGN = 64;

  /** The fixed part of the header before the column descriptors. */
  static final int HEADER_FIXED = 32;
  /** Trailer: footer offset (8), footer length (8), footer CRC32C (4), version (4), end magic (8). */
  static final int TRAILER = 32;

  static final int DEFAULT_BLOCK_ROWS = 65_536;
  static final int MIN_BLOCK_ROWS = 64;
  static final int MAX_BLOCK_ROWS = 1 << 24;

  /** A file holds at most this many rows (a frame's limit, so that row numbers are ints). */
  static final int MAX_ROWS = Integer.MAX_VALUE - 64;

  /** Checksum names reported to the manifest and checked from {@code ReadSpec#checksums()}. */
  static final String HEADER_CHECKSUM = "header.crc32c";
  static final String FOOTER_CHECKSUM = "footer.crc32c";

  /** The write option naming the rows per checksummed block. */
  static final String BLOCK_ROWS_OPTION = "block-rows";

  static long align(long offset) {
    return (offset + ALIGN - 1) & -ALIGN;
  }

  /** Stable on-disk codes; never reuse or renumber one. */
  static byte typeCode(ColumnType type) {
    switch (type) {
      case TIMESTAMP:
        return 1;
      case INT64:
        return 2;
      case INT32:
        return 3;
      case FLOAT64:
        return 4;
      case FLOAT32:
        return 5;
      case BOOL:
        return 6;
      case STRING:
        return 7;
      default:
        throw new AssertionError(type);
    }
  }

  static ColumnType typeOf(int code, String file) {
    switch (code) {
      case 1:
        return ColumnType.TIMESTAMP;
      case 2:
        return ColumnType.INT64;
      case 3:
        return ColumnType.INT32;
      case 4:
        return ColumnType.FLOAT64;
      case 5:
        return ColumnType.FLOAT32;
      case 6:
        return ColumnType.BOOL;
      case 7:
        return ColumnType.STRING;
      default:
        throw new CorruptDataException(file + " declares unknown column type code "
            + code + " in its header; the file is damaged");
    }
  }

  /** Bytes per value in a column's values region (a STRING stores an int32 dictionary code). */
  static int width(ColumnType type) {
    return type.byteWidth();
  }

  /** Whether the footer keeps min/max per block for the type (the zone maps). */
  static boolean zoned(ColumnType type) {
    return type != ColumnType.BOOL && type != ColumnType.STRING;
  }

  static String hex(int crc) {
    return String.format("%08x", crc);
  }

  static int crc(byte[] bytes, int from, int to) {
    CRC32C c = new CRC32C();
    c.update(bytes, from, to - from);
    return (int) c.getValue();
  }
}
