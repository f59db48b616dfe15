package org.optstore.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.optstore.BoundQuery;
import org.optstore.CorruptDataException;
import org.optstore.CacheStats;
import org.optstore.DataStoreException;
import org.optstore.DatasetNotFoundException;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.FormatUnavailableException;
import org.optstore.Query;
import org.optstore.Result;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.TimeRange;
import org.optstore.core.catalog.Catalog;
import org.optstore.core.catalog.CatalogLayout;
import org.optstore.core.catalog.DatasetNames;
import org.optstore.core.cache.CachedReader;
import org.optstore.core.cache.ReadCache;
import org.optstore.core.cache.VersionKey;
import org.optstore.core.catalog.Manifest;
import org.optstore.core.filter.ResultRefiner;
import org.optstore.core.format.FormatRegistry;
import org.optstore.core.raw.RawCopyReader;
import org.optstore.spi.Capability;
import org.optstore.spi.FormatReader;
import org.optstore.spi.Pushdown;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.StorageFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read path: find the current manifest, bind the query to its schema, take the version's open
 * reader from the {@link ReadCache} (opening it with the checksums the manifest recorded on a
 * miss), read, and refine what the read did not apply exactly with {@link ResultRefiner}.
 *
 * <p>Formats with block reads whose columns are not zero-copy mappings are read through the
 * cache's decoded blocks: only the blocks whose time bounds overlap the range, each (column,
 * block) decoded once and then served from memory. Memory-mapped zero-copy formats and formats
 * without block reads keep only their open reader cached and answer each query themselves (a
 * mapped column is already in memory; caching it again would only count the page cache twice).
 *
 * <p>When the data file is missing, damaged, or its format is gone, the version is rebuilt from
 * its raw copy (persisted by a writable store, kept in memory by a read-only one) and the read is
 * answered from that. Thread-safe.
 */
final class DatasetReader {
  /** Rows per batch asked of format readers by scans. */
  static final int SCAN_BATCH_ROWS = 1 << 16;

  private static final Logger LOG = LoggerFactory.getLogger(DatasetReader.class);

  private final CatalogLayout layout;
  private final Catalog catalog;
  private final FormatRegistry registry;
  private final DatasetWriter writer; // null when read-only
  private final boolean memoryMapping;
  private final ReadCache cache;
  private final Cache<String, Frame> rebuiltInMemory;
  /** Versions (by manifest checksum) a read-only store found broken and answers from memory. */
  private final Map<String, Problem> readOnlyProblems = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  DatasetReader(CatalogLayout layout, Catalog catalog, FormatRegistry registry,
      DatasetWriter writer, boolean memoryMapping, long memoryBudget, ReadCache cache) {
    this.layout = layout;
    this.catalog = catalog;
    this.registry = registry;
    this.writer = writer;
    this.memoryMapping = memoryMapping;
    this.cache = cache;
    // a new version, a rebuild or a delete makes the older versions' entries unreachable at once
    catalog.onCommit(m -> cache.supersede(m.dataset(), m.version(), m.generation()));
    this.rebuiltInMemory = Caffeine.newBuilder()
        .maximumWeight(memoryBudget)
        .<String, Frame>weigher((k, f) -> (int) Math.min(Integer.MAX_VALUE, f.sizeInBytes()))
        .build();
  }

  Result retrieve(String name, Query query) {
    Objects.requireNonNull(query, "query");
    for (int attempt = 0; ; attempt++) {
      Manifest m = current(name);
      BoundQuery q = bind(query, m);
      if (nothingMatches(m, q)) {
        return new Result(Frame.empty(q.outputSchema()), m.toInfo());
      }
      try {
        return new Result(read(m, q), m.toInfo());
      } catch (DatasetWriter.VersionChangedException e) {
        if (attempt == 3) {
          throw new DataStoreException("dataset '" + name + "' changed versions during each of "
              + "4 attempts to read it; retry later");
        }
      }
    }
  }

  FrameStream scan(String name, Query query) {
    Objects.requireNonNull(query, "query");
    for (int attempt = 0; ; attempt++) {
      Manifest m = current(name);
      BoundQuery q = bind(query, m);
      if (nothingMatches(m, q)) {
        return FrameStream.of(q.outputSchema(), List.of());
      }
      try {
        return scan(m, q);
      } catch (DatasetWriter.VersionChangedException e) {
        if (attempt == 3) {
          throw new DataStoreException("dataset '" + name + "' changed versions during each of "
              + "4 attempts to read it; retry later");
        }
      }
    }
  }

  /** The current manifest; a dataset found deleted (by another process) leaves the cache. */
  private Manifest current(String name) {
    try {
      return catalog.current(name);
    } catch (DatasetNotFoundException e) {
      cache.forget(name);
      throw e;
    }
  }

  CacheStats cacheStats() {
    return cache.stats();
  }

  /** Drops the cache; readers still leased by running reads close when those finish. */
  void close() {
    cache.close();
  }

  private static BoundQuery bind(Query query, Manifest m) {
    try {
      return query.bind(m.schema());
    } catch (SchemaException e) {
      throw new SchemaException("query on " + m.describe() + ": " + e.getMessage(), e);
    }
  }

  /** Whether the manifest alone shows that no row can match. */
  private static boolean nothingMatches(Manifest m, BoundQuery q) {
    if (m.rowCount() == 0 || q.limit().orElse(1) == 0) {
      return true;
    }
    TimeRange r = q.timeRange();
    if (!q.hasTimeRange()) {
      return false;
    }
    return r.isEmpty() || (m.minTime() != null && !r.overlaps(m.minTime(), m.maxTime()));
  }

  /** Why a version's files cannot be used as they are. */
  private record Problem(String reason, boolean formatGone, DataStoreException cause) {}

  /** Thrown out of the cache's loader when a version's files cannot be used as they are. */
  private static final class UnusableVersion extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Problem problem;

    UnusableVersion(Problem problem) {
      super(problem.reason(), null, false, false);
      this.problem = problem;
    }
  }

  private static VersionKey key(Manifest m) {
    return new VersionKey(m.dataset(), m.version(), m.generation(), m.checksum());
  }

  /**
   * A lease on the version's open reader, from the cache or opened now after the checks of
   * {@link #check}.
   *
   * @throws UnusableVersion when the checks fail
   * @throws CorruptDataException when the format refuses the file
   */
  private CachedReader lease(Manifest m) {
    boolean blocks = registry.available(m.formatName()).map(this::cachesBlocks).orElse(false);
    return cache.reader(key(m), blocks, () -> {
      Problem p = check(m);
      if (p != null) {
        throw new UnusableVersion(p);
      }
      return open(m);
    });
  }

  /** A lease on a version just rebuilt, whose files are expected to be fine. */
  private CachedReader leaseRebuilt(Manifest m) {
    try {
      return lease(m);
    } catch (UnusableVersion u) {
      throw new CorruptDataException(m.describe() + " cannot be read after its rebuild because "
          + u.problem.reason(), u.problem.cause());
    }
  }

  /**
   * Whether reads go through cached blocks: the format reads blocks, and its columns are not
   * zero-copy views of a mapping (for those the open reader is the cache).
   */
  private boolean cachesBlocks(StorageFormat f) {
    Set<Capability> c = f.capabilities();
    return c.contains(Capability.BLOCK_READS)
        && !(memoryMapping && c.contains(Capability.MEMORY_MAPPING));
  }

  private Frame read(Manifest m, BoundQuery q) {
    Problem known = readOnlyProblems.get(m.checksum());
    if (known != null) {
      return readRebuilt(m, q, known); // a read-only store answers a broken version from memory
    }
    Problem p;
    try {
      try (CachedReader r = lease(m)) {
        return readFile(r, m, q);
      }
    } catch (UnusableVersion u) {
      p = u.problem;
    } catch (CorruptDataException e) {
      cache.invalidate(key(m));
      p = afterFailure(m, e);
    }
    return readRebuilt(m, q, p);
  }

  private FrameStream scan(Manifest m, BoundQuery q) {
    Problem p;
    try {
      return scanFile(lease(m), m, q);
    } catch (UnusableVersion u) {
      p = u.problem;
    } catch (CorruptDataException e) {
      cache.invalidate(key(m));
      p = afterFailure(m, e);
    }
    if (writer != null) {
      Manifest rebuilt = rebuild(m, p);
      return scanFile(leaseRebuilt(rebuilt), rebuilt, q);
    }
    Frame all = inMemory(m, p);
    return ResultRefiner.refine(FrameStream.slices(all, SCAN_BATCH_ROWS), q, Set.of(),
        m.timeSorted());
  }

  /** @return why the files cannot be read, or null when they look fine */
  private Problem check(Manifest m) {
    Optional<StorageFormat> f = registry.available(m.formatName());
    if (f.isEmpty()) {
      return new Problem("its format '" + m.formatName() + "' cannot be used: "
          + registry.whyUnavailable(m.formatName()).orElse(""), true, null);
    }
    if (f.get().formatVersion() < m.formatVersion()) {
      return new Problem("it was written by format '" + m.formatName() + "' layout version "
          + m.formatVersion() + ", newer than the version " + f.get().formatVersion()
          + " on the classpath", true, null);
    }
    Manifest.DataFile df = single(m);
    Path file = dataPath(m, df);
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      refreshAndCheck(m);
      return new Problem("its data file " + file + " is missing", false,
          new CorruptDataException("data file " + file + " of " + m.describe() + " is missing"));
    } catch (IOException e) {
      throw new DataStoreException("cannot read data file " + file + " of " + m.describe() + ": "
          + e, e);
    }
    if (size != df.size()) {
      return new Problem("its data file " + file + " has " + size + " bytes but the manifest "
          + "recorded " + df.size(), false, new CorruptDataException("data file " + file + " of "
          + m.describe() + " has " + size + " bytes but its manifest recorded " + df.size()));
    }
    return null;
  }

  /** After a read failed: start over if the version moved on, else explain the failure. */
  private Problem afterFailure(Manifest m, CorruptDataException e) {
    refreshAndCheck(m);
    if (warned.add(m.checksum())) {
      LOG.warn("{} failed a check: {}", m.describe(), e.getMessage());
    } else {
      LOG.debug("{} failed a check again: {}", m.describe(), e.getMessage());
    }
    return new Problem("its data failed a check: " + e.getMessage(), false, e);
  }

  private void refreshAndCheck(Manifest m) {
    catalog.refresh(m.dataset());
    if (!catalog.isCurrent(m.dataset(), m.version(), m.checksum())) {
      throw new DatasetWriter.VersionChangedException();
    }
  }

  private static Manifest.DataFile single(Manifest m) {
    if (m.files().size() != 1) {
      throw new CorruptDataException(m.describe() + " lists " + m.files().size()
          + " data files; this optstore reads versions of exactly one file");
    }
    return m.files().get(0);
  }

  private Path dataPath(Manifest m, Manifest.DataFile df) {
    String enc = DatasetNames.encode(m.dataset());
    return layout.resolveRecorded(df.path(), enc, layout.manifest(enc, m.version()));
  }

  private FormatReader open(Manifest m) {
    StorageFormat f = registry.require(m.formatName(), "to read " + m.describe());
    Manifest.DataFile df = single(m);
    Path file = dataPath(m, df);
    try {
      return f.openReader(new ReadSpec(file, df.checksums(), memoryMapping, m.describe()));
    } catch (RuntimeException e) {
      throw failure(m, f, file, e);
    }
  }

  /**
   * A format's failure as the engine reports it: a file that vanished (a newer version pruned
   * it, or it is missing) is damage to rebuild from, or a reason to start over on the new version.
   */
  private DataStoreException failure(Manifest m, StorageFormat f, Path file, RuntimeException e) {
    if (!Files.exists(file)) {
      refreshAndCheck(m);
      return new CorruptDataException("data file " + file + " of " + m.describe()
          + " is missing: " + e, e);
    }
    if (e instanceof DataStoreException d) {
      return d;
    }
    return new DataStoreException("format '" + f.name() + "' failed reading " + m.describe()
        + " from " + file + ": " + e, e);
  }

  private Frame readFile(CachedReader r, Manifest m, BoundQuery q) {
    if (r.admits(q)) {
      Frame f;
      try {
        f = r.read(q);
      } catch (RuntimeException e) {
        throw failure(m, registry.require(m.formatName(), "to read"), dataPath(m, single(m)), e);
      }
      return ResultRefiner.refine(f, q, Set.of(), m.timeSorted());
    }
    FormatReader fr = r.reader();
    Set<Pushdown> applied = fr.pushdown(q);
    Frame f;
    try {
      f = fr.read(q);
    } catch (RuntimeException e) {
      throw failure(m, registry.require(m.formatName(), "to read"), dataPath(m, single(m)), e);
    }
    return ResultRefiner.refine(f, q, applied, m.timeSorted());
  }

  /** The version's batches; the lease is returned when the stream is closed (or fails here). */
  private FrameStream scanFile(CachedReader r, Manifest m, BoundQuery q) {
    try {
      if (r.admits(q)) {
        return ResultRefiner.refine(r.stream(q, SCAN_BATCH_ROWS), q, Set.of(), m.timeSorted());
      }
      FormatReader fr = r.reader();
      Set<Pushdown> applied = fr.pushdown(q);
      FrameStream s = fr.stream(q, SCAN_BATCH_ROWS);
      return ResultRefiner.refine(new LeasedStream(s, r), q, applied, m.timeSorted());
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private Frame readRebuilt(Manifest m, BoundQuery q, Problem p) {
    if (writer != null) {
      Manifest rebuilt = rebuild(m, p);
      try (CachedReader r = leaseRebuilt(rebuilt)) {
        return readFile(r, rebuilt, q);
      }
    }
    Frame all = inMemory(m, p);
    if (readOnlyProblems.size() > 1024) {
      readOnlyProblems.clear();
    }
    readOnlyProblems.putIfAbsent(m.checksum(), p);
    return ResultRefiner.refine(all, q, Set.of(), m.timeSorted());
  }

  private Manifest rebuild(Manifest m, Problem p) {
    requireRawCopy(m, p);
    return writer.rebuild(m, p.reason());
  }

  /** A read-only store rebuilds into memory and keeps the frame while memory allows. */
  private Frame inMemory(Manifest m, Problem p) {
    requireRawCopy(m, p);
    String key = DatasetNames.encode(m.dataset()) + "/" + m.version() + "/" + m.checksum();
    return rebuiltInMemory.get(key, k -> {
      String enc = DatasetNames.encode(m.dataset());
      Path raw = layout.resolveRecorded(m.raw().path(), enc, layout.manifest(enc, m.version()));
      LOG.info("reading {} from its raw copy {} into memory (read-only store) because {}",
          m.describe(), raw, p.reason());
      try (RawCopyReader in = RawCopyReader.open(raw, m.raw().size(), m.raw().crc32c(),
          m.schema(), DatasetWriter.WRITE_BATCH_ROWS)) {
        Frame all = in.readAll();
        if (all.rowCount() != m.rowCount()) {
          throw new CorruptDataException("raw copy " + raw + " holds " + all.rowCount()
              + " rows but " + m.describe() + " has " + m.rowCount());
        }
        return all;
      }
    });
  }

  private void requireRawCopy(Manifest m, Problem p) {
    if (m.raw() != null) {
      return;
    }
    String msg = m.describe() + " cannot be read because " + p.reason()
        + ", and it has no raw copy to rebuild from (raw copies were off when it was written)";
    if (p.formatGone()) {
      throw new FormatUnavailableException(msg + "; formats found: " + registry.describe()
          + "; add the format's jar to the classpath");
    }
    throw new CorruptDataException(msg + "; restore the file from a backup or write the "
        + "dataset anew", p.cause());
  }

  /** A reader's batches, returning the lease on the reader with them. */
  private static final class LeasedStream implements FrameStream {
    private final FrameStream batches;
    private final CachedReader reader;
    private boolean closed;

    LeasedStream(FrameStream batches, CachedReader reader) {
      this.batches = batches;
      this.reader = reader;
    }

    @Override
    public Schema schema() {
      return batches.schema();
    }

    @Override
    public boolean hasNext() {
      return !closed && batches.hasNext();
    }

    @Override
    public Frame next() {
      if (closed) {
        throw new NoSuchElementException("stream closed");
      }
      return batches.next();
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        try {
          batches.close();
        } finally {
          reader.close();
        }
      }
    }
  }
}
