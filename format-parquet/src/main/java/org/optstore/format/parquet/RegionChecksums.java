package org.optstore.format.parquet;

import java.util.Locale;

/**
 * CRC32C checksums of the metadata regions of one file, recorded by the writer for the manifest
 * and checked by the reader before it uses them: the tail (column indexes, offset indexes and
 * footer, from {@code tailOffset} to the end) and the concatenated page headers.
 */
record RegionChecksums(long length, long tailOffset, int tailCrc, int headersCrc) {
  static final String PREFIX = "parquet-regions-v1";
  /** The name under which the writer reports the record and the reader expects it. */
  static final String KEY = "parquet.regions.crc32c";

  String encode() {
    return String.format(Locale.ROOT, "%s:length=%d:tail=%d:%08x:headers=%08x", PREFIX, length, tailOffset,
        tailCrc, headersCrc);
  }

  static RegionChecksums decode(String s) {
    String[] p = s == null ? new String[0] : s.split(":");
    if (p.length != 5 || !p[0].equals(PREFIX) || !p[1].startsWith("length=") || !p[2].startsWith("tail=")
        || !p[4].startsWith("headers=")) {
      throw new IllegalArgumentException("not a Parquet region checksum record: '" + s + "'");
    }
    try {
      return new RegionChecksums(Long.parseLong(p[1].substring(7)), Long.parseLong(p[2].substring(5)),
        Integer.parseUnsignedInt(p[3], 16), Integer.parseUnsignedInt(p[4].substring(8), 16));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a Parquet region checksum record: '" + s + "'", e);
    }
  }
}
