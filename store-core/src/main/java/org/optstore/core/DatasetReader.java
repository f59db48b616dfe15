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
import org.optstore.DataStoreException;
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
import org.optstore.core.catalog.Manifest;
import org.optstore.core.filter.ResultRefiner;
import org.optstore.core.format.FormatRegistry;
import org.optstore.core.raw.RawCopyReader;
import org.optstore.spi.FormatReader;
import org.optstore.spi.Pushdown;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.StorageFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read path: find the current manifest, bind the query to its schema, open the format's reader
 * with the checksums the manifest recorded, let it apply what it can, and refine the rest with
 * {@link ResultRefiner}. When the data file is missing, damaged, or its format is gone, the
 * version is rebuilt from its raw copy (persisted by a writable store, kept in memory by a
 * read-only one) and the read is answered from that. Thread-safe.
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
  private final Cache<String, Frame> rebuiltInMemory;
  /** Versions (by manifest checksum) a read-only store found broken and answers from memory. */
  private final Map<String, Problem> readOnlyProblems = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  DatasetReader(CatalogLayout layout, Catalog catalog, FormatRegistry registry,
      DatasetWriter writer, boolean memoryMapping, long memoryBudget) {
    this.layout = layout;
    this.catalog = catalog;
    this.registry = registry;
    this.writer = writer;
    this.memoryMapping = memoryMapping;
    this.rebuiltInMemory = Caffeine.newBuilder()
        .maximumWeight(memoryBudget)
        .<String, Frame>weigher((k, f) -> (int) Math.min(Integer.MAX_VALUE, f.sizeInBytes()))
        .build();
  }

  Result retrieve(String name, Query query) {
    Objects.requireNonNull(query, "query");
    for (int attempt = 0; ; attempt++) {
      Manifest m = catalog.current(name);
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
      Manifest m = catalog.current(name);
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

  private Frame read(Manifest m, BoundQuery q) {
    Problem known = readOnlyProblems.get(m.checksum());
    if (known != null) {
      return readRebuilt(m, q, known); // a read-only store answers a broken version from memory
    }
    Problem p = check(m);
    if (p == null) {
      try {
        return readFile(m, q);
      } catch (CorruptDataException e) {
        p = afterFailure(m, e);
      }
    }
    return readRebuilt(m, q, p);
  }

  private FrameStream scan(Manifest m, BoundQuery q) {
    Problem p = check(m);
    if (p == null) {
      try {
        return scanFile(m, q);
      } catch (CorruptDataException e) {
        p = afterFailure(m, e);
      }
    }
    if (writer != null) {
      return scanFile(rebuild(m, p), q);
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

  private Frame readFile(Manifest m, BoundQuery q) {
    try (FormatReader r = open(m)) {
      Set<Pushdown> applied = r.pushdown(q);
      Frame f;
      try {
        f = r.read(q);
      } catch (RuntimeException e) {
        throw failure(m, registry.require(m.formatName(), "to read"), dataPath(m, single(m)), e);
      }
      return ResultRefiner.refine(f, q, applied, m.timeSorted());
    }
  }

  private FrameStream scanFile(Manifest m, BoundQuery q) {
    FormatReader r = open(m);
    try {
      Set<Pushdown> applied = r.pushdown(q);
      FrameStream s = r.stream(q, SCAN_BATCH_ROWS);
      return ResultRefiner.refine(new ReaderStream(s, r), q, applied, m.timeSorted());
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private Frame readRebuilt(Manifest m, BoundQuery q, Problem p) {
    if (writer != null) {
      return readFile(rebuild(m, p), q);
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

  /** A reader's batches, closing the reader with them. */
  private static final class ReaderStream implements FrameStream {
    private final FrameStream batches;
    private final FormatReader reader;
    private boolean closed;

    ReaderStream(FrameStream batches, FormatReader reader) {
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
