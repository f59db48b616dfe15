package org.optstore.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.optstore.CacheStats;
import org.optstore.Column;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.Schema;
import org.optstore.StringColumn;
import org.optstore.StringDictionary;
import org.optstore.spi.FormatReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's read cache: open format readers per dataset version, and decoded column blocks per
 * (dataset, version, column, block).
 *
 * <p>Caffeine bounds a cache by count or by weight, not both, so the bounds are composed:
 *
 * <ul>
 *   <li>readers, keyed by {@link VersionKey}, are bounded by count ({@code maxEntries}, the
 *       datasets held); evicting a reader also drops every block read through it;
 *   <li>blocks, keyed by their reader entry, column and block number, are bounded by weight
 *       ({@code maxBytes}, each block weighing {@link Column#sizeInBytes()}; a dictionary shared by
 *       the blocks of a column is counted once).
 * </ul>
 *
 * <p>Admission: a read whose blocks not yet cached would weigh more than an eighth of {@code
 * maxBytes} is not answered through the cache on its first request; its blocks are
 * remembered, and a later read that asks for them again caches them. A one-off large scan (R0 of
 * the reference workload, 290 MB at 10M rows) thus neither evicts the cache's working set nor
 * leaves 290 MB of freshly cached arrays for the next young collections to copy (measured on
 * 10M rows, load 7: 270 ms of extra process CPU and 580 ms of pauses after a first R0 that
 * cached), and costs what it costs without a cache; a repeated one is cached on its second
 * request.
 *
 * <p>Both expire {@code ttl} after they were loaded. Concurrent misses on one key load it once (the
 * others wait for that load). A version superseded by a newer one (a write, a rebuild, a delete,
 * or a newer manifest seen by a read) is dropped at once, and a read that still works on an older
 * version than the newest one seen gets a reader of its own that is never cached, so an old
 * version can never be served from the cache after a newer one became current.
 *
 * <p>{@code maxBytes == 0} turns the data cache off: no block is cached, but open readers are
 * still kept (up to {@code maxEntries}), so that a read neither reopens nor re-verifies its file;
 * each read is answered by the format itself. {@code maxEntries == 0} turns the cache off
 * altogether: every read opens its own reader and closes it afterwards, and nothing is counted.
 * Thread-safe.
 */
public final class ReadCache {
  private static final Logger LOG = LoggerFactory.getLogger(ReadCache.class);
  private static final CacheStats NOTHING = new CacheStats(0, 0, 0, 0, 0, 0);
  /** A read may add {@code maxBytes / ADMIT_DIVISOR} to the cache on its first request. */
  static final int ADMIT_DIVISOR = 8;

  private final boolean enabled;
  private final Cache<VersionKey, ReaderEntry> readers;
  private final Cache<BlockKey, CachedBlock> blocks; // null when the data cache is off
  /** The most bytes of new blocks a read caches on its first request. */
  private final long admitBytes;
  /** Per dataset, the newest version any read or commit has shown this cache. */
  private final Map<String, VersionKey> newest = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param maxBytes the most bytes of decoded blocks held; 0 caches no blocks (readers only)
   * @param maxEntries the most open readers (dataset versions) held; 0 turns the cache off
   * @param ttl how long an entry lives after it was loaded; null for no expiry
   * @return the cache
   */
  public static ReadCache create(long maxBytes, int maxEntries, Duration ttl) {
    return new ReadCache(maxBytes, maxEntries, ttl, Ticker.systemTicker());
  }

  /** The constructor with a clock of the caller's, so that expiry can be tested without waiting. */
  ReadCache(long maxBytes, int maxEntries, Duration ttl, Ticker ticker) {
    if (maxBytes < 0 || maxEntries < 0 || (ttl != null && (ttl.isNegative() || ttl.isZero()))) {
      throw new IllegalArgumentException("cache bounds must not be negative and a TTL must be "
          + "positive: bytes " + maxBytes + ", entries " + maxEntries + ", ttl " + ttl);
    }
    this.enabled = maxEntries > 0;
    this.admitBytes = maxBytes / ADMIT_DIVISOR;
    if (!enabled) {
      this.readers = null;
      this.blocks = null;
      return;
    }
    Caffeine<Object, Object> r = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .ticker(ticker)
        .executor(Runnable::run) // removal work on the caller's thread: readers close promptly
        .recordStats();
    if (ttl != null) {
      r.expireAfterWrite(ttl);
    }
    if (maxBytes > 0) {
      Caffeine<Object, Object> b = Caffeine.newBuilder()
          .maximumWeight(maxBytes)
          .ticker(ticker)
          .executor(Runnable::run)
          .recordStats();
      if (ttl != null) {
        b.expireAfterWrite(ttl);
      }
      this.blocks = b.<BlockKey, CachedBlock>weigher((k, v) -> v.weight())
          .<BlockKey, CachedBlock>removalListener((k, v, cause) -> {
            if (k != null) {
              k.owner().cachedBlocks.remove(k);
            }
          })
          .build();
    } else {
      this.blocks = null;
    }
    this.readers = r.<VersionKey, ReaderEntry>removalListener(this::readerRemoved).build();
  }

  private void readerRemoved(VersionKey key, ReaderEntry entry, RemovalCause cause) {
    if (entry == null) {
      return;
    }
    entry.retire();
    List<BlockKey> keys = List.copyOf(entry.cachedBlocks);
    if (!keys.isEmpty() && blocks != null) {
      blocks.invalidateAll(keys);
    }
    LOG.debug("dropped the reader of {} ({}) and {} cached blocks", key, cause, keys.size());
  }

  /** @return whether the cache holds anything at all (false when it was configured off) */
  public boolean enabled() {
    return enabled;
  }

  /** @return whether decoded blocks are cached (false when {@code maxBytes} is 0) */
  public boolean cachesBlocks() {
    return blocks != null;
  }

  /**
   * A lease on the open reader of a dataset version: the cached one, or one opened now (once,
   * however many threads ask at the same time). The caller closes the lease, never the reader.
   *
   * @param key the version
   * @param cacheBlocks whether reads through this reader should cache its blocks (the format has
   *     block reads and returns no zero-copy mappings); ignored when the data cache is off
   * @param open opens the reader; its exceptions propagate and nothing is cached
   * @return the lease
   */
  public CachedReader reader(VersionKey key, boolean cacheBlocks, Supplier<FormatReader> open) {
    if (!enabled || closed || !isNewest(key)) {
      return transientReader(key, open);
    }
    for (int attempt = 0; attempt < 3; attempt++) {
      ReaderEntry[] loaded = new ReaderEntry[1];
      ReaderEntry e = readers.get(key, k -> {
        FormatReader fr = open.get();
        try {
          ReaderEntry n = new ReaderEntry(k, fr, cacheBlocks && blocks != null);
          n.tryAcquire(); // the loading thread's own lease, before anyone can evict it
          loaded[0] = n;
          return n;
        } catch (RuntimeException ex) {
          fr.close();
          throw ex;
        }
      });
      if (e == loaded[0] || e.tryAcquire()) {
        return new CachedReader(this, e, e.cachesBlocks && !e.isRetired());
      }
      // evicted and closed between the lookup and the lease: look again
    }
    return transientReader(key, open);
  }

  private static CachedReader transientReader(VersionKey key, Supplier<FormatReader> open) {
    ReaderEntry e = new ReaderEntry(key, open.get(), false);
    e.tryAcquire();
    e.retire(); // closed when the lease is returned
    return new CachedReader(null, e, false);
  }

  /** Records {@code key} as seen; false when a newer version of its dataset was seen before. */
  private boolean isNewest(VersionKey key) {
    VersionKey cur = newest.get(key.dataset());
    if (key.equals(cur)) {
      return true;
    }
    VersionKey[] before = new VersionKey[1];
    VersionKey now = newest.compute(key.dataset(), (d, c) -> {
      before[0] = c;
      boolean replacesMarker = c != null && c.checksum().isEmpty() && !c.supersedes(key);
      return c == null || key.supersedes(c) || replacesMarker ? key : c;
    });
    if (!now.equals(key)) {
      return !now.supersedes(key);
    }
    if (before[0] != null) {
      dropOlderThan(key);
    }
    return true;
  }

  /**
   * Drops every cached reader and block of versions of a dataset older than the given one (a
   * commit of a new version, a rebuild or a delete), and keeps reads of those from being cached
   * again.
   *
   * @param dataset the dataset
   * @param version the version just committed (a tombstone's for a delete)
   * @param generation its rebuild generation
   */
  public void supersede(String dataset, long version, int generation) {
    if (!enabled) {
      return;
    }
    VersionKey marker = new VersionKey(dataset, version, generation, "");
    newest.compute(dataset, (d, c) -> c == null || marker.supersedes(c) ? marker : c);
    dropOlderThan(marker);
  }

  /**
   * Drops every cached reader and block of a dataset found deleted (by another process: this
   * store's own deletes arrive through {@link #supersede}).
   *
   * @param dataset the dataset
   */
  public void forget(String dataset) {
    if (!enabled) {
      return;
    }
    newest.remove(dataset);
    List<VersionKey> old = new ArrayList<>();
    for (VersionKey k : readers.asMap().keySet()) {
      if (k.dataset().equals(dataset)) {
        old.add(k);
      }
    }
    if (!old.isEmpty()) {
      readers.invalidateAll(old);
    }
  }

  private void dropOlderThan(VersionKey key) {
    List<VersionKey> old = new ArrayList<>();
    for (VersionKey k : readers.asMap().keySet()) {
      if (key.supersedes(k)) {
        old.add(k);
      }
    }
    if (!old.isEmpty()) {
      readers.invalidateAll(old);
    }
  }

  /**
   * Drops one version's reader and blocks, e.g. after its file failed a check.
   *
   * @param key the version
   */
  public void invalidate(VersionKey key) {
    if (enabled) {
      readers.invalidate(key);
    }
  }

  /**
   * The admission rule (see the class comment): whether a read of these blocks and columns goes
   * through the cache. When it does not, its blocks are remembered so that the next read asking
   * for them is admitted.
   *
   * @param e the reader entry (leased by the caller)
   * @param plan the positions of the blocks to read, in the entry's index
   * @param columns the columns to read
   * @return whether to read through the cache
   */
  boolean admits(ReaderEntry e, int[] plan, Schema columns) {
    long fresh = 0;
    for (int c = 0; c < columns.size(); c++) {
      String name = columns.field(c).name();
      int width = bytesPerValue(columns.field(c).type());
      for (int pos : plan) {
        BlockKey k = new BlockKey(e, name, e.blockIds[pos]);
        if (!blocks.asMap().containsKey(k) && !e.seenBlocks.contains(k)) {
          fresh += (long) width * e.blockRows[pos];
        }
      }
    }
    if (fresh <= admitBytes) {
      return true;
    }
    for (int c = 0; c < columns.size(); c++) {
      String name = columns.field(c).name();
      for (int pos : plan) {
        e.seenBlocks.add(new BlockKey(e, name, e.blockIds[pos]));
      }
    }
    LOG.debug("{}: a read of {} blocks would cache about {} new bytes, more than {} (an eighth "
        + "of the cache); answered without caching, cached if asked again", e.key, plan.length,
        fresh, admitBytes);
    return false;
  }

  /** The decoded bytes per value of a type (string codes; dictionaries are not counted). */
  private static int bytesPerValue(ColumnType type) {
    switch (type) {
      case TIMESTAMP:
      case INT64:
      case FLOAT64:
        return 8;
      case BOOL:
        return 1;
      default:
        return 4;
    }
  }

  /**
   * One column of one block through the cache.
   *
   * @param e the reader entry (leased by the caller)
   * @param pos the block's position in the entry's index
   * @param column the column
   * @param type its type in the dataset's schema
   * @return the block's values
   */
  Column block(ReaderEntry e, int pos, String column, ColumnType type) {
    BlockKey k = new BlockKey(e, column, e.blockIds[pos]);
    CachedBlock b = blocks.get(k, key -> load(e, pos, column, type, key));
    if (e.isRetired()) {
      blocks.invalidate(k); // the reader was dropped while this block loaded
    }
    return b.column();
  }

  private static CachedBlock load(ReaderEntry e, int pos, String column, ColumnType type,
      BlockKey key) {
    Column c = e.reader.readBlock(e.blockIds[pos], column);
    if (c.size() != e.blockRows[pos] || c.type() != type) {
      throw new CorruptDataException(e.key.dataset() + " version " + e.key.version() + ": block "
          + e.blockIds[pos] + " of column '" + column + "' was read as " + c.size() + " "
          + c.type() + " values, but the block index says " + e.blockRows[pos] + " " + type
          + " values; rebuild the version from its raw copy");
    }
    long w = c.sizeInBytes();
    if (c instanceof StringColumn s) {
      StringDictionary d = s.dictionary();
      StringDictionary charged = e.chargedDictionaries.putIfAbsent(column, d);
      if (charged == d) {
        w -= d.sizeInBytes(); // the file-wide dictionary is counted with the first block only
      }
    }
    e.cachedBlocks.add(key);
    return new CachedBlock(c, (int) Math.min(Integer.MAX_VALUE, Math.max(1, w)));
  }

  /** @return the counters since the cache was created, and what it holds now */
  public CacheStats stats() {
    if (!enabled) {
      return NOTHING;
    }
    if (blocks != null) {
      blocks.cleanUp(); // blocks first, so that expired blocks count as evictions of their own
    }
    readers.cleanUp();
    com.github.benmanes.caffeine.cache.stats.CacheStats r = readers.stats();
    if (blocks == null) {
      return new CacheStats(r.hitCount(), r.missCount(), r.evictionCount(), r.totalLoadTime(), 0,
          readers.estimatedSize());
    }
    com.github.benmanes.caffeine.cache.stats.CacheStats b = blocks.stats();
    long bytes = blocks.policy().eviction().map(Policy.Eviction::weightedSize)
        .map(w -> w.orElse(0)).orElse(0L);
    return new CacheStats(r.hitCount() + b.hitCount(), r.missCount() + b.missCount(),
        r.evictionCount() + b.evictionCount(), r.totalLoadTime() + b.totalLoadTime(), bytes,
        readers.estimatedSize() + blocks.estimatedSize());
  }

  /** Drops everything; readers close as their last leases are returned. */
  public void close() {
    closed = true;
    if (enabled) {
      readers.invalidateAll();
      if (blocks != null) {
        blocks.invalidateAll();
      }
    }
  }
}
