package org.optstore.format.parquet;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.optstore.DataStoreException;

/**
 * One read of one file: prunes row groups and pages by statistics, cuts a sorted time column by
 * binary search, evaluates the filter on the surviving rows, and gathers the projected columns.
 * Row groups are scanned in parallel when a pool is given.
 */
final class ParquetScan {
  private static final int SEGMENT = 1 << 16;

  private final ParquetFileIndex file;
  private final int[] projection;
  private final int timeColumn;
  private final long from;
  private final long to;
  private final boolean timeSorted;
  private final RowFilter filter;

  /** Pages decoded by the last run, over all columns (what pruning left to read). */
  private final java.util.concurrent.atomic.AtomicLong pagesDecoded = new java.util.concurrent.atomic.AtomicLong();

  long pagesDecoded() {
    return pagesDecoded.get();
  }

  ParquetScan(ParquetFileIndex file, int[] projection, int timeColumn, long from, long to, boolean timeSorted,
      RowFilter filter) {
    this.file = file;
    this.projection = projection;
    this.timeColumn = timeColumn;
    this.from = from;
    this.to = to;
    this.timeSorted = timeSorted;
    this.filter = filter;
  }

  ReadColumn[] run(ExecutorService pool) throws IOException {
    return run(pool, 0, file.groups.length);
  }

  /**
   * Reads row groups {@code [firstGroup, endGroup)}. With a pool, helpers claim row groups from a
   * shared counter while this thread does too, so a busy pool never stalls the read.
   */
  ReadColumn[] run(ExecutorService pool, int firstGroup, int endGroup) throws IOException {
    int groups = endGroup - firstGroup;
    ReadColumn[][] parts = new ReadColumn[Math.max(groups, 0)][];
    if (pool == null || groups <= 1) {
      Worker w = new Worker();
      for (int g = 0; g < groups; g++) {
        parts[g] = w.group(firstGroup + g);
      }
      return concat(java.util.Arrays.asList(parts));
    }
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    Throwable[] failure = new Throwable[1];
    Object lock = new Object();
    Runnable work = () -> {
      Worker w = new Worker();
      int g;
      while ((g = next.getAndIncrement()) < groups) {
        try {
          if (failure[0] == null) {
            parts[g] = w.group(firstGroup + g);
          }
        } catch (IOException | RuntimeException e) {
          synchronized (lock) {
            if (failure[0] == null) {
              failure[0] = e;
            }
          }
        } finally {
          if (done.incrementAndGet() == groups) {
            synchronized (lock) {
              lock.notifyAll();
            }
          }
        }
      }
    };
    int helpers = Math.min(groups - 1, Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
    for (int h = 0; h < helpers; h++) {
      pool.execute(work);
    }
    work.run();
    synchronized (lock) {
      while (done.get() < groups) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DataStoreException("read of " + file.in.path() + " was interrupted; the reader stays usable,"
              + " retry the read", e);
        }
      }
    }
    Throwable f = failure[0];
    if (f instanceof IOException) {
      throw (IOException) f;
    }
    if (f instanceof RuntimeException) {
      throw (RuntimeException) f;
    }
    return concat(java.util.Arrays.asList(parts));
  }

  private ReadColumn[] concat(List<ReadColumn[]> parts) {
    ReadColumn[] out = new ReadColumn[projection.length];
    int total = 0;
    for (ReadColumn[] p : parts) {
      if (p != null) {
        total += p.length == 0 || p[0] == null ? 0 : p[0].size;
      }
    }
    for (int c = 0; c < projection.length; c++) {
      ColumnMapping m = file.mappings.get(projection[c]);
      ReadColumn first = null;
      for (ReadColumn[] p : parts) {
        if (p != null && p[c].size > 0) {
          first = p[c];
          break;
        }
      }
      if (first != null && first.size == total) {
        out[c] = first; // a single part: no copy
        continue;
      }
      ReadColumn r = new ReadColumn(m.name, m.kind, total);
      for (ReadColumn[] p : parts) {
        if (p != null) {
          r.appendAll(p[c]);
        }
      }
      out[c] = r;
    }
    return out;
  }

  /** Per-thread state: cursors and scratch, reused across row groups. */
  private final class Worker {
    final ColumnCursor[] cursors = new ColumnCursor[file.descriptors.size()];
    final RowFilter.Scratch scratch = new RowFilter.Scratch();
    byte[] result = new byte[SEGMENT];
    int[] sel = new int[SEGMENT];

    ColumnCursor cursor(int c, ParquetFileIndex.RowGroup rg) throws IOException {
      ColumnCursor cur = cursors[c];
      if (cur == null) {
        cur = new ColumnCursor(file.in, file.descriptors.get(c), rg.codecs[c], file.mappings.get(c));
        cursors[c] = cur;
      }
      PageTable t = file.pages(rg.ordinal, c);
      if (cur.table() != t) {
        cur.reset(t);
      }
      return cur;
    }

    ReadColumn[] group(int g) throws IOException {
      try {
        return scanGroup(g);
      } finally {
        long n = 0;
        for (ColumnCursor c : cursors) {
          n += c == null ? 0 : c.takeDecodedPages();
        }
        pagesDecoded.addAndGet(n);
      }
    }

    private ReadColumn[] scanGroup(int g) throws IOException {
      ParquetFileIndex.RowGroup rg = file.groups[g];
      ReadColumn[] out = new ReadColumn[projection.length];
      RowRanges ranges = RowRanges.of(0, rg.rows);
      RowFilter f = filter;
      if (timeColumn >= 0 && (from != Long.MIN_VALUE || to != Long.MAX_VALUE)) {
        PageStats ts = file.stats(g, timeColumn);
        boolean cut = timeSorted && ts.pages > 0 && allMinMax(ts);
        if (cut && (ts.maxL[ts.pages - 1] < from || ts.minL[0] >= to)) {
          ranges = RowRanges.of(0, 0); // the whole row group lies outside the range
        } else if (cut && ts.pages == file.pages(g, timeColumn).count) {
          long lo = lowerBound(rg, ts, from);
          long hi = to == Long.MAX_VALUE ? rg.rows : lowerBound(rg, ts, to);
          ranges = RowRanges.of(lo, hi);
        } else {
          RowFilter range = new RowFilter.And(
              LeafFilter.number(timeColumn, file.mappings.get(timeColumn).kind, RowFilter.Op.GE, from, from),
              LeafFilter.number(timeColumn, file.mappings.get(timeColumn).kind, RowFilter.Op.LT, to, to));
          f = f == null ? range : new RowFilter.And(range, f);
        }
      }
      if (f != null && !ranges.isEmpty()) {
        boolean[] used = new boolean[cursors.length];
        f.columns(used);
        PageStats[] stats = new PageStats[cursors.length];
        for (int c = 0; c < used.length; c++) {
          if (used[c]) {
            stats[c] = file.stats(g, c);
          }
        }
        ranges = ranges.intersect(f.prune(stats, rg.rows));
      }
      long capacity = f == null ? ranges.rowCount() : Math.min(ranges.rowCount(), 1024);
      for (int c = 0; c < projection.length; c++) {
        ColumnMapping m = file.mappings.get(projection[c]);
        out[c] = new ReadColumn(m.name, m.kind, (int) capacity);
      }
      if (ranges.isEmpty()) {
        return out;
      }
      int driver = f != null ? firstColumn(f) : projection.length > 0 ? projection[0] : -1;
      if (driver < 0) {
        return out;
      }
      PageTable dt = file.pages(g, driver);
      long[] b = ranges.bounds;
      for (int r = 0; r < b.length; r += 2) {
        long a = b[r];
        long end = b[r + 1];
        while (a < end) {
          int p = dt.pageOf(a);
          long pageEnd = dt.firstRow[p] + dt.rows[p];
          int n = (int) Math.min(Math.min(end, pageEnd) - a, SEGMENT);
          segment(rg, f, a, n, out);
          a += n;
        }
      }
      return out;
    }

    private void segment(ParquetFileIndex.RowGroup rg, RowFilter f, long row, int n, ReadColumn[] out)
        throws IOException {
      if (f == null) {
        for (int c = 0; c < projection.length; c++) {
          ColumnCursor cur = cursor(projection[c], rg);
          cur.view(row, n);
          out[c].appendRange(cur, cur.off, n);
        }
        return;
      }
      for (int c = 0; c < cursors.length; c++) {
        if (usedByFilter(f, c)) {
          cursor(c, rg);
        }
      }
      f.eval(cursors, row, n, result, scratch);
      int[] s = sel;
      int k = RowFilter.positions(result, n, s, RowFilter.TRUE, true);
      if (k == 0) {
        return;
      }
      for (int c = 0; c < projection.length; c++) {
        ColumnCursor cur = cursor(projection[c], rg);
        cur.view(row, n);
        if (k == n) {
          out[c].appendRange(cur, cur.off, n);
        } else {
          out[c].appendSelected(cur, cur.off, s, k);
        }
      }
    }

    private boolean[] filterColumns;
    private RowFilter filterColumnsOf;

    private boolean usedByFilter(RowFilter f, int c) {
      if (filterColumnsOf != f) {
        filterColumns = new boolean[cursors.length];
        f.columns(filterColumns);
        filterColumnsOf = f;
      }
      return filterColumns[c];
    }

    private int firstColumn(RowFilter f) {
      boolean[] used = new boolean[cursors.length];
      f.columns(used);
      for (int c = 0; c < used.length; c++) {
        if (used[c]) {
          return c;
        }
      }
      return projection.length > 0 ? projection[0] : -1;
    }

    /** First row of the row group whose time is {@code >= x} (the time column is sorted). */
    private long lowerBound(ParquetFileIndex.RowGroup rg, PageStats ts, long x) throws IOException {
      int p = 0;
      while (p < ts.pages && ts.maxL[p] < x) {
        p++;
      }
      if (p == ts.pages) {
        return rg.rows;
      }
      if (ts.minL[p] >= x) {
        return ts.firstRow[p];
      }
      ColumnCursor cur = cursor(timeColumn, rg);
      PageTable t = file.pages(rg.ordinal, timeColumn);
      int n = t.rows[p];
      cur.view(t.firstRow[p], n);
      long[] v = cur.l;
      int lo = cur.off;
      int hi = cur.off + n;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (v[mid] < x) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return t.firstRow[p] + (lo - cur.off);
    }
  }

  private static boolean allMinMax(PageStats s) {
    for (int p = 0; p < s.pages; p++) {
      if (!s.hasMinMax[p]) {
        return false;
      }
    }
    return true;
  }
}
