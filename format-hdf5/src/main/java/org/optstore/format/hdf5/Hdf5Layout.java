package org.optstore.format.hdf5;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.optstore.ColumnType;
import org.optstore.Schema;

/**
 * Names and constants of the file layout (documented in the module README). A file holds one
 * dataset version in the group {@link #GROUP}; each column is a 1-D chunked dataset in it.
 */
final class Hdf5Layout {

  /** The layout version written into every file; readers refuse newer ones. */
  static final int VERSION = 1;

  static final String GROUP = "data";
  static final String NULLS_GROUP = "_nulls";
  static final String DICTIONARIES_GROUP = "_dictionaries";
  static final String CHUNKS_GROUP = "_chunks";
  static final String CHUNK_TIME_MIN = "time_min";
  static final String CHUNK_TIME_MAX = "time_max";

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
  static final String TIMESTAMP_UNITS = "microseconds since 1970-01-01T00:00:00Z";

  /** The manifest checksum key: a CRC32C of the layout attributes, checked when a file is opened. */
  static final String CHECKSUM_KEY = "hdf5.layout.crc32c";

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

  /** The CRC32C the writer reports and the reader checks: over the schema, row count and time statistics. */
  static String layoutChecksum(Schema schema, long rowCount, long chunkRows, long timeMin, long timeMax,
      boolean sorted) {
    StringBuilder sb = new StringBuilder();
    sb.append(VERSION).append('\n').append(rowCount).append('\n').append(chunkRows).append('\n');
    for (int i = 0; i < schema.size(); i++) {
      sb.append(schema.field(i).name()).append('\t').append(schema.field(i).type()).append('\n');
    }
    sb.append(schema.timeColumn().orElse("")).append('\n').append(timeMin).append('\n').append(timeMax)
        .append('\n').append(sorted);
    CRC32C crc = new CRC32C();
    crc.update(sb.toString().getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
  }

  static ColumnType parseType(String s) {
    return ColumnType.valueOf(s);
  }
}
