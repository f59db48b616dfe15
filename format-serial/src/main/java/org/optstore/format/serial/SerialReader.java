package org.optstore.format.serial;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import org.optstore.BoolColumn;
import org.optstore.BoundPredicate;
import org.optstore.BoundQuery;
import org.optstore.Column;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.DoubleColumn;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.IntColumn;
import org.optstore.InvalidArgumentException;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Schema;
import org.optstore.StoreClosedException;
import org.optstore.StringColumn;
import org.optstore.StringDictionary;
import org.optstore.TimeRange;
import org.optstore.spi.Block;
import org.optstore.spi.FormatReader;
import org.optstore.spi.Pushdown;
import org.optstore.spi.ReadSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open serial file. The header and footer are verified when it opens; every data block is
 * verified against its CRC32C before any of its bytes is used. With memory mapping, columns are
 * views of the mapping (nothing copied) and a block is verified once per reader; without it,
 * blocks are read into heap arrays and verified on every read. Thread-safe.
 */
final class SerialReader implements FormatReader {
  private static final Logger LOG = LoggerFactory.getLogger(SerialReader.class);
  /** Past this many buffer segments per column a result is copied to the heap instead. */
  static final int MAX_ZERO_COPY_SEGMENTS = 64;

  private final Path file;
  private final String where;
  private final Object reopenLock = new Object();
  private volatile FileChannel channel;
  private volatile boolean closed;
  private final SerialHeader header;
  private final SerialFooter footer;
  private final Schema schema;
  private final ColumnType[] types;
  private final int[] widths;
  private final int blockRows;
  private final int timeIdx;
  private final boolean mapped;
  private final long maxMapBytes;
  private final AtomicLongArray verified;
  private final AtomicReferenceArray<MappedColumn> mappings;
  private final AtomicReferenceArray<NullMask> nullMasks;
  private final AtomicReferenceArray<StringDictionary> dictionaries;
  private final ZoneMapPruner pruner;
  private final List<Block> blocks;
  private final LongAdder crcChecks = new LongAdder();

  /** The mappings of one column's values: piece k holds rows {@code [start[k], start[k+1])}. */
  private record MappedColumn(ByteBuffer[] pieces, int[] start) {}

  private SerialReader(Path file, String where, FileChannel channel, SerialHeader header,
      SerialFooter footer, boolean mapped, long maxMapBytes) {
    this.file = file;
    this.where = where;
    this.channel = channel;
    this.header = header;
    this.footer = footer;
    this.schema = header.schema();
    int n = schema.size();
    this.types = new ColumnType[n];
    this.widths = new int[n];
    for (int c = 0; c < n; c++) {
      types[c] = schema.field(c).type();
      widths[c] = SerialLayout.width(types[c]);
    }
    this.blockRows = header.blockRows();
    this.timeIdx = schema.timeColumnIndex();
    this.mapped = mapped;
    this.maxMapBytes = maxMapBytes;
    this.verified = new AtomicLongArray((int) (((long) n * footer.blockCount + 63) >>> 6));
    this.mappings = new AtomicReferenceArray<>(n);
    this.nullMasks = new AtomicReferenceArray<>(n);
    this.dictionaries = new AtomicReferenceArray<>(n);
    this.pruner = new ZoneMapPruner(footer, schema, blockRows);
    List<Block> bl = new ArrayList<>(footer.blockCount);
    for (int b = 0; b < footer.blockCount; b++) {
      bl.add(new Block((long) b * blockRows, blockRowCount(b),
          timeIdx < 0 ? Long.MIN_VALUE : footer.min[timeIdx][b],
          timeIdx < 0 ? Long.MAX_VALUE : footer.max[timeIdx][b]));
    }
    this.blocks = Collections.unmodifiableList(bl);
  }

  /** Opens and verifies the header and footer; the channel is closed again on any failure. */
  static SerialReader open(ReadSpec spec, long maxMapBytes) {
    Path file = spec.file();
    String where = spec.description().equals(file.toString()) ? "serial file " + file
        : spec.description() + " (serial file " + file + ")";
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new CorruptDataException(where + " does not exist; rebuild it from the raw copy", e);
    } catch (IOException e) {
      throw new DataStoreException("cannot open " + where + ": " + e
          + "; check that the file is readable", e);
    }
    boolean ok = false;
    try {
      SerialReader r = openOn(ch, file, where, spec, maxMapBytes);
      ok = true;
      return r;
    } catch (IOException e) {
      throw new DataStoreException("cannot read " + where + ": " + e, e);
    } finally {
      if (!ok) {
        try {
          ch.close();
        } catch (IOException e) {
          LOG.debug("closing {} after a failed open: {}", file, e.toString());
        }
      }
    }
  }

  private static SerialReader openOn(FileChannel ch, Path file, String where, ReadSpec spec,
      long maxMapBytes) throws IOException {
    long size = ch.size();
    ByteBuffer first = ByteBuffer.allocate((int) Math.min(size, SerialLayout.HEADER_FIXED))
        .order(SerialLayout.ORDER);
    readFully(ch, first, 0, where);
    first.flip();
    if (!SerialHeader.hasMagic(first)) {
      throw new CorruptDataException(where + " is not a file of format 'serial': it does not "
          + "start with the serial magic bytes (" + size + " bytes in all); it was written by "
          + "something else or damaged: rebuild it from the raw copy");
    }
    if (first.limit() < SerialLayout.HEADER_FIXED) {
      throw truncated(where, size, "its header");
    }
    int len = SerialHeader.declaredLength(first);
    if (len < SerialLayout.HEADER_FIXED + 4 || len > (1 << 24)) {
      throw new CorruptDataException(where + " declares a header of " + len + " bytes; the file "
          + "is damaged: rebuild it from the raw copy");
    }
    if (len > size) {
      throw truncated(where, size, "its header");
    }
    ByteBuffer hb = ByteBuffer.allocate(len).order(SerialLayout.ORDER);
    readFully(ch, hb, 0, where);
    hb.flip();
    // the checksum first, so that a flipped version byte reads as damage, not as a newer file;
    // every layout version keeps magic, version, length at these offsets and a trailing CRC32C
    SerialHeader.checkCrc(hb, where);
    SerialHeader.checkVersion(first, where);
    SerialHeader header = SerialHeader.decode(hb, where);
    checkRecorded(spec.checksums(), SerialLayout.HEADER_CHECKSUM, header.crc(), where, "header");
    long dataStart = SerialLayout.align(len);
    if (size < dataStart + SerialLayout.TRAILER) {
      throw truncated(where, size, "its trailer");
    }
    ByteBuffer tb = ByteBuffer.allocate(SerialLayout.TRAILER).order(SerialLayout.ORDER);
    readFully(ch, tb, size - SerialLayout.TRAILER, where);
    byte[] endMagic = new byte[SerialLayout.END_MAGIC.length];
    tb.get(24, endMagic);
    if (!Arrays.equals(endMagic, SerialLayout.END_MAGIC)) {
      throw truncated(where, size, "its trailer (the end magic bytes are missing)");
    }
    long footerOff = tb.getLong(0);
    long footerLen = tb.getLong(8);
    int footerCrc = tb.getInt(16);
    int version = tb.getInt(20);
    if (version != first.getInt(8) || footerOff < dataStart || footerLen < 0
        || footerLen > Integer.MAX_VALUE - 64 || footerOff + footerLen != size - SerialLayout.TRAILER) {
      throw new CorruptDataException(where + " has an inconsistent trailer (footer at " + footerOff
          + ", " + footerLen + " bytes, version " + version + ", file of " + size
          + " bytes); the file is damaged or truncated: rebuild it from the raw copy");
    }
    ByteBuffer fb = ByteBuffer.allocate((int) footerLen).order(SerialLayout.ORDER);
    readFully(ch, fb, footerOff, where);
    fb.flip();
    CRC32C crc = new CRC32C();
    crc.update(fb.duplicate());
    int actual = (int) crc.getValue();
    if (actual != footerCrc) {
      throw new CorruptDataException("footer of " + where + " fails its checksum (CRC32C "
          + SerialLayout.hex(actual) + ", trailer says " + SerialLayout.hex(footerCrc)
          + "); the file is damaged: rebuild it from the raw copy");
    }
    checkRecorded(spec.checksums(), SerialLayout.FOOTER_CHECKSUM, actual, where, "footer");
    SerialFooter footer = SerialFooter.decode(fb, header, footerOff, where);
    LOG.debug("opened {}: {} rows, {} blocks, {} extents, mapped={}", where, footer.rowCount,
        footer.blockCount, footer.extentRows.length, spec.memoryMapping());
    return new SerialReader(file, where, ch, header, footer, spec.memoryMapping(), maxMapBytes);
  }

  private static void checkRecorded(Map<String, String> recorded, String key, int actual,
      String where, String region) {
    String want = recorded.get(key);
    if (want == null) {
      return;
    }
    int expected;
    try {
      expected = Integer.parseUnsignedInt(want.trim(), 16);
    } catch (NumberFormatException e) {
      throw new CorruptDataException("the manifest of " + where + " records " + key + " as '"
          + want + "', which is not a hex CRC32C; the manifest or file is damaged");
    }
    if (expected != actual) {
      throw new CorruptDataException(region + " of " + where + " has CRC32C "
          + SerialLayout.hex(actual) + " but the manifest recorded " + SerialLayout.hex(expected)
          + " (" + key + "); the file was replaced or damaged: rebuild it from the raw copy");
    }
  }

  private static CorruptDataException truncated(String where, long size, String what) {
    return new CorruptDataException(where + " is truncated or damaged: " + what + " is missing ("
        + size + " bytes in all); rebuild it from the raw copy");
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long pos, String where)
      throws IOException {
    long p = pos;
    while (dst.hasRemaining()) {
      int k = ch.read(dst, p);
      if (k < 0) {
        throw new CorruptDataException(where + " is truncated or damaged: it ends at byte " + p
            + " inside a region its footer describes; rebuild it from the raw copy");
      }
      p += k;
    }
  }

  // ---- metadata ----

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public long rowCount() {
    return footer.rowCount;
  }

  @Override
  public List<Block> blocks() {
    return blocks;
  }

  /** The number of block checksums computed so far (for tests of the verify-once rule). */
  long checksumsComputed() {
    return crcChecks.sum();
  }

  /** The number of mappings of a column's values (0 until the column is first read mapped). */
  int mappedPieces(int column) {
    MappedColumn m = mappings.get(column);
    return m == null ? 0 : m.pieces().length;
  }

  @Override
  public Set<Pushdown> pushdown(BoundQuery query) {
    // the time range is always cut exactly (binary search, or a scan of unsorted blocks);
    // predicates only prune blocks, so the limit is exact only without one
    return query.predicate().isPresent() ? EnumSet.of(Pushdown.TIME_RANGE)
        : EnumSet.of(Pushdown.TIME_RANGE, Pushdown.LIMIT);
  }

  // ---- queries ----

  @Override
  public Frame read(BoundQuery query) {
    ensureOpen();
    Plan plan = plan(query);
    RowRuns runs = new RowRuns();
    ByteBuffer scratch = scratch();
    for (int b = 0; b < footer.blockCount && runs.rows() < plan.limit; b++) {
      plan.addBlock(b, runs, scratch);
    }
    runs.truncate(plan.limit);
    return assemble(query.readColumns(), runs);
  }

  @Override
  public FrameStream stream(BoundQuery query, int batchRows) {
    if (batchRows < 1) {
      throw new InvalidArgumentException("batch size must be at least 1, got " + batchRows);
    }
    ensureOpen();
    Plan plan = plan(query);
    Schema out = schema.project(query.readColumns());
    return new FrameStream() {
      private final RowRuns pending = new RowRuns();
      private final ByteBuffer scratch = scratch();
      private int nextBlock;
      private long emitted;
      private boolean done;

      @Override
      public Schema schema() {
        return out;
      }

      @Override
      public boolean hasNext() {
        if (done) {
          return false;
        }
        while (pending.rows() < batchRows && nextBlock < footer.blockCount
            && emitted + pending.rows() < plan.limit) {
          ensureOpen();
          plan.addBlock(nextBlock++, pending, scratch);
        }
        pending.truncate(plan.limit - emitted);
        return pending.rows() > 0;
      }

      @Override
      public Frame next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more batches of " + where);
        }
        RowRuns batch = pending.take(batchRows);
        emitted += batch.rows();
        return assemble(query.readColumns(), batch);
      }

      @Override
      public void close() {
        done = true;
      }
    };
  }

  @Override
  public Column readBlock(int block, String column) {
    ensureOpen();
    if (block < 0 || block >= footer.blockCount) {
      throw new InvalidArgumentException("block " + block + " is not one of the "
          + footer.blockCount + " blocks of " + where);
    }
    RowRuns runs = new RowRuns();
    int first = block * blockRows;
    runs.add(first, first + blockRowCount(block));
    return assembleColumn(schema.indexOf(column), runs, (int) runs.rows());
  }

  /** How a query maps onto blocks: the sorted cut, or a scan, and block pruning. */
  private final class Plan {
    final int lo;
    final int hi;
    final boolean scan;
    final TimeRange range;
    final ZoneMapPruner.Node predicate; // null without one
    final long limit;

    Plan(int lo, int hi, boolean scan, TimeRange range, BoundPredicate predicate, long limit) {
      this.lo = lo;
      this.hi = hi;
      this.scan = scan;
      this.range = range;
      this.predicate = predicate == null ? null : pruner.compile(predicate);
      this.limit = limit;
    }

    void addBlock(int b, RowRuns out, ByteBuffer scratch) {
      int first = b * blockRows;
      int a = Math.max(first, lo);
      int z = Math.min(first + blockRowCount(b), hi);
      if (a >= z || predicate != null && !pruner.mayMatch(predicate, b)) {
        return;
      }
      if (!scan) {
        out.add(a, z);
        return;
      }
      long mn = footer.min[timeIdx][b];
      long mx = footer.max[timeIdx][b];
      if (!range.overlaps(mn, mx)) {
        return;
      }
      if (range.contains(mn) && range.contains(mx)) {
        out.add(a, z);
        return;
      }
      ByteBuffer v = blockBytes(timeIdx, b, scratch);
      int start = -1;
      for (int r = a; r < z; r++) {
        boolean in = range.contains(v.getLong((r - first) << 3));
        if (in && start < 0) {
          start = r;
        } else if (!in && start >= 0) {
          out.add(start, r);
          start = -1;
        }
      }
      if (start >= 0) {
        out.add(start, z);
      }
    }
  }

  private Plan plan(BoundQuery q) {
    if (!q.schema().equals(schema)) {
      throw new InvalidArgumentException("query bound to schema " + q.schema() + " given to "
          + where + " whose schema is " + schema + "; bind the query to the reader's schema");
    }
    BoundPredicate pred = q.predicate().orElse(null);
    long limit = pred == null && q.limit().isPresent() ? q.limit().getAsInt() : Long.MAX_VALUE;
    TimeRange range = q.timeRange();
    int n = footer.rowCount;
    if (!q.hasTimeRange()) {
      return new Plan(0, n, false, range, pred, limit);
    }
    if (range.isEmpty() || n == 0) {
      return new Plan(0, 0, false, range, pred, limit);
    }
    if (footer.timeSorted) {
      ByteBuffer scratch = scratch();
      int lo = range.hasFrom() ? lowerBound(range.fromMicros(), scratch) : 0;
      int hi = range.hasTo() ? lowerBound(range.toMicros(), scratch) : n;
      return new Plan(lo, Math.max(lo, hi), false, range, pred, limit);
    }
    return new Plan(0, n, true, range, pred, limit);
  }

  /** The first row whose time is {@code >= t} in a sorted time column, touching one block. */
  private int lowerBound(long t, ByteBuffer scratch) {
    long[] max = footer.max[timeIdx];
    int lo = 0;
    int hi = footer.blockCount;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (max[mid] >= t) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    if (lo == footer.blockCount) {
      return footer.rowCount;
    }
    int b = lo;
    ByteBuffer v = blockBytes(timeIdx, b, scratch);
    int l = 0;
    int h = blockRowCount(b);
    while (l < h) {
      int mid = (l + h) >>> 1;
      if (v.getLong(mid << 3) >= t) {
        h = mid;
      } else {
        l = mid + 1;
      }
    }
    return b * blockRows + l;
  }

  // ---- assembling columns ----

  private Frame assemble(List<String> names, RowRuns runs) {
    Schema out = schema.project(names);
    List<Column> cols = new ArrayList<>(names.size());
    int count = (int) runs.rows();
    for (String name : names) {
      cols.add(assembleColumn(schema.indexOf(name), runs, count));
    }
    return Frame.of(out, cols);
  }

  private Column assembleColumn(int c, RowRuns runs, int count) {
    if (count == 0) {
      return ColumnBuilder.of(types[c], 0).build();
    }
    NullMask nulls = nullsFor(c, runs, count);
    if (mapped && segmentsNeeded(c, runs) <= MAX_ZERO_COPY_SEGMENTS) {
      return zeroCopy(c, runs, nulls);
    }
    return copied(c, runs, count, nulls);
  }

  private int segmentsNeeded(int c, RowRuns runs) {
    MappedColumn m = mapping(c);
    int total = 0;
    for (int i = 0; i < runs.size() && total <= MAX_ZERO_COPY_SEGMENTS; i++) {
      total += pieceOf(m, runs.to(i) - 1) - pieceOf(m, runs.from(i)) + 1;
    }
    return total;
  }

  private Column zeroCopy(int c, RowRuns runs, NullMask nulls) {
    MappedColumn m = mapping(c);
    int w = widths[c];
    List<ByteBuffer> segs = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      int a = runs.from(i);
      int z = runs.to(i);
      for (int b = a / blockRows, last = (z - 1) / blockRows; b <= last; b++) {
        blockBytes(c, b, null);
      }
      for (int k = pieceOf(m, a); a < z; k++) {
        int hi = Math.min(z, m.start()[k + 1]);
        segs.add(m.pieces()[k].slice((a - m.start()[k]) * w, (hi - a) * w)
            .order(SerialLayout.ORDER));
        a = hi;
      }
    }
    switch (types[c]) {
      case TIMESTAMP, INT64 -> {
        return LongColumn.ofBuffers(types[c], map(segs, ByteBuffer::asLongBuffer), nulls);
      }
      case INT32 -> {
        return IntColumn.ofBuffers(types[c], map(segs, ByteBuffer::asIntBuffer), nulls);
      }
      case FLOAT64 -> {
        return DoubleColumn.ofBuffers(types[c], map(segs, ByteBuffer::asDoubleBuffer), nulls);
      }
      case FLOAT32 -> {
        return FloatColumn.ofBuffers(types[c], map(segs, ByteBuffer::asFloatBuffer), nulls);
      }
      case BOOL -> {
        return BoolColumn.ofBuffers(segs, nulls);
      }
      case STRING -> {
        IntColumn codes = IntColumn.ofBuffers(ColumnType.INT32, map(segs, ByteBuffer::asIntBuffer),
            NullMask.none(nulls.size()));
        return StringColumn.ofCodes(codes, dictionary(c), nulls);
      }
      default -> throw new AssertionError(types[c]);
    }
  }

  private static <T> List<T> map(List<ByteBuffer> segs,
      java.util.function.Function<ByteBuffer, T> view) {
    List<T> out = new ArrayList<>(segs.size());
    for (ByteBuffer s : segs) {
      out.add(view.apply(s));
    }
    return out;
  }

  private Column copied(int c, RowRuns runs, int count, NullMask nulls) {
    int w = widths[c];
    long[] longs = null;
    int[] ints = null;
    double[] doubles = null;
    float[] floats = null;
    byte[] bytes = null;
    switch (types[c]) {
      case TIMESTAMP, INT64 -> longs = new long[count];
      case INT32, STRING -> ints = new int[count];
      case FLOAT64 -> doubles = new double[count];
      case FLOAT32 -> floats = new float[count];
      case BOOL -> bytes = new byte[count];
      default -> throw new AssertionError(types[c]);
    }
    ByteBuffer scratch = mapped ? null : scratch();
    int loaded = -1;
    ByteBuffer block = null;
    int pos = 0;
    for (int i = 0; i < runs.size(); i++) {
      int a = runs.from(i);
      int z = runs.to(i);
      while (a < z) {
        int b = a / blockRows;
        if (b != loaded) {
          block = blockBytes(c, b, scratch);
          loaded = b;
        }
        int first = b * blockRows;
        int hi = Math.min(z, first + blockRowCount(b));
        int k = hi - a;
        int off = a - first;
        switch (types[c]) {
          case TIMESTAMP, INT64 -> block.asLongBuffer().get(off, longs, pos, k);
          case INT32, STRING -> block.asIntBuffer().get(off, ints, pos, k);
          case FLOAT64 -> block.asDoubleBuffer().get(off, doubles, pos, k);
          case FLOAT32 -> block.asFloatBuffer().get(off, floats, pos, k);
          case BOOL -> block.get(off * w, bytes, pos, k);
          default -> throw new AssertionError(types[c]);
        }
        pos += k;
        a = hi;
      }
    }
    switch (types[c]) {
      case TIMESTAMP, INT64 -> {
        return LongColumn.wrap(types[c], longs, nulls);
      }
      case INT32 -> {
        return IntColumn.wrap(types[c], ints, nulls);
      }
      case FLOAT64 -> {
        return DoubleColumn.wrap(types[c], doubles, nulls);
      }
      case FLOAT32 -> {
        return FloatColumn.wrap(types[c], floats, nulls);
      }
      case BOOL -> {
        return BoolColumn.wrap(bytes, nulls);
      }
      case STRING -> {
        return StringColumn.ofCodes(IntColumn.wrap(ColumnType.INT32, ints, NullMask.none(count)),
            dictionary(c), nulls);
      }
      default -> throw new AssertionError(types[c]);
    }
  }

  private ByteBuffer scratch() {
    int max = 8;
    for (int w : widths) {
      max = Math.max(max, w);
    }
    return mapped ? null
        : ByteBuffer.allocate((int) Math.min((long) max * blockRows,
            (long) max * Math.max(1, footer.rowCount))).order(SerialLayout.ORDER);
  }

  private int blockRowCount(int b) {
    return SerialFooter.blockRows(b, footer.rowCount, blockRows);
  }

  /**
   * The verified bytes of one block of one column, little-endian, from index 0: a view of the
   * mapping (verified once per reader), or read into {@code scratch} (verified on every read).
   */
  private ByteBuffer blockBytes(int c, int b, ByteBuffer scratch) {
    int first = b * blockRows;
    int len = blockRowCount(b) * widths[c];
    ByteBuffer v;
    if (mapped) {
      MappedColumn m = mapping(c);
      int k = pieceOf(m, first);
      v = m.pieces()[k].slice((first - m.start()[k]) * widths[c], len).order(SerialLayout.ORDER);
      if (isVerified(c, b)) {
        return v;
      }
    } else {
      scratch.clear().limit(len);
      read(scratch, footer.valueOffset(c, first, widths[c]));
      scratch.flip();
      v = scratch;
    }
    CRC32C crc = new CRC32C();
    crc.update(v.duplicate());
    crcChecks.increment();
    int actual = (int) crc.getValue();
    if (actual != footer.blockCrc[c][b]) {
      throw new CorruptDataException("block " + b + " (rows " + first + " to "
          + (first + blockRowCount(b) - 1) + ") of column '" + schema.field(c).name() + "' in "
          + where + " fails its checksum (CRC32C " + SerialLayout.hex(actual) + ", expected "
          + SerialLayout.hex(footer.blockCrc[c][b])
          + "); the file is damaged: rebuild it from the raw copy");
    }
    if (mapped) {
      markVerified(c, b);
    }
    return v;
  }

  private boolean isVerified(int c, int b) {
    long i = (long) c * footer.blockCount + b;
    return (verified.get((int) (i >>> 6)) & (1L << i)) != 0;
  }

  private void markVerified(int c, int b) {
    long i = (long) c * footer.blockCount + b;
    int w = (int) (i >>> 6);
    long bit = 1L << i;
    long old;
    do {
      old = verified.get(w);
    } while ((old & bit) == 0 && !verified.compareAndSet(w, old, old | bit));
  }

  private static int pieceOf(MappedColumn m, int row) {
    int i = Arrays.binarySearch(m.start(), 0, m.pieces().length, row);
    return i >= 0 ? i : -i - 2;
  }

  private MappedColumn mapping(int c) {
    MappedColumn m = mappings.get(c);
    if (m == null) {
      m = mapColumn(c);
      if (!mappings.compareAndSet(c, null, m)) {
        m = mappings.get(c);
      }
    }
    return m;
  }

  private MappedColumn mapColumn(int c) {
    int w = widths[c];
    long blockBytes = (long) blockRows * w;
    long perPiece = Math.max(1, maxMapBytes / blockBytes) * blockRows;
    List<ByteBuffer> pieces = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    for (int x = 0; x < footer.extentRows.length; x++) {
      for (long r = 0; r < footer.extentRows[x]; r += perPiece) {
        long k = Math.min(perPiece, footer.extentRows[x] - r);
        pieces.add(map(footer.extentOffsets[x][c] + r * w, k * w));
        starts.add((int) (footer.extentFirstRow[x] + r));
      }
    }
    int[] start = new int[starts.size() + 1];
    for (int i = 0; i < starts.size(); i++) {
      start[i] = starts.get(i);
    }
    start[starts.size()] = footer.rowCount;
    return new MappedColumn(pieces.toArray(new ByteBuffer[0]), start);
  }

  private ByteBuffer map(long offset, long length) {
    for (int attempt = 0; ; attempt++) {
      FileChannel ch = channel;
      try {
        return ch.map(FileChannel.MapMode.READ_ONLY, offset, length).order(SerialLayout.ORDER);
      } catch (ClosedChannelException e) {
        recover(ch, e, attempt);
      } catch (IOException e) {
        throw new DataStoreException("cannot map bytes " + offset + " to " + (offset + length)
            + " of " + where + ": " + e + "; open it without memory mapping", e);
      }
    }
  }

  private void read(ByteBuffer dst, long pos) {
    int start = dst.position();
    for (int attempt = 0; ; attempt++) {
      FileChannel ch = channel;
      try {
        dst.position(start);
        readFully(ch, dst, pos, where);
        return;
      } catch (ClosedChannelException e) {
        recover(ch, e, attempt);
      } catch (IOException e) {
        throw new DataStoreException("cannot read " + where + ": " + e, e);
      }
    }
  }

  /**
   * A thread interrupted during channel I/O closes the channel for every thread; reopen it so one
   * interrupted reader does not break the others.
   */
  private void recover(FileChannel broken, ClosedChannelException e, int attempt) {
    if (closed) {
      throw new StoreClosedException("reader of " + where + " is closed", e);
    }
    if (attempt > 2) {
      throw new DataStoreException("cannot read " + where + ": the channel keeps closing", e);
    }
    synchronized (reopenLock) {
      if (channel == broken && !closed) {
        try {
          channel = FileChannel.open(file, StandardOpenOption.READ);
          LOG.debug("reopened {} after {}", where, e.toString());
        } catch (IOException io) {
          throw new DataStoreException("cannot reopen " + where + ": " + io, io);
        }
      }
    }
    if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
      throw new DataStoreException("read of " + where + " was interrupted", e);
    }
    if (!(e instanceof AsynchronousCloseException)) {
      LOG.debug("retrying a read of {} after {}", where, e.toString());
    }
  }

  // ---- nulls and dictionaries ----

  private NullMask nullsFor(int c, RowRuns runs, int count) {
    if (footer.bitmapOffset[c] == -1) {
      return NullMask.none(count);
    }
    NullMask full = nullMask(c);
    if (runs.size() == 1) {
      return full.slice(runs.from(0), runs.to(0));
    }
    long[] w = new long[(count + 63) >>> 6];
    int pos = 0;
    for (int i = 0; i < runs.size(); i++) {
      for (int r = runs.from(i), z = runs.to(i); r < z; ) {
        int bit = r & 63;
        int take = Math.min(64 - bit, z - r);
        long bits = (full.word(r >>> 6) >>> bit) & (take == 64 ? -1L : (1L << take) - 1);
        int dw = pos >>> 6;
        int db = pos & 63;
        w[dw] |= bits << db;
        if (db + take > 64) {
          w[dw + 1] |= bits >>> (64 - db);
        }
        r += take;
        pos += take;
      }
    }
    return NullMask.fromWords(w, count);
  }

  private NullMask nullMask(int c) {
    NullMask m = nullMasks.get(c);
    if (m == null) {
      long len = SerialFooter.bitmapBytes(footer.rowCount);
      ByteBuffer b = ByteBuffer.allocate((int) len).order(SerialLayout.ORDER);
      read(b, footer.bitmapOffset[c]);
      b.flip();
      verifyRegion(b, footer.bitmapCrc[c], "null bitmap of column '" + schema.field(c).name()
          + "'");
      m = NullMask.fromBitmap(b, footer.rowCount);
      nullMasks.compareAndSet(c, null, m);
      m = nullMasks.get(c);
    }
    return m;
  }

  private StringDictionary dictionary(int c) {
    StringDictionary d = dictionaries.get(c);
    if (d == null) {
      int entries = footer.dictEntries[c];
      int bytes = footer.dictBytes[c];
      long len = SerialFooter.dictionaryBytes(entries, bytes);
      if (len > Integer.MAX_VALUE - 64) {
        throw new DataStoreException("the dictionary of column '" + schema.field(c).name()
            + "' in " + where + " is " + len + " bytes, more than one buffer holds");
      }
      ByteBuffer b;
      if (mapped) {
        b = map(footer.dictOffset[c], len);
      } else {
        b = ByteBuffer.allocate((int) len).order(SerialLayout.ORDER);
        read(b, footer.dictOffset[c]);
        b.flip();
      }
      String what = "dictionary of column '" + schema.field(c).name() + "'";
      verifyRegion(b, footer.dictCrc[c], what);
      int[] offsets = new int[entries + 1];
      b.position((int) ((bytes + 7L) & -8L)).asIntBuffer().get(offsets);
      b.position(0);
      if (offsets[entries] != bytes) {
        throw new CorruptDataException(what + " of " + where + " passes its checksum but its "
            + "offsets end at " + offsets[entries] + ", not at " + bytes
            + "; the file is damaged: rebuild it from the raw copy");
      }
      try {
        d = StringDictionary.ofUtf8(b.slice(0, bytes), offsets);
      } catch (InvalidArgumentException e) {
        throw new CorruptDataException(what + " of " + where + " passes its checksum but is "
            + "inconsistent (" + e.getMessage() + "); rebuild it from the raw copy", e);
      }
      dictionaries.compareAndSet(c, null, d);
      d = dictionaries.get(c);
    }
    return d;
  }

  private void verifyRegion(ByteBuffer b, int expected, String what) {
    CRC32C crc = new CRC32C();
    crc.update(b.duplicate());
    int actual = (int) crc.getValue();
    if (actual != expected) {
      throw new CorruptDataException(what + " of " + where + " fails its checksum (CRC32C "
          + SerialLayout.hex(actual) + ", expected " + SerialLayout.hex(expected)
          + "); the file is damaged: rebuild it from the raw copy");
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new StoreClosedException("reader of " + where + " is closed; open a new one");
    }
  }

  @Override
  public void close() {
    // under reopenLock, so that a recover() in flight either reopens before this closes the new
    // channel, or sees closed and opens nothing
    synchronized (reopenLock) {
      closed = true;
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing {}: {}", where, e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "SerialReader[" + where + ", " + footer.rowCount + " rows, header CRC32C "
        + SerialLayout.hex(header.crc()) + "]";
  }
}
