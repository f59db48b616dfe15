package org.optstore.core.importer;

import java.util.Locale;

/**
 * What a file to import is, told by its first bytes (magic numbers) first and by its name's
 * extension second. The engine reads {@link #CSV}, {@link #JSON} and {@link #AVRO} itself, refuses
 * {@link #PICKLE}, and hands every other kind to the formats that can import it.
 */
enum FileKind {
  CSV("a CSV file", true),
  JSON("a JSON lines file", true),
  AVRO("an Avro container file", true),
  PICKLE("a Python pickle", false),
  PARQUET("a Parquet file", false),
  HDF5("an HDF5 file", false),
  ORC("an ORC file", false),
  ARROW("an Arrow IPC / Feather file", false),
  GZIP("a gzip-compressed file", false),
  ZIP("a zip archive (or an xlsx workbook)", false),
  BZIP2("a bzip2-compressed file", false),
  XZ("an xz-compressed file", false),
  ZSTD("a zstd-compressed file", false),
  OLE2("a legacy Office file (xls)", false),
  SQLITE("an SQLite database", false),
  NUMPY("a NumPy array file", false),
  /** No magic number and no extension we know. */
  UNKNOWN("a file of unknown kind", false);

  private final String label;
  private final boolean readByEngine;

  FileKind(String label, boolean readByEngine) {
    this.label = label;
    this.readByEngine = readByEngine;
  }

  /** @return a noun phrase for messages, e.g. {@code "a Parquet file"} */
  String label() {
    return label;
  }

  /** @return whether the engine reads this kind without a format */
  boolean readByEngine() {
    return readByEngine;
  }

  /** @return whether this is a compressed stream or archive (decompress, then import) */
  boolean compressed() {
    return this == GZIP || this == ZIP || this == BZIP2 || this == XZ || this == ZSTD;
  }

  /**
   * @return whether this kind's magic number is a few printable characters that a text file
   *     could start with too (a CSV header "ORCID,..."), so that a text extension wins over it
   */
  boolean weakMagic() {
    return this == ORC || this == BZIP2 || this == ARROW;
  }

  /**
   * @param head the file's first bytes (fewer when the file is shorter)
   * @return the kind its magic number says, or {@link #UNKNOWN} when it has none we know
   */
  static FileKind byMagic(byte[] head) {
    if (startsWith(head, 'O', 'b', 'j', 1)) {
      return AVRO;
    }
    if (startsWith(head, 'P', 'A', 'R', '1')) {
      return PARQUET;
    }
    if (startsWith(head, 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n')) {
      return HDF5;
    }
    // pickle protocols 2 to 5 open with PROTO (0x80) and the protocol number
    if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
      return PICKLE;
    }
    if (startsWith(head, 'O', 'R', 'C')) {
      return ORC;
    }
    if (startsWith(head, 'A', 'R', 'R', 'O', 'W', '1', 0, 0) || startsWith(head, 'F', 'E', 'A',
        '1')) {
      return ARROW;
    }
    if (startsWith(head, 0x1f, 0x8b)) {
      return GZIP;
    }
    if (startsWith(head, 'P', 'K', 3, 4) || startsWith(head, 'P', 'K', 5, 6)) {
      return ZIP;
    }
    if (startsWith(head, 'B', 'Z', 'h')) {
      return BZIP2;
    }
    if (startsWith(head, 0xfd, '7', 'z', 'X', 'Z', 0)) {
      return XZ;
    }
    if (startsWith(head, 0x28, 0xb5, 0x2f, 0xfd)) {
      return ZSTD;
    }
    if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
      return OLE2;
    }
    if (startsWith(head, 'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3',
        0)) {
      return SQLITE;
    }
    if (startsWith(head, 0x93, 'N', 'U', 'M', 'P', 'Y')) {
      return NUMPY;
    }
    return UNKNOWN;
  }

  /**
   * @param fileName a file name
   * @return the kind its extension says, or {@link #UNKNOWN}
   */
  static FileKind byExtension(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    String ext = dot < 0 ? "" : n.substring(dot + 1);
    return switch (ext) {
      case "csv", "tsv", "tab" -> CSV;
      case "jsonl", "ndjson", "json" -> JSON;
      case "avro" -> AVRO;
      case "pkl", "pickle" -> PICKLE;
      case "parquet", "pq" -> PARQUET;
      case "h5", "hdf5", "hdf", "he5" -> HDF5;
      case "orc" -> ORC;
      case "arrow", "feather", "ipc" -> ARROW;
      case "gz", "gzip" -> GZIP;
      case "zip", "xlsx" -> ZIP;
      case "bz2" -> BZIP2;
      case "xz" -> XZ;
      case "zst" -> ZSTD;
      case "xls" -> OLE2;
      case "sqlite", "db" -> SQLITE;
      case "npy", "npz" -> NUMPY;
      default -> UNKNOWN;
    };
  }

  /**
   * Tells text without a known extension: a first character (after a byte order mark and white
   * space) of <code>{</code> or {@code [} means JSON, a first line holding a comma or a tab means
   * CSV.
   *
   * @param head the file's first bytes, as many as are at hand
   * @return JSON, CSV or UNKNOWN
   */
  static FileKind bySniffing(byte[] head) {
    int i = 0;
    if (head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb
        && (head[2] & 0xff) == 0xbf) {
      i = 3;
    }
    while (i < head.length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r'
        || head[i] == '\n')) {
      i++;
    }
    if (i < head.length && (head[i] == '{' || head[i] == '[')) {
      return JSON;
    }
    for (int j = i; j < head.length && head[j] != '\n'; j++) {
      if (head[j] == 0) {
        return UNKNOWN; // binary
      }
      if (head[j] == ',' || head[j] == '\t') {
        return CSV;
      }
    }
    return UNKNOWN;
  }

  private static boolean startsWith(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != (magic[i] & 0xff)) {
        return false;
      }
    }
    return true;
  }
}
