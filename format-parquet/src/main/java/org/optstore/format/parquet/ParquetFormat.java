package org.optstore.format.parquet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.DatasetNotFoundException;
import org.optstore.FrameStream;
import org.optstore.InvalidConfigException;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;
import org.optstore.spi.Availability;
import org.optstore.spi.Capability;
import org.optstore.spi.FormatReader;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Parquet storage format: standard Parquet files (logical types, statistics, column and offset
 * indexes, page CRCs) that DuckDB, Spark and pandas read, written and read on parquet-java's
 * low-level column API.
 *
 * <p>Layout: INT64 {@code TIMESTAMP(MICROS, UTC)} for timestamps, dictionary-encoded {@code BINARY
 * (STRING)} for strings, {@code DELTA_BINARY_PACKED} integers, {@code PLAIN} floating point and
 * booleans, version-2 data pages of {@value #DEFAULT_PAGE_ROWS} rows in row groups of
 * {@value #DEFAULT_GROUP_ROWS} rows, so that a one-day range on ten million per-second rows touches
 * a handful of pages. Pages that do not shrink under the codec are stored uncompressed. Our schema
 * and time column are kept in the footer's key-value metadata, so a file describes itself.
 *
 * <p>Checksums: every page carries a CRC, checked when the page is read; the writer reports a
 * CRC32C of the footer and page-index region and one of all page headers, which the reader checks
 * when it opens the file, before using them.
 *
 * <p>Write options ({@link WriteSpec#options()}): {@code row-group-rows} and {@code page-rows}.
 * Codecs: {@code snappy} (default), {@code zstd}, {@code gzip}, {@code uncompressed}.
 *
 * <p>Thread-safe; readers and writers encode and decode on a shared pool of daemon threads, one
 * per processor.
 */
public final class ParquetFormat implements StorageFormat {
  /** The layout version written into every file's footer. */
  static final int FORMAT_VERSION = 1;
  static final int DEFAULT_PAGE_ROWS = 16384;
  static final int DEFAULT_GROUP_ROWS = 1 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(ParquetFormat.class);
  private static final byte[] MAGIC = {'P', 'A', 'R', '1'};
  private static volatile ExecutorService pool;

  /** Creates the format (no work is done until it is used). */
  public ParquetFormat() {}

  @Override
  public String name() {
    return "parquet";
  }

  @Override
  public int formatVersion() {
    return FORMAT_VERSION;
  }

  @Override
  public String fileExtension() {
    return "parquet";
  }

  @Override
  public Availability availability() {
    try {
      Class.forName("org.apache.parquet.hadoop.ParquetFileWriter");
      Class.forName("org.apache.hadoop.conf.Configuration");
      byte[] probe = Codec.SNAPPY.compress(new byte[64], 64);
      if (probe.length == 0) {
        return Availability.unavailable("snappy compression produced no output");
      }
      return Availability.availableNow();
    } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
      return Availability.unavailable("parquet-java or its Hadoop classes cannot load: " + e);
    }
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.TIME_RANGE_PUSHDOWN, Capability.PREDICATE_PUSHDOWN,
        Capability.PROJECTION_PUSHDOWN, Capability.IMPORT);
  }

  @Override
  public Set<String> codecs() {
    Set<String> s = new LinkedHashSet<>();
    for (Codec c : Codec.values()) {
      s.add(c.configName);
    }
    return s;
  }

  @Override
  public String defaultCodec() {
    return Codec.SNAPPY.configName;
  }

  static Codec codec(String name) {
    for (Codec c : Codec.values()) {
      if (c.configName.equals(name)) {
        return c;
      }
    }
    Set<String> known = new TreeSet<>();
    for (Codec c : Codec.values()) {
      known.add(c.configName);
    }
    throw new InvalidConfigException("codec '" + name + "' is not supported by the parquet format; use one of "
        + known);
  }

  @Override
  public FormatWriter createWriter(WriteTarget target, WriteSpec spec) {
    Codec codec = codec(spec.codec());
    int pageRows = intOption(spec.options(), "page-rows", DEFAULT_PAGE_ROWS);
    int groupRows = intOption(spec.options(), "row-group-rows", DEFAULT_GROUP_ROWS);
    if (groupRows < pageRows) {
      pageRows = groupRows;
    }
    return new ParquetFormatWriter(target, spec, codec, pageRows, groupRows, pool());
  }

  private static int intOption(Map<String, String> options, String key, int dflt) {
    String v = options.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1 || n > (1 << 26)) {
        throw new NumberFormatException("out of range");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidConfigException("parquet option '" + key + "' must be a row count in [1, "
          + (1 << 26) + "], got '" + v + "'");
    }
  }

  @Override
  public FormatReader openReader(ReadSpec spec) {
    String recorded = spec.checksums().get(RegionChecksums.KEY);
    RegionChecksums expected;
    try {
      expected = recorded == null ? null : RegionChecksums.decode(recorded);
    } catch (IllegalArgumentException e) {
      throw new CorruptDataException("the manifest's checksum record for " + spec.description() + " ("
          + spec.file() + ") is malformed: " + e.getMessage());
    }
    ParquetFileIndex file = open(spec.file(), spec.memoryMapping(), expected, spec.description());
    try {
      Map<String, String> kv = file.keyValue;
      String version = kv.get(FileMetadata.LAYOUT_VERSION);
      if (version != null && parseVersion(version) > FORMAT_VERSION) {
        throw new CorruptDataException(spec.description() + " (" + spec.file() + ") has parquet layout version "
            + version + ", newer than this reader's " + FORMAT_VERSION + "; upgrade optstore's format-parquet");
      }
      Schema schema = FileMetadata.decodeSchema(kv.get(FileMetadata.SCHEMA), kv.get(FileMetadata.TIME_COLUMN));
      if (schema == null) {
        schema = ForeignImport.schemaOf(file, WriteOptions.defaults());
      } else {
        checkMatches(schema, file, spec);
      }
      boolean sorted = Boolean.parseBoolean(kv.get(FileMetadata.TIME_SORTED));
      return new ParquetFormatReader(file, schema, sorted, pool(), spec.description());
    } catch (RuntimeException e) {
      closeQuietly(file);
      throw e;
    }
  }

  private static int parseVersion(String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static void checkMatches(Schema schema, ParquetFileIndex file, ReadSpec spec) {
    boolean ok = schema.size() == file.mappings.size();
    for (int i = 0; ok && i < schema.size(); i++) {
      ok = schema.field(i).name().equals(file.mappings.get(i).name)
          && schema.field(i).type() == file.mappings.get(i).kind;
    }
    if (!ok) {
      throw new CorruptDataException("the schema recorded in the footer of " + spec.description() + " ("
          + spec.file() + ") does not match its Parquet columns");
    }
  }

  static ParquetFileIndex open(Path path, boolean mmap, RegionChecksums expected, String description) {
    try {
      return ParquetFileIndex.open(path, mmap, expected);
    } catch (NoSuchFileException e) {
      throw new DatasetNotFoundException("file " + path + " of " + description + " does not exist");
    } catch (ParquetFileIndex.CorruptFile | PageCorruptException e) {
      throw new CorruptDataException(description + ": " + e.getMessage(), e);
    } catch (ColumnMapping.Unsupported e) {
      throw new SchemaException(e.getMessage() + " (in " + path + ")");
    } catch (IOException e) {
      throw new DataStoreException("cannot read " + path + " of " + description + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(ParquetFileIndex file) {
    try {
      file.close();
    } catch (IOException e) {
      LOG.debug("closing {} failed after an open error", file.in.path(), e);
    }
  }

  @Override
  public boolean canImport(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".parquet") || name.endsWith(".parq")) {
      return true;
    }
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(4), MAGIC);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public FrameStream importFile(Path file, WriteOptions options) {
    return ForeignImport.stream(file, options);
  }

  /** The shared encode/decode pool: daemon threads, one per processor. */
  static ExecutorService pool() {
    ExecutorService p = pool;
    if (p == null) {
      synchronized (ParquetFormat.class) {
        p = pool;
        if (p == null) {
          AtomicInteger n = new AtomicInteger();
          p = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "optstore-parquet-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
          pool = p;
        }
      }
    }
    return p;
  }
}
