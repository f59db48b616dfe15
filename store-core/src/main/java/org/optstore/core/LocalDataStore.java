package org.optstore.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.optstore.CacheStats;
import org.optstore.DataStore;
import org.optstore.DataStoreException;
import org.optstore.DatasetInfo;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.InvalidArgumentException;
import org.optstore.InvalidConfigException;
import org.optstore.Query;
import org.optstore.Result;
import org.optstore.Schema;
import org.optstore.StoreClosedException;
import org.optstore.WriteOptions;
import org.optstore.core.cache.ReadCache;
import org.optstore.core.catalog.Catalog;
import org.optstore.core.catalog.CatalogLayout;
import org.optstore.core.catalog.DatasetNames;
import org.optstore.core.catalog.Manifest;
import org.optstore.core.format.FormatRegistry;
import org.optstore.core.io.DurableFiles;
import org.optstore.core.io.IoInterceptor;
import org.optstore.core.items.ItemStore;
import org.optstore.core.records.RecordFrames;
import org.optstore.spi.StorageFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DataStore} of one base directory: wires the catalog, the format registry, the write
 * and read paths and the store's executor, and keeps its lifecycle (operations in flight, close).
 */
final class LocalDataStore implements DataStore {
  private static final Logger LOG = LoggerFactory.getLogger(LocalDataStore.class);
  private static final AtomicInteger STORES = new AtomicInteger();
  private static final long CLOSE_WAIT_MILLIS = 60_000;

  private final StoreConfig config;
  private final Path base;
  private final Catalog catalog;
  private final StoreLock lock; // null when read-only
  private final DatasetWriter writer; // null when read-only
  private final DatasetReader reader;
  private final ThreadPoolExecutor executor;
  private final Object lifecycle = new Object();
  private final Object itemsLock = new Object();
  private ItemStore items; // opened on the first item call; guarded by itemsLock
  private volatile boolean closed;
  private int inFlight; // guarded by lifecycle

  private LocalDataStore(StoreConfig config, Path base, Catalog catalog, StoreLock lock,
      DatasetWriter writer, DatasetReader reader) {
    this.config = config;
    this.base = base;
    this.catalog = catalog;
    this.lock = lock;
    this.writer = writer;
    this.reader = reader;
    int id = STORES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(config.maxWorkers(), config.maxWorkers(), 10,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Worker(this, r, "optstore-" + id + "-worker-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true);
  }

  /** A thread of a store's executor, so that nested parallel reads run inline instead. */
  private static final class Worker extends Thread {
    final LocalDataStore store;

    Worker(LocalDataStore store, Runnable r, String name) {
      super(r, name);
      this.store = store;
    }
  }

  static LocalDataStore open(StoreConfig config, ClassLoader formats, IoInterceptor io) {
    Path base = config.normalizedBasePath();
    CatalogLayout layout = new CatalogLayout(base);
    FormatRegistry registry = FormatRegistry.load(formats);
    StorageFormat format = registry.choose(config.format(), !config.readOnly());
    checkCodec(config, format);
    if (config.readOnly()) {
      if (!Files.isDirectory(base)) {
        throw new InvalidConfigException("base path " + base + " does not exist; a read-only "
            + "store opens an existing store (open it writable once to create it)");
      }
      Catalog catalog = Catalog.openReadOnly(layout);
      DatasetReader reader = new DatasetReader(layout, catalog, registry, null,
          config.memoryMapping(), config.cacheMaxBytes(), cache(config));
      LOG.info("opened store {} read-only (formats: {})", base, registry.describe());
      return new LocalDataStore(config, base, catalog, null, null, reader);
    }
    DurableFiles files = new DurableFiles(layout.tmpDir(), io);
    try {
      files.createDirectories(base);
    } catch (IOException e) {
      throw new InvalidConfigException("cannot create base path " + base + ": " + e
          + "; choose a writable directory", e);
    }
    StoreLock lock = StoreLock.acquire(base, layout.lockFile());
    try {
      Catalog catalog = Catalog.openWritable(layout, files, config.keepVersions());
      DatasetWriter writer = new DatasetWriter(layout, catalog, files, registry, format,
          config.compression(), config.rawCopy());
      DatasetReader reader = new DatasetReader(layout, catalog, registry, writer,
          config.memoryMapping(), config.cacheMaxBytes(), cache(config));
      LOG.info("opened store {} for writing with format '{}' (codec {}, raw copies {}; formats: "
          + "{})", base, format.name(), writer.codecFor(format), config.rawCopy() ? "on" : "off",
          registry.describe());
      return new LocalDataStore(config, base, catalog, lock, writer, reader);
    } catch (IOException e) {
      lock.close();
      throw new DataStoreException("cannot open the store at " + base + ": " + e, e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static ReadCache cache(StoreConfig config) {
    return ReadCache.create(config.cacheMaxBytes(), config.cacheMaxEntries(),
        config.cacheTtl().orElse(null));
  }

  private static void checkCodec(StoreConfig config, StorageFormat format) {
    String c = config.compression();
    if (c.equalsIgnoreCase("default")) {
      return;
    }
    for (String x : format.codecs()) {
      if (x.equalsIgnoreCase(c)) {
        return;
      }
    }
    throw new InvalidConfigException("compression '" + c + "' is not a codec of format '"
        + format.name() + "' (its codecs: " + String.join(", ", new java.util.TreeSet<>(
        format.codecs())) + "); choose one of them or 'default'");
  }

  StoreConfig config() {
    return config;
  }

  // ---- lifecycle ----

  private StoreClosedException closedException() {
    return new StoreClosedException("the store at " + base + " is closed; open a new one with "
        + "DataStores.open or DataStores.shared");
  }

  private void enter() {
    synchronized (lifecycle) {
      if (closed) {
        throw closedException();
      }
      inFlight++;
    }
  }

  private void exit() {
    synchronized (lifecycle) {
      if (--inFlight == 0 && closed) {
        lifecycle.notifyAll();
      }
    }
  }

  private void requireWritable() {
    if (writer == null) {
      throw new InvalidConfigException("the store at " + base + " is read-only; open it with "
          + "readOnly(false) to write");
    }
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      long deadline = System.currentTimeMillis() + CLOSE_WAIT_MILLIS;
      while (inFlight > 0) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          LOG.warn("closing the store at {} with {} operations still running", base, inFlight);
          break;
        }
        try {
          lifecycle.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        LOG.warn("the executor of the store at {} did not stop in time", base);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reader.close();
    synchronized (itemsLock) {
      if (items != null) {
        items.close();
        items = null;
      }
    }
    if (lock != null) {
      lock.close();
    }
    LOG.info("closed store {}", base);
  }

  // ---- writes ----

  @Override
  public DatasetInfo storeRecords(String name, List<? extends Map<String, ?>> records,
      Map<String, ?> metadata) {
    return storeRecords(name, records, metadata, WriteOptions.defaults());
  }

  @Override
  public DatasetInfo storeRecords(String name, List<? extends Map<String, ?>> records,
      Map<String, ?> metadata, WriteOptions options) {
    enter();
    try {
      requireWritable();
      DatasetNames.encode(name);
      Objects.requireNonNull(records, "records");
      Objects.requireNonNull(options, "options");
      FrameStream batches = RecordFrames.convert(records, options, DatasetWriter.WRITE_BATCH_ROWS);
      return writer.write(name, batches, metadata, options, records.size()).toInfo();
    } finally {
      exit();
    }
  }

  @Override
  public DatasetInfo store(String name, Frame frame, Map<String, ?> metadata) {
    return store(name, frame, metadata, WriteOptions.defaults());
  }

  @Override
  public DatasetInfo store(String name, Frame frame, Map<String, ?> metadata,
      WriteOptions options) {
    enter();
    try {
      requireWritable();
      DatasetNames.encode(name);
      Objects.requireNonNull(frame, "frame");
      Objects.requireNonNull(options, "options");
      FrameStream batches = frame.rowCount() == 0
          ? FrameStream.of(frame.schema(), List.of(frame))
          : FrameStream.slices(frame, DatasetWriter.WRITE_BATCH_ROWS);
      return writer.write(name, batches, metadata, options, frame.rowCount()).toInfo();
    } finally {
      exit();
    }
  }

  @Override
  public DatasetInfo store(String name, FrameStream batches, Map<String, ?> metadata,
      WriteOptions options) {
    Objects.requireNonNull(batches, "batches");
    try (batches) { // closed whatever happens, as the contract says
      enter();
      try {
        requireWritable();
        DatasetNames.encode(name);
        Objects.requireNonNull(options, "options");
        return writer.write(name, batches, metadata, options, -1).toInfo();
      } finally {
        exit();
      }
    }
  }

  @Override
  public DatasetInfo importFile(String name, Path file) {
    return importFile(name, file, WriteOptions.defaults());
  }

  @Override
  public DatasetInfo importFile(String name, Path file, WriteOptions options) {
    enter();
    try {
      requireWritable();
      DatasetNames.encode(name);
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(options, "options");
      return writer.importFile(name, file, options).toInfo();
    } finally {
      exit();
    }
  }

  @Override
  public boolean delete(String name) {
    enter();
    try {
      requireWritable();
      boolean existed = catalog.delete(name);
      if (existed) {
        LOG.info("deleted dataset '{}' from {}", name, base);
      }
      return existed;
    } finally {
      exit();
    }
  }

  // ---- reads ----

  @Override
  public Result retrieve(String name) {
    return retrieve(name, Query.all());
  }

  @Override
  public Result retrieve(String name, Query query) {
    enter();
    try {
      return reader.retrieve(name, query);
    } finally {
      exit();
    }
  }

  @Override
  public FrameStream scan(String name, Query query) {
    enter();
    try {
      return new OpenStoreStream(reader.scan(name, query));
    } finally {
      exit();
    }
  }

  /** A scan's batches, refused once the store is closed. */
  private final class OpenStoreStream implements FrameStream {
    private final FrameStream inner;

    OpenStoreStream(FrameStream inner) {
      this.inner = inner;
    }

    @Override
    public Schema schema() {
      return inner.schema();
    }

    @Override
    public boolean hasNext() {
      if (closed) {
        inner.close();
        throw closedException();
      }
      return inner.hasNext();
    }

    @Override
    public Frame next() {
      if (closed) {
        inner.close();
        throw closedException();
      }
      return inner.next();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  @Override
  public Result retrieveFiltered(String name, Function<Frame, Frame> filter) {
    Objects.requireNonNull(filter, "filter");
    Result r = retrieve(name);
    Frame out = filter.apply(r.frame());
    if (out == null) {
      throw new InvalidArgumentException("the filter given to retrieveFiltered for dataset '"
          + name + "' returned null; return a frame (an empty one for no rows)");
    }
    return new Result(out, r.info());
  }

  @Override
  public Map<String, Result> retrieveAll(Collection<String> names, Query query) {
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(query, "query");
    enter();
    try {
      LinkedHashSet<String> unique = new LinkedHashSet<>(names);
      Map<String, Result> out = new LinkedHashMap<>();
      boolean inline = unique.size() <= 1
          || (Thread.currentThread() instanceof Worker w && w.store == this);
      if (inline) {
        for (String n : unique) {
          out.put(n, withName(n, () -> reader.retrieve(n, query)));
        }
        return out;
      }
      Map<String, CompletableFuture<Result>> futures = new LinkedHashMap<>();
      for (String n : unique) {
        futures.put(n, submit(n, query));
      }
      try {
        for (Map.Entry<String, CompletableFuture<Result>> e : futures.entrySet()) {
          out.put(e.getKey(), join(e.getKey(), e.getValue()));
        }
      } catch (RuntimeException e) {
        for (CompletableFuture<Result> f : futures.values()) {
          f.cancel(false);
        }
        throw e;
      }
      return out;
    } finally {
      exit();
    }
  }

  private static Result join(String name, CompletableFuture<Result> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw named(name, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataStoreException("interrupted while reading dataset '" + name + "'", e);
    } catch (CancellationException e) {
      throw new DataStoreException("the read of dataset '" + name + "' was cancelled", e);
    }
  }

  private static Result withName(String name, java.util.function.Supplier<Result> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      throw named(name, e);
    }
  }

  /** The failure of one dataset of a batch read, as a DataStoreException whose message names it. */
  private static RuntimeException named(String name, Throwable t) {
    if (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof DataStoreException d) {
      String msg = d.getMessage() == null ? d.toString() : d.getMessage();
      if (d instanceof StoreClosedException || msg.contains("'" + name + "'")) {
        return d;
      }
      String named = "dataset '" + name + "': " + msg;
      if (d instanceof org.optstore.SchemaException) {
        return new org.optstore.SchemaException(named, d);
      }
      if (d instanceof org.optstore.CorruptDataException) {
        return new org.optstore.CorruptDataException(named, d);
      }
      if (d instanceof org.optstore.FormatUnavailableException) {
        return new org.optstore.FormatUnavailableException(named, d);
      }
      if (d instanceof org.optstore.DatasetNotFoundException) {
        return new org.optstore.DatasetNotFoundException(named, d);
      }
      if (d instanceof InvalidArgumentException) {
        return new InvalidArgumentException(named, d);
      }
      if (d instanceof InvalidConfigException) {
        return new InvalidConfigException(named, d);
      }
      return new DataStoreException(named, d);
    }
    if (t instanceof Error err) {
      throw err;
    }
    return new DataStoreException("reading dataset '" + name + "' failed: " + t, t);
  }

  private CompletableFuture<Result> submit(String name, Query query) {
    CompletableFuture<Result> f = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        if (f.isDone()) {
          return; // cancelled while queued
        }
        try {
          f.complete(retrieve(name, query));
        } catch (Throwable t) {
          f.completeExceptionally(t);
        }
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(closedException());
    }
    return f;
  }

  @Override
  public CompletableFuture<Result> retrieveAsync(String name, Query query) {
    Objects.requireNonNull(query, "query");
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    return submit(name, query);
  }

  @Override
  public List<DatasetInfo> list() {
    enter();
    try {
      List<DatasetInfo> out = new ArrayList<>();
      for (Manifest m : catalog.live()) {
        out.add(m.toInfo());
      }
      return out;
    } finally {
      exit();
    }
  }

  @Override
  public DatasetInfo info(String name) {
    enter();
    try {
      return catalog.current(name).toInfo();
    } finally {
      exit();
    }
  }

  @Override
  public void refresh() {
    enter();
    try {
      catalog.refresh();
    } finally {
      exit();
    }
  }

  // ---- items ----

  /** Opens the item store on the first item call; only a writable store serves items. */
  private ItemStore items() {
    if (writer == null) {
      throw new InvalidConfigException("the item store of " + base + " cannot be used by a "
          + "read-only store: Chronicle Map maps its file read-write and keeps locks in it; open "
          + "the store writable (readOnly(false)) to put or get items");
    }
    synchronized (itemsLock) {
      if (items == null) {
        items = ItemStore.open(base.resolve("items"));
      }
      return items;
    }
  }

  @Override
  public void putItem(String id, Map<String, ?> item) {
    enter();
    try {
      items().put(id, item);
    } finally {
      exit();
    }
  }

  @Override
  public Optional<Map<String, Object>> getItem(String id) {
    enter();
    try {
      return items().get(id);
    } finally {
      exit();
    }
  }

  @Override
  public boolean deleteItem(String id) {
    enter();
    try {
      return items().delete(id);
    } finally {
      exit();
    }
  }

  @Override
  public Map<String, Map<String, Object>> batchGetItems(Collection<String> ids) {
    Objects.requireNonNull(ids, "ids");
    enter();
    try {
      return items().batchGet(ids, config.batchSize(), executor);
    } finally {
      exit();
    }
  }

  @Override
  public CacheStats cacheStats() {
    enter();
    try {
      return reader.cacheStats();
    } finally {
      exit();
    }
  }

  @Override
  public String toString() {
    return "DataStore[" + base + (writer == null ? ", read-only" : "") + (closed ? ", closed" : "")
        + "]";
  }
}
