package org.optstore.core.cache;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.optstore.CorruptDataException;
import org.optstore.StringDictionary;
import org.optstore.TimeRange;
import org.optstore.spi.Block;
import org.optstore.spi.FormatReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open reader held by the cache, with the index of its blocks and the keys of its cached
 * blocks. Reads take a lease on it; once it is evicted or invalidated ("retired") its reader is
 * closed as soon as the last lease is returned, so a read in progress never sees it closed.
 * Identity-equal: blocks are keyed by their entry, so a retired entry's blocks can never be found
 * again, even by a read that still holds a lease on it.
 */
final class ReaderEntry {
  private static final Logger LOG = LoggerFactory.getLogger(ReaderEntry.class);

  final VersionKey key;
  final FormatReader reader;
  /** Whether the engine caches this reader's blocks (block reads, no zero-copy mapping). */
  final boolean cachesBlocks;
  /** The non-empty blocks: their numbers in the reader, first rows, sizes and time bounds. */
  final int[] blockIds;
  final int[] blockRows;
  final long[] minTime;
  final long[] maxTime;
  /** Whether the blocks' minima and maxima are both non-decreasing (binary search applies). */
  final boolean blocksInTimeOrder;
  final Set<BlockKey> cachedBlocks = ConcurrentHashMap.newKeySet();
  /** Blocks a read asked for but did not cache (see the admission rule of {@link ReadCache}). */
  final Set<BlockKey> seenBlocks = ConcurrentHashMap.newKeySet();
  /** Per column, the dictionary whose bytes a cached block of this entry already carries. */
  final Map<String, StringDictionary> chargedDictionaries = new ConcurrentHashMap<>();
  /** Leases held, or -1 once the reader is closed. */
  private final AtomicInteger leases = new AtomicInteger();
  private volatile boolean retired;

  ReaderEntry(VersionKey key, FormatReader reader, boolean cachesBlocks) {
    this.key = key;
    this.reader = reader;
    if (!cachesBlocks) {
      this.cachesBlocks = false;
      this.blockIds = new int[0];
      this.blockRows = new int[0];
      this.minTime = new long[0];
      this.maxTime = new long[0];
      this.blocksInTimeOrder = false;
      return;
    }
    List<Block> blocks = reader.blocks();
    int n = 0;
    for (Block b : blocks) {
      n += b.rowCount() > 0 ? 1 : 0;
    }
    this.cachesBlocks = true;
    this.blockIds = new int[n];
    this.blockRows = new int[n];
    this.minTime = new long[n];
    this.maxTime = new long[n];
    long next = 0;
    boolean ordered = true;
    int k = 0;
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      if (b.firstRow() != next || b.rowCount() < 0) {
        throw new CorruptDataException(key.dataset() + " version " + key.version() + ": block "
            + i + " of its data file starts at row " + b.firstRow() + " with " + b.rowCount()
            + " rows, but the blocks before it end at row " + next + "; the format's block "
            + "index is inconsistent: rebuild the version from its raw copy");
      }
      next += b.rowCount();
      if (b.rowCount() == 0) {
        continue;
      }
      blockIds[k] = i;
      blockRows[k] = b.rowCount();
      minTime[k] = b.minTimeMicros();
      maxTime[k] = b.maxTimeMicros();
      if (k > 0) {
        ordered &= minTime[k] >= minTime[k - 1] && maxTime[k] >= maxTime[k - 1];
      }
      k++;
    }
    if (next != reader.rowCount()) {
      throw new CorruptDataException(key.dataset() + " version " + key.version() + ": the blocks "
          + "of its data file hold " + next + " rows but the file has " + reader.rowCount()
          + "; rebuild the version from its raw copy");
    }
    this.blocksInTimeOrder = ordered;
  }

  /** @return the positions (into {@link #blockIds}) of the blocks that may hold rows of a range */
  int[] overlapping(TimeRange range, boolean restricted) {
    int n = blockIds.length;
    if (!restricted) {
      return span(0, n);
    }
    if (range.isEmpty()) {
      return new int[0];
    }
    if (blocksInTimeOrder) {
      // the first block whose maximum reaches the start, up to the first whose minimum reaches
      // the end: two binary searches over the block bounds
      int lo = range.hasFrom() ? firstAtLeast(maxTime, range.fromMicros()) : 0;
      int hi = range.hasTo() ? firstAtLeast(minTime, range.toMicros()) : n;
      return span(lo, Math.max(lo, hi));
    }
    int[] out = new int[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (range.overlaps(minTime[i], maxTime[i])) {
        out[k++] = i;
      }
    }
    return java.util.Arrays.copyOf(out, k);
  }

  private static int firstAtLeast(long[] sorted, long key) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static int[] span(int from, int to) {
    int[] out = new int[to - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
  }

  /** @return whether every row of block position {@code i} lies inside the range */
  boolean inside(int i, TimeRange range, boolean restricted) {
    return !restricted || (range.contains(minTime[i]) && range.contains(maxTime[i]));
  }

  /** @return a lease, or false when the reader is already closed */
  boolean tryAcquire() {
    for (;;) {
      int n = leases.get();
      if (n < 0) {
        return false;
      }
      if (leases.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (leases.decrementAndGet() == 0 && retired) {
      closeIfIdle();
    }
  }

  /** No later read will find this entry: close the reader once its leases are returned. */
  void retire() {
    retired = true;
    closeIfIdle();
  }

  boolean isRetired() {
    return retired;
  }

  private void closeIfIdle() {
    if (leases.compareAndSet(0, -1)) {
      try {
        reader.close();
      } catch (RuntimeException e) {
        LOG.debug("closing the reader of {} version {} failed: {}", key.dataset(), key.version(),
            e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "ReaderEntry[" + key + (retired ? ", retired" : "") + "]";
  }
}
