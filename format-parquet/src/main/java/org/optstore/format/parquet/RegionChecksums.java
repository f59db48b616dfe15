package org.optstore.format.parquet;

import java.util.Locale;

/**
 * What the writer records in the manifest and the reader checks first: the file's length and a
 * CRC32C of its tail (column indexes, offset indexes and footer, from {@code tailOffset} to the
 * end). The tail holds the file's integrity record, which in turn covers every page header.
 */
record RegionChecksums(long length, long tailOffset, int tailCrc) {
  static final String PREFIX = "parquet-regions-v1";
  /** The name under which the writer reports the record and the reader expects it. */
  static final String KEY = "parquet.regions.crc32c";

  String encode() {
    return String.format(Locale.ROOT, "%s:length=%d:tail=%d:%08x", PREFIX, length, tailOffset, tailCrc);
  }

  static RegionChecksums decode(String s) {
    String[] p = s == null ? new String[0] : s.split(":");
    if (p.length != 4 || !p[0].equals(PREFIX) || !p[1].startsWith("length=") || !p[2].startsWith("tail=")
        || p[3].length() != 8) {
      throw new IllegalArgumentException("not a Parquet region checksum record: '" + s + "'");
    }
    try {
      return new RegionChecksums(Long.parseLong(p[1].substring(7)), Long.parseLong(p[2].substring(5)),
          Integer.parseUnsignedInt(p[3], 16));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a Parquet region checksum record: '" + s + "'", e);
    }
  }
}
