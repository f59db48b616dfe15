package org.optstore.format.hdf5;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.optstore.ColumnType;

/**
 * Names and constants of the file layout (documented in the module README). A file holds one
 * dataset version in the group {@link #GROUP}; each column is a 1-D chunked dataset in it.
 */
final class Hdf5Layout {

  /**
   * The layout version written into every file; readers refuse others. Version 1 (fixed-length
   * string dictionaries, a manifest checksum over the layout attributes only) was written by
   * development builds only; such files are refused and rebuilt from their raw copy.
   */
  static final int VERSION = 2;

  static final String GROUP = "data";
  static final String NULLS_GROUP = "_nulls";
  static final String DICTIONARIES_GROUP = "_dictionaries";
  static final String CHUNKS_GROUP = "_chunks";
  static final String CHUNK_TIME_MIN = "time_min";
  static final String CHUNK_TIME_MAX = "time_max";
  /** In a dictionary's group: the entries' UTF-8 bytes one after another, and where each starts. */
  static final String DICTIONARY_BYTES = "utf8";
  static final String DICTIONARY_OFFSETS = "offsets";

  static final String ATTR_FORMAT = "optstore_format";
  static final String ATTR_LAYOUT_VERSION = "optstore_layout_version";
  static final String ATTR_ROW_COUNT = "row_count";
  static final String ATTR_CHUNK_ROWS = "chunk_rows";
  static final String ATTR_COLUMN_NAMES = "column_names";
  static final String ATTR_COLUMN_TYPES = "column_types";
  static final String ATTR_TIME_COLUMN = "time_column";
  static final String ATTR_TIME_MIN = "time_min";
  static final String ATTR_TIME_MAX = "time_max";
  static final String ATTR_TIME_SORTED = "time_sorted";
  static final String ATTR_TYPE = "optstore_type";
  static final String ATTR_NAME = "column_name";
  static final String ATTR_UNITS = "units";
  /** On a dictionary's group: the CRC32C of its offsets (int64 little-endian) and then its bytes. */
  static final String ATTR_CRC32C = "crc32c";
  static final String TIMESTAMP_UNITS = "microseconds since 1970-01-01T00:00:00Z";

  /** The manifest checksum key: see {@link ContentChecksum}; checked when a file is opened. */
  static final String CHECKSUM_KEY = "hdf5.content.crc32c";

  /** The most UTF-8 bytes one string dictionary holds: what a Java array (and a dictionary) can. */
  static final int MAX_DICTIONARY_BYTES = Integer.MAX_VALUE - 8;

  /** About 64K rows per chunk: large enough to compress well, small enough to read few extra rows. */
  static final int DEFAULT_CHUNK_ROWS = 65_536;

  private Hdf5Layout() {}

  /**
   * The HDF5 link name of a column: the column name with {@code %} and {@code /} percent-encoded,
   * and a leading {@code _} encoded so that no column can collide with the internal groups.
   */
  static String linkName(String column) {
    StringBuilder sb = new StringBuilder(column.length() + 4);
    for (int i = 0; i < column.length(); i++) {
      char c = column.charAt(i);
      if (c == '%') {
        sb.append("%25");
      } else if (c == '/') {
        sb.append("%2F");
      } else if (c == '_' && i == 0) {
        sb.append("%5F");
      } else if (c == '.' && column.length() == 1) {
        sb.append("%2E");
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The CRC32C of a dictionary: its {@code count + 1} offsets as int64 little-endian, then its bytes. */
  static int dictionaryCrc(long[] offsets, int count, byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    ByteBuffer b = ByteBuffer.allocate(8 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k <= count; k++) {
      if (!b.hasRemaining()) {
        b.flip();
        crc.update(b);
        b.clear();
      }
      b.putLong(offsets[k]);
    }
    b.flip();
    crc.update(b);
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  static ColumnType parseType(String s) {
    return ColumnType.valueOf(s);
  }
}
