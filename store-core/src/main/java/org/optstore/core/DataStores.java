package org.optstore.core;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.optstore.CacheStats;
import org.optstore.DataStore;
import org.optstore.DataStoreException;
import org.optstore.DatasetInfo;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.InvalidConfigException;
import org.optstore.Query;
import org.optstore.Result;
import org.optstore.StoreClosedException;
import org.optstore.WriteOptions;
import org.optstore.core.io.IoInterceptor;

/**
 * Opens {@link DataStore}s: the entry point of the engine.
 *
 * <p>{@link #open} gives a store of its own. A writable store holds the base path's {@code LOCK}
 * for its whole life: a second writable open of the same base path, in this process or another,
 * fails at once with an {@link InvalidConfigException} naming the holder's pid. Read-only stores
 * ({@code readOnly(true)}) take no lock, never write, and see new versions within a second or
 * after {@link DataStore#refresh()}.
 *
 * <p>{@link #shared} is the Python original's {@code get_instance}: one live store per base path
 * in this JVM. Each call returns a handle to it; closing a handle closes only that handle (it then
 * throws {@link StoreClosedException}), and the store itself closes, releasing its lock, when its
 * last handle closes. A later {@code shared} call opens it anew; while that close still waits for
 * operations in flight, the call waits for it to finish first. Asking for a live base path with a
 * different configuration is an {@link InvalidConfigException}.
 *
 * <p>Storage formats are what {@link java.util.ServiceLoader} finds on the class path of this
 * class's loader.
 */
public final class DataStores {
  private static final Map<Path, SharedStore> SHARED = new HashMap<>();

  private DataStores() {}

  /**
   * Opens a store of its own; close it when done.
   *
   * @param config the configuration
   * @return the store
   * @throws InvalidConfigException when the base path is locked by another writer, does not exist
   *     for a read-only store, or the codec does not fit the chosen format
   * @throws org.optstore.FormatUnavailableException when no storage format is available
   */
  public static DataStore open(StoreConfig config) {
    return open(config, DataStores.class.getClassLoader(), IoInterceptor.NONE);
  }

  static DataStore open(StoreConfig config, ClassLoader formats, IoInterceptor io) {
    Objects.requireNonNull(config, "config");
    return LocalDataStore.open(config, formats, io);
  }

  /**
   * Returns a handle to the one live store of the config's base path in this JVM, opening it when
   * there is none. When the store's last handle was closed and the store is still closing (its
   * close waits for operations in flight), this waits until it has closed and opens it anew.
   *
   * @param config the configuration
   * @return a handle; closing it releases this handle only
   * @throws InvalidConfigException when the base path's live store has another configuration
   */
  public static DataStore shared(StoreConfig config) {
    return shared(config, DataStores.class.getClassLoader());
  }

  static DataStore shared(StoreConfig config, ClassLoader formats) {
    Objects.requireNonNull(config, "config");
    Path key = config.normalizedBasePath();
    while (true) {
      CompletableFuture<Void> closing;
      synchronized (SHARED) {
        SharedStore s = SHARED.get(key);
        if (s == null) {
          s = new SharedStore(key, LocalDataStore.open(config, formats, IoInterceptor.NONE));
          SHARED.put(key, s);
        }
        closing = s.closing;
        if (closing == null) {
          if (!s.store.config().sameSettingsAs(config)) {
            throw new InvalidConfigException("the shared store at " + key + " is open with "
                + s.store.config() + ", not " + config + "; use the same configuration, or close "
                + "its handles first");
          }
          s.handles++;
          return new Handle(s);
        }
      }
      // its last handle closed and the store is still closing (waiting for reads in flight):
      // its lock is only released at the end, so wait for that outside SHARED, then open anew
      awaitClosed(key, closing);
    }
  }

  private static void awaitClosed(Path key, CompletableFuture<Void> closing) {
    try {
      closing.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataStoreException("interrupted while waiting for the shared store at " + key
          + " to finish closing; ask DataStores.shared again", e);
    } catch (ExecutionException e) {
      throw new AssertionError("the close marker never fails", e);
    }
  }

  /** A store shared by handles, closed with its last handle. */
  private static final class SharedStore {
    final Path key;
    final LocalDataStore store;
    int handles; // guarded by SHARED
    // set when the last handle closed; completed (and the entry removed) once the store closed
    CompletableFuture<Void> closing; // guarded by SHARED

    SharedStore(Path key, LocalDataStore store) {
      this.key = key;
      this.store = store;
    }

    void release() {
      CompletableFuture<Void> done = null;
      synchronized (SHARED) {
        if (--handles == 0) {
          closing = new CompletableFuture<>();
          done = closing;
        }
      }
      if (done == null) {
        return;
      }
      try {
        store.close();
      } finally {
        synchronized (SHARED) {
          SHARED.remove(key, this);
        }
        done.complete(null);
      }
    }
  }

  /** One caller's handle on a shared store. */
  private static final class Handle implements DataStore {
    private final SharedStore shared;
    private volatile boolean closed;

    Handle(SharedStore shared) {
      this.shared = shared;
    }

    private DataStore s() {
      if (closed) {
        throw new StoreClosedException("this handle on the shared store at " + shared.key
            + " is closed; get a new one with DataStores.shared");
      }
      return shared.store;
    }

    @Override
    public DatasetInfo storeRecords(String name, List<? extends Map<String, ?>> records,
        Map<String, ?> metadata) {
      return s().storeRecords(name, records, metadata);
    }

    @Override
    public DatasetInfo storeRecords(String name, List<? extends Map<String, ?>> records,
        Map<String, ?> metadata, WriteOptions options) {
      return s().storeRecords(name, records, metadata, options);
    }

    @Override
    public DatasetInfo store(String name, Frame frame, Map<String, ?> metadata) {
      return s().store(name, frame, metadata);
    }

    @Override
    public DatasetInfo store(String name, Frame frame, Map<String, ?> metadata,
        WriteOptions options) {
      return s().store(name, frame, metadata, options);
    }

    @Override
    public DatasetInfo store(String name, FrameStream batches, Map<String, ?> metadata,
        WriteOptions options) {
      return s().store(name, batches, metadata, options);
    }

    @Override
    public DatasetInfo importFile(String name, Path file) {
      return s().importFile(name, file);
    }

    @Override
    public DatasetInfo importFile(String name, Path file, WriteOptions options) {
      return s().importFile(name, file, options);
    }

    @Override
    public Result retrieve(String name) {
      return s().retrieve(name);
    }

    @Override
    public Result retrieve(String name, Query query) {
      return s().retrieve(name, query);
    }

    @Override
    public FrameStream scan(String name, Query query) {
      return s().scan(name, query);
    }

    @Override
    public Result retrieveFiltered(String name, Function<Frame, Frame> filter) {
      return s().retrieveFiltered(name, filter);
    }

    @Override
    public Map<String, Result> retrieveAll(Collection<String> names, Query query) {
      return s().retrieveAll(names, query);
    }

    @Override
    public CompletableFuture<Result> retrieveAsync(String name, Query query) {
      return s().retrieveAsync(name, query);
    }

    @Override
    public void putItem(String id, Map<String, ?> item) {
      s().putItem(id, item);
    }

    @Override
    public Optional<Map<String, Object>> getItem(String id) {
      return s().getItem(id);
    }

    @Override
    public boolean deleteItem(String id) {
      return s().deleteItem(id);
    }

    @Override
    public Map<String, Map<String, Object>> batchGetItems(Collection<String> ids) {
      return s().batchGetItems(ids);
    }

    @Override
    public List<DatasetInfo> list() {
      return s().list();
    }

    @Override
    public DatasetInfo info(String name) {
      return s().info(name);
    }

    @Override
    public boolean delete(String name) {
      return s().delete(name);
    }

    @Override
    public CacheStats cacheStats() {
      return s().cacheStats();
    }

    @Override
    public void refresh() {
      s().refresh();
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      shared.release();
    }

    @Override
    public String toString() {
      return "shared " + shared.store + (closed ? " (handle closed)" : "");
    }
  }
}
