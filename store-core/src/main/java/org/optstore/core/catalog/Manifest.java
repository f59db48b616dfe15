package org.optstore.core.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.optstore.DatasetInfo;
import org.optstore.Schema;

/**
 * One version of a dataset as its manifest records it: the commit point of a write, or a
 * tombstone of a delete. Immutable. See the module README for the file layout.
 *
 * @param dataset the dataset name
 * @param version the version number, from 1
 * @param kind data or tombstone
 * @param createdAt when the version was committed
 * @param formatName the storage format of the data files (data only)
 * @param formatVersion the layout version that format wrote (data only)
 * @param codec the codec the data files were written with (data only)
 * @param files the data files, in row order (data only)
 * @param raw the raw copy, or null when raw copies were off (data only)
 * @param schema the schema (data only)
 * @param rowCount the rows of all files
 * @param minTime the smallest time value, or null without a time column or rows
 * @param maxTime the largest time value, or null without a time column or rows
 * @param timeSorted whether the time column is non-decreasing across all files
 * @param metadata the user metadata, as JSON values (unmodifiable)
 * @param generation 0 as written; incremented by each rebuild from the raw copy
 * @param rebuiltFrom the format whose file a rebuild replaced, or null
 * @param checksum the manifest file's own CRC32C (hex), set when read from or written to disk
 */
public record Manifest(
    String dataset,
    long version,
    Kind kind,
    Instant createdAt,
    String formatName,
    int formatVersion,
    String codec,
    List<DataFile> files,
    RawFile raw,
    Schema schema,
    long rowCount,
    Long minTime,
    Long maxTime,
    boolean timeSorted,
    Map<String, Object> metadata,
    int generation,
    String rebuiltFrom,
    String checksum) {

  /** Whether a manifest commits data or a delete. */
  public enum Kind {
    /** A version with data. */
    DATA,
    /** The dataset was deleted at this version. */
    TOMBSTONE
  }

  /**
   * A data file of a version.
   *
   * @param path its path relative to the base path, with {@code /} separators
   * @param size its size in bytes
   * @param rows the rows it holds
   * @param checksums what its format reported at write, handed back when opening it
   */
  public record DataFile(String path, long size, long rows, Map<String, String> checksums) {
    /** Copies the checksums. */
    public DataFile {
      Objects.requireNonNull(path, "path");
      checksums = Map.copyOf(checksums);
    }
  }

  /**
   * The raw copy of a version.
   *
   * @param path its path relative to the base path
   * @param size its size in bytes
   * @param crc32c the CRC32C of the whole file, 8 hex digits
   */
  public record RawFile(String path, long size, String crc32c) {}

  /** Checks the parts and copies the collections. */
  public Manifest {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(createdAt, "createdAt");
    files = files == null ? List.of() : List.copyOf(files);
    metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(metadata));
    if (kind == Kind.DATA) {
      Objects.requireNonNull(formatName, "formatName");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(codec, "codec");
    }
  }

  /**
   * @param dataset the dataset name
   * @param version the tombstone's version
   * @param createdAt when the delete happened
   * @return a tombstone
   */
  public static Manifest tombstone(String dataset, long version, Instant createdAt) {
    return new Manifest(dataset, version, Kind.TOMBSTONE, createdAt, null, 0, null, List.of(),
        null, null, 0, null, null, false, Map.of(), 0, null, null);
  }

  /** @return whether this is a tombstone */
  public boolean isTombstone() {
    return kind == Kind.TOMBSTONE;
  }

  /** @return the bytes of all data files */
  public long dataSizeBytes() {
    long n = 0;
    for (DataFile f : files) {
      n += f.size();
    }
    return n;
  }

  /**
   * @param newVersion a version number
   * @return this manifest at another version
   */
  public Manifest withVersion(long newVersion) {
    return new Manifest(dataset, newVersion, kind, createdAt, formatName, formatVersion, codec,
        files, raw, schema, rowCount, minTime, maxTime, timeSorted, metadata, generation,
        rebuiltFrom, null);
  }

  /**
   * @param format the new format's name
   * @param newFormatVersion its layout version
   * @param newCodec the codec used
   * @param newFiles the rebuilt files
   * @return this version as rebuilt from its raw copy
   */
  public Manifest rebuilt(String format, int newFormatVersion, String newCodec,
      List<DataFile> newFiles) {
    return new Manifest(dataset, version, kind, createdAt, format, newFormatVersion, newCodec,
        newFiles, raw, schema, rowCount, minTime, maxTime, timeSorted, metadata, generation + 1,
        formatName, null);
  }

  /**
   * @param crc the manifest file's CRC32C
   * @return this manifest with its checksum
   */
  Manifest withChecksum(String crc) {
    return new Manifest(dataset, version, kind, createdAt, formatName, formatVersion, codec, files,
        raw, schema, rowCount, minTime, maxTime, timeSorted, metadata, generation, rebuiltFrom,
        crc);
  }

  /** @return what the API reports of this version */
  public DatasetInfo toInfo() {
    if (kind != Kind.DATA) {
      throw new IllegalStateException("a tombstone has no info");
    }
    return new DatasetInfo(dataset, version, formatName, schema, rowCount, dataSizeBytes(),
        raw == null ? 0 : raw.size(), minTime, maxTime, timeSorted, metadata, createdAt);
  }

  /** @return e.g. {@code dataset 'ticks' version 3} */
  public String describe() {
    return "dataset '" + dataset + "' version " + version;
  }
}
