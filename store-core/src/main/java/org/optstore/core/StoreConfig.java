package org.optstore.core;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.optstore.InvalidConfigException;

/**
 * The settings of a store. Immutable and thread-safe; build one with {@link #builder()} or from the
 * Python original's configuration dictionary with {@link #fromMap(Map)}. Every setter checks its
 * value at once and {@link Builder#build()} checks what depends on several values; a bad value is
 * an {@link InvalidConfigException} naming the setting and the value.
 *
 * <pre>{@code
 * StoreConfig config = StoreConfig.builder()
 *     .basePath(Path.of("data"))
 *     .format("parquet")          // falls back along the chain when unavailable
 *     .cacheMaxEntries(128)
 *     .build();
 * }</pre>
 *
 * <p>Defaults: format {@code parquet}, 128 cached datasets, cache bytes a quarter of the maximum
 * heap, no cache expiry, batch size 1000, {@code min(32, cores)} workers, memory mapping on,
 * compression {@code default} (each format's own), raw copies on, writable, 2 versions kept. The
 * base path has no default.
 */
public final class StoreConfig {
  /** {@link #fromMap} key of {@link Builder#basePath}. */
  public static final String BASE_PATH = "base_path";
  /** {@link #fromMap} key of {@link Builder#format}. */
  public static final String STORAGE_FORMAT = "storage_format";
  /** {@link #fromMap} key of {@link Builder#cacheMaxEntries}. */
  public static final String CACHE_SIZE = "cache_size";
  /** {@link #fromMap} key of {@link Builder#cacheMaxBytes}. */
  public static final String CACHE_MAX_BYTES = "cache_max_bytes";
  /** {@link #fromMap} key of {@link Builder#cacheTtl}. */
  public static final String CACHE_TTL = "cache_ttl";
  /** {@link #fromMap} key of {@link Builder#batchSize}. */
  public static final String BATCH_SIZE = "batch_size";
  /** {@link #fromMap} key of {@link Builder#maxWorkers}. */
  public static final String MAX_WORKERS = "max_workers";
  /** {@link #fromMap} key of {@link Builder#memoryMapping}. */
  public static final String USE_MEMORY_MAPPING = "use_memory_mapping";
  /** {@link #fromMap} key of {@link Builder#compression}. */
  public static final String COMPRESSION = "compression";
  /** {@link #fromMap} key of {@link Builder#rawCopy}. */
  public static final String RAW_COPY = "raw_copy";
  /** {@link #fromMap} key of {@link Builder#readOnly}. */
  public static final String READ_ONLY = "read_only";
  /** {@link #fromMap} key of {@link Builder#keepVersions}. */
  public static final String KEEP_VERSIONS = "keep_versions";

  private static final Set<String> KEYS = Set.of(BASE_PATH, STORAGE_FORMAT, CACHE_SIZE,
      CACHE_MAX_BYTES, CACHE_TTL, BATCH_SIZE, MAX_WORKERS, USE_MEMORY_MAPPING, COMPRESSION,
      RAW_COPY, READ_ONLY, KEEP_VERSIONS);
  private static final Pattern FORMAT_NAME = Pattern.compile("[a-z0-9-]+");
  private static final Pattern CODEC_NAME = Pattern.compile("[A-Za-z0-9_.+-]+");

  private final Path basePath;
  private final String format;
  private final int cacheMaxEntries;
  private final long cacheMaxBytes;
  private final Duration cacheTtl;
  private final int batchSize;
  private final int maxWorkers;
  private final boolean memoryMapping;
  private final String compression;
  private final boolean rawCopy;
  private final boolean readOnly;
  private final int keepVersions;

  private StoreConfig(Builder b) {
    this.basePath = b.basePath;
    this.format = b.format;
    this.cacheMaxEntries = b.cacheMaxEntries;
    this.cacheMaxBytes = b.cacheMaxBytes;
    this.cacheTtl = b.cacheTtl;
    this.batchSize = b.batchSize;
    this.maxWorkers = b.maxWorkers;
    this.memoryMapping = b.memoryMapping;
    this.compression = b.compression;
    this.rawCopy = b.rawCopy;
    this.readOnly = b.readOnly;
    this.keepVersions = b.keepVersions;
  }

  /** @return a builder with the defaults */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding this configuration */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.basePath = basePath;
    b.format = format;
    b.cacheMaxEntries = cacheMaxEntries;
    b.cacheMaxBytes = cacheMaxBytes;
    b.cacheTtl = cacheTtl;
    b.batchSize = batchSize;
    b.maxWorkers = maxWorkers;
    b.memoryMapping = memoryMapping;
    b.compression = compression;
    b.rawCopy = rawCopy;
    b.readOnly = readOnly;
    b.keepVersions = keepVersions;
    return b;
  }

  /**
   * Builds a configuration from the Python original's keys ({@code base_path}, {@code
   * storage_format}, {@code cache_size}, {@code use_memory_mapping}, {@code batch_size}, {@code
   * max_workers}) and optstore's ({@code compression}, {@code cache_max_bytes}, {@code cache_ttl},
   * {@code raw_copy}, {@code read_only}, {@code keep_versions}). Paths are strings or {@link Path}s,
   * sizes integers, flags booleans, {@code cache_ttl} a {@link Duration}, an ISO-8601 duration
   * string ({@code PT10M}) or whole seconds.
   *
   * @param settings the settings; absent keys keep their defaults
   * @return the configuration
   * @throws InvalidConfigException on an unknown key or a value of the wrong type or range
   */
  public static StoreConfig fromMap(Map<String, ?> settings) {
    Objects.requireNonNull(settings, "settings");
    Builder b = builder();
    for (Map.Entry<String, ?> e : settings.entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      if (!KEYS.contains(key)) {
        throw new InvalidConfigException("unknown configuration key '" + key + "' (value " + v
            + "); the keys are " + new TreeSet<>(KEYS));
      }
      switch (key) {
        case BASE_PATH -> b.basePath(path(key, v));
        case STORAGE_FORMAT -> b.format(string(key, v));
        case CACHE_SIZE -> b.cacheMaxEntries(toInt(key, v));
        case CACHE_MAX_BYTES -> b.cacheMaxBytes(integer(key, v));
        case CACHE_TTL -> b.cacheTtl(duration(key, v));
        case BATCH_SIZE -> b.batchSize(toInt(key, v));
        case MAX_WORKERS -> b.maxWorkers(toInt(key, v));
        case USE_MEMORY_MAPPING -> b.memoryMapping(bool(key, v));
        case COMPRESSION -> b.compression(string(key, v));
        case RAW_COPY -> b.rawCopy(bool(key, v));
        case READ_ONLY -> b.readOnly(bool(key, v));
        case KEEP_VERSIONS -> b.keepVersions(toInt(key, v));
        default -> throw new AssertionError(key);
      }
    }
    return b.build();
  }

  private static InvalidConfigException wrongType(String key, Object v, String expected) {
    return new InvalidConfigException("configuration key '" + key + "' has the value " + v
        + (v == null ? "" : " of type " + v.getClass().getSimpleName()) + "; expected "
        + expected);
  }

  private static String string(String key, Object v) {
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(key, v, "a string");
  }

  private static Path path(String key, Object v) {
    if (v instanceof Path p) {
      return p;
    }
    if (v instanceof String s) {
      try {
        return Path.of(s);
      } catch (InvalidPathException e) {
        throw new InvalidConfigException("configuration key '" + key + "' holds '" + s
            + "', which is not a valid path: " + e.getReason());
      }
    }
    throw wrongType(key, v, "a path string or Path");
  }

  private static long integer(String key, Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    throw wrongType(key, v, "an integer");
  }

  private static int toInt(String key, Object v) {
    long x = integer(key, v);
    if (x != (int) x) {
      throw new InvalidConfigException("configuration key '" + key + "' has the value " + x
          + ", which is too large; expected an int (at most " + Integer.MAX_VALUE + ")");
    }
    return (int) x;
  }

  private static boolean bool(String key, Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw wrongType(key, v, "a boolean (true or false)");
  }

  private static Duration duration(String key, Object v) {
    if (v == null || v instanceof Duration) {
      return (Duration) v;
    }
    if (v instanceof String s) {
      try {
        return Duration.parse(s);
      } catch (DateTimeParseException e) {
        throw new InvalidConfigException("configuration key '" + key + "' holds '" + s
            + "', which is not an ISO-8601 duration such as PT10M");
      }
    }
    if (v instanceof Long || v instanceof Integer) {
      return Duration.ofSeconds(((Number) v).longValue());
    }
    throw wrongType(key, v, "a Duration, an ISO-8601 duration string or whole seconds");
  }

  /** @return the directory holding the store */
  public Path basePath() {
    return basePath;
  }

  /** @return the configured format's name (the store may fall back to another) */
  public String format() {
    return format;
  }

  /** @return the most datasets the cache holds */
  public int cacheMaxEntries() {
    return cacheMaxEntries;
  }

  /** @return the most bytes the cache holds */
  public long cacheMaxBytes() {
    return cacheMaxBytes;
  }

  /** @return how long a cache entry lives after it was written, if limited */
  public Optional<Duration> cacheTtl() {
    return Optional.ofNullable(cacheTtl);
  }

  /** @return the batch size of item reads */
  public int batchSize() {
    return batchSize;
  }

  /** @return the threads of the store's executor */
  public int maxWorkers() {
    return maxWorkers;
  }

  /** @return whether readers may memory-map files */
  public boolean memoryMapping() {
    return memoryMapping;
  }

  /** @return the codec, or {@code default} for the format's own */
  public String compression() {
    return compression;
  }

  /** @return whether each version also gets a raw Avro copy */
  public boolean rawCopy() {
    return rawCopy;
  }

  /** @return whether the store only reads (no lock, no writes) */
  public boolean readOnly() {
    return readOnly;
  }

  /** @return the data versions kept per dataset (the current one and older ones) */
  public int keepVersions() {
    return keepVersions;
  }

  /** @return the base path, absolute and normalised: what identifies a store in a JVM */
  Path normalizedBasePath() {
    Path p = basePath.toAbsolutePath().normalize();
    try {
      return Files.exists(p) ? p.toRealPath() : p;
    } catch (java.io.IOException e) {
      return p;
    }
  }

  /** Builds a {@link StoreConfig}. Not thread-safe. */
  public static final class Builder {
    private Path basePath;
    private String format = "parquet";
    private int cacheMaxEntries = 128;
    private long cacheMaxBytes = Runtime.getRuntime().maxMemory() / 4;
    private Duration cacheTtl;
    private int batchSize = 1000;
    private int maxWorkers = Math.min(32, Runtime.getRuntime().availableProcessors());
    private boolean memoryMapping = true;
    private String compression = "default";
    private boolean rawCopy = true;
    private boolean readOnly;
    private int keepVersions = 2;

    private Builder() {}

    /**
     * @param path the directory holding the store (created by a writable store when missing)
     * @return this
     */
    public Builder basePath(Path path) {
      if (path == null) {
        throw new InvalidConfigException("base path (basePath / '" + BASE_PATH + "') must not be "
            + "null; give the directory holding the store (a writable store creates it)");
      }
      this.basePath = path;
      return this;
    }

    /**
     * @param name a storage format name such as {@code parquet}, {@code hdf5}, {@code serial}
     * @return this
     */
    public Builder format(String name) {
      if (name == null || !FORMAT_NAME.matcher(name).matches()) {
        throw new InvalidConfigException("storage format (format / '" + STORAGE_FORMAT + "') '"
            + name + "' is not a format name; use lowercase letters, digits and '-', e.g. "
            + "parquet, hdf5, serial");
      }
      this.format = name;
      return this;
    }

    /**
     * @param entries the most datasets the cache holds (0 disables caching, open readers included)
     * @return this
     */
    public Builder cacheMaxEntries(int entries) {
      if (entries < 0) {
        throw new InvalidConfigException("cache size (cacheMaxEntries / '" + CACHE_SIZE
            + "') must not be negative, got " + entries + "; use 0 to turn the cache off, or a "
            + "positive number of datasets to hold");
      }
      this.cacheMaxEntries = entries;
      return this;
    }

    /**
     * @param bytes the most bytes of decoded data the cache holds (0 caches no data; open readers
     *     are still kept, up to {@link #cacheMaxEntries})
     * @return this
     */
    public Builder cacheMaxBytes(long bytes) {
      if (bytes < 0) {
        throw new InvalidConfigException("cache max bytes (cacheMaxBytes / '" + CACHE_MAX_BYTES
            + "') must not be negative, got " + bytes + "; use 0 to turn the cache off, or a "
            + "positive number of bytes (e.g. 536870912 for 512 MiB)");
      }
      this.cacheMaxBytes = bytes;
      return this;
    }

    /**
     * @param ttl how long a cache entry lives after it is written; null for no expiry
     * @return this
     */
    public Builder cacheTtl(Duration ttl) {
      if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
        throw new InvalidConfigException("cache TTL (cacheTtl / '" + CACHE_TTL + "') must be "
            + "positive, got " + ttl + "; use a positive duration such as PT10M, or null (leave "
            + "it out) for no expiry");
      }
      this.cacheTtl = ttl;
      return this;
    }

    /**
     * @param size the batch size of item reads, at least 1
     * @return this
     */
    public Builder batchSize(int size) {
      if (size < 1) {
        throw new InvalidConfigException("batch size (batchSize / '" + BATCH_SIZE + "') must be "
            + "at least 1, got " + size + "; use a positive number of items per batch read (the "
            + "default is 1000)");
      }
      this.batchSize = size;
      return this;
    }

    /**
     * @param workers the threads of the store's executor, 1 to 1024
     * @return this
     */
    public Builder maxWorkers(int workers) {
      if (workers < 1 || workers > 1024) {
        throw new InvalidConfigException("max workers (maxWorkers / '" + MAX_WORKERS + "') must "
            + "be between 1 and 1024, got " + workers + "; use a thread count in that range, "
            + "e.g. the number of cores");
      }
      this.maxWorkers = workers;
      return this;
    }

    /**
     * @param enabled whether readers may memory-map files
     * @return this
     */
    public Builder memoryMapping(boolean enabled) {
      this.memoryMapping = enabled;
      return this;
    }

    /**
     * @param codec a codec of the chosen format, or {@code default} for its own; checked against
     *     the format when the store opens
     * @return this
     */
    public Builder compression(String codec) {
      if (codec == null || !CODEC_NAME.matcher(codec).matches()) {
        throw new InvalidConfigException("compression (compression / '" + COMPRESSION + "') '"
            + codec + "' is not a codec name; use 'default' or a codec of the chosen format "
            + "(e.g. snappy, zstd, deflate-1)");
      }
      this.compression = codec;
      return this;
    }

    /**
     * @param enabled whether each version also gets a raw Avro copy to rebuild from
     * @return this
     */
    public Builder rawCopy(boolean enabled) {
      this.rawCopy = enabled;
      return this;
    }

    /**
     * @param enabled whether the store only reads: no lock, no writes, rebuilds kept in memory
     * @return this
     */
    public Builder readOnly(boolean enabled) {
      this.readOnly = enabled;
      return this;
    }

    /**
     * @param versions the data versions kept per dataset, at least 1 (the current one)
     * @return this
     */
    public Builder keepVersions(int versions) {
      if (versions < 1) {
        throw new InvalidConfigException("keep versions (keepVersions / '" + KEEP_VERSIONS
            + "') must be at least 1, got " + versions + "; use 1 to keep only the current "
            + "version, or more to keep older ones too (the default is 2)");
      }
      this.keepVersions = versions;
      return this;
    }

    /**
     * @return the configuration
     * @throws InvalidConfigException when the base path is missing, or a writable store's base
     *     path cannot be written
     */
    public StoreConfig build() {
      if (basePath == null) {
        throw new InvalidConfigException("base path is not set; give basePath(...) or '"
            + BASE_PATH + "'");
      }
      Path abs = basePath.toAbsolutePath().normalize();
      if (Files.exists(abs) && !Files.isDirectory(abs)) {
        throw new InvalidConfigException("base path " + abs + " is a file, not a directory; "
            + "choose a directory (a writable store creates a missing one)");
      }
      if (!readOnly) {
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
          existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
          throw new InvalidConfigException("base path " + abs + " cannot be written ("
              + (existing == null ? "no existing parent"
              : existing + (Files.isDirectory(existing) ? " is not writable" : " is a file"))
              + "); choose a writable directory or open the store with readOnly(true)");
        }
      }
      return new StoreConfig(this);
    }
  }

  /** Compares every setting but the base path. */
  boolean sameSettingsAs(StoreConfig c) {
    return c.format.equals(format) && c.cacheMaxEntries == cacheMaxEntries
        && c.cacheMaxBytes == cacheMaxBytes && Objects.equals(c.cacheTtl, cacheTtl)
        && c.batchSize == batchSize && c.maxWorkers == maxWorkers
        && c.memoryMapping == memoryMapping && c.compression.equals(compression)
        && c.rawCopy == rawCopy && c.readOnly == readOnly && c.keepVersions == keepVersions;
  }

  /**
   * Configurations are equal when their settings are, and their base paths once made absolute and
   * normalised (links are not resolved; {@link DataStores#shared} does resolve them).
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof StoreConfig c && sameSettingsAs(c) && absoluteBasePath().equals(
        c.absoluteBasePath());
  }

  private Path absoluteBasePath() {
    return basePath.toAbsolutePath().normalize();
  }

  @Override
  public int hashCode() {
    return Objects.hash(absoluteBasePath(), format, cacheMaxEntries, cacheMaxBytes, cacheTtl,
        batchSize, maxWorkers, memoryMapping, compression, rawCopy, readOnly, keepVersions);
  }

  @Override
  public String toString() {
    return "StoreConfig[basePath=" + basePath + ", format=" + format + ", cacheMaxEntries="
        + cacheMaxEntries + ", cacheMaxBytes=" + cacheMaxBytes + ", cacheTtl=" + cacheTtl
        + ", batchSize=" + batchSize + ", maxWorkers=" + maxWorkers + ", memoryMapping="
        + memoryMapping + ", compression=" + compression + ", rawCopy=" + rawCopy + ", readOnly="
        + readOnly + ", keepVersions=" + keepVersions + "]";
  }
}
