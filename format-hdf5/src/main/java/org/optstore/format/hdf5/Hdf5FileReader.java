package org.optstore.format.hdf5;

import static hdf.hdf5lib.HDF5Constants.H5P_DEFAULT;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import hdf.hdf5lib.exceptions.HDF5Exception;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.optstore.BoolColumn;
import org.optstore.BoundQuery;
import org.optstore.Column;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.DoubleColumn;
import org.optstore.Field;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.IntColumn;
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
 * Reads one file written by {@link Hdf5FileWriter}. HDF5 is used only to open the file, check and
 * read its metadata (layout attributes, types, filter pipelines, the per-chunk time bounds,
 * dictionaries) and to locate chunks; the chunks themselves are read from the file with
 * positional reads and decoded by {@link FilterPipeline} — Fletcher-32 checked first — on the
 * calling thread and the {@link CodecWorkers}, outside {@link NativeHdf5#LOCK}. Concurrent reads
 * therefore overlap; only chunk lookups, which are cached, take the lock.
 *
 * <p>A time range on a sorted time column is cut by binary search: first over the per-chunk
 * minimum and maximum times (read once at open), then inside the decoded boundary chunks of the
 * time column, which the read then reuses instead of decoding them again. Every column is read as
 * exactly those rows.
 */
final class Hdf5FileReader implements FormatReader {

  private static final Logger LOG = LoggerFactory.getLogger(Hdf5FileReader.class);
  private static final long UNKNOWN = Long.MIN_VALUE;
  /** The most bytes read at once to collect the checksums of chunks that lie close together. */
  private static final int CHECKSUM_WINDOW = 64 * 1024;
  /** How often one read reopens the channel that other threads' interrupts closed before it gives up. */
  private static final int MAX_REOPENS = 16;

  private final Path path;
  private final String description;
  private final Schema schema;
  private final long rowCount;
  private final int chunkRows;
  private final int chunkCount;
  private final boolean sorted;
  private final long timeMin;
  private final long timeMax;
  private final long[] chunkMin;
  private final long[] chunkMax;
  private final long[] datasets;
  private final long[] maskDatasets;
  private final FilterPipeline[] pipelines;
  private final FilterPipeline[] maskPipelines;
  /** Chunk locations per column and per mask, filled on first use under the lock. */
  private final long[][] addresses;
  private final long[][] sizes;
  private final int[][] filterMasks;
  private final long[][] maskAddresses;
  private final long[][] maskSizes;
  private final int[][] maskFilterMasks;
  private final StringDictionary[] dictionaries;
  /** The CRC32C of each string column's dictionary, from its attribute (read at open). */
  private final int[] dictionaryCrcs;
  /**
   * The Fletcher-32 checksum each stored chunk ended with when the file was opened and checked
   * against the manifest (per column, per chunk; {@code null} when no manifest checksum was
   * given). A chunk read later must end with the same one.
   */
  private final int[][] fletchers;
  private final int[][] maskFletchers;
  /**
   * The chunks are read through this channel by every thread. A thread interrupted during a read
   * closes it for all of them, so it is replaced under {@link #channelLock} (see {@link #recover}).
   */
  private volatile FileChannel channel;
  private final Object channelLock = new Object();
  private final long fileSize;
  private long file = -1;
  private long group = -1;
  private volatile boolean closed;

  Hdf5FileReader(ReadSpec spec) {
    this.path = spec.file();
    this.description = spec.description();
    if (!Files.isRegularFile(path)) {
      throw new CorruptDataException("HDF5 file " + path + " of " + description
          + " is missing; the store rebuilds it from the raw copy when there is one");
    }
    if (!Hdf5Format.hasHdf5Signature(path)) {
      throw new CorruptDataException("file " + path + " of " + description + " is not an hdf5 file (it does not"
          + " start with the HDF5 signature), so format hdf5 cannot read it; the store rebuilds it from the raw"
          + " copy when there is one");
    }
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
      fileSize = channel.size();
    } catch (IOException e) {
      throw new CorruptDataException("HDF5 file " + path + " of " + description + " cannot be opened for reading ("
          + e + "); check its permissions, or let the store rebuild it from the raw copy", e);
    }
    synchronized (NativeHdf5.LOCK) {
      try {
        long fapl = H5.H5Pcreate(HDF5Constants.H5P_FILE_ACCESS);
        try {
          // files are immutable once renamed into place: no need for advisory locks
          H5.H5Pset_file_locking(fapl, false, true);
          file = H5.H5Fopen(path.toString(), HDF5Constants.H5F_ACC_RDONLY, fapl);
        } finally {
          H5.H5Pclose(fapl);
        }
        if (!H5.H5Lexists(file, Hdf5Layout.GROUP, H5P_DEFAULT)) {
          throw corruptAtOpen("has no group '/" + Hdf5Layout.GROUP + "'; it was not written by optstore's hdf5 format");
        }
        group = H5.H5Gopen(file, Hdf5Layout.GROUP, H5P_DEFAULT);
        long version = Hdf5Io.readLong(group, Hdf5Layout.ATTR_LAYOUT_VERSION);
        if (version > Hdf5Layout.VERSION) {
          throw corruptAtOpen("has layout version " + version + " but this optstore reads version "
              + Hdf5Layout.VERSION + "; upgrade optstore's format-hdf5 to read it");
        }
        if (version != Hdf5Layout.VERSION) {
          throw corruptAtOpen("has layout version " + version + ", which only development builds of optstore"
              + " wrote and this one does not read (it reads version " + Hdf5Layout.VERSION + "); the store"
              + " rebuilds it from the raw copy when there is one");
        }
        rowCount = Hdf5Io.readLong(group, Hdf5Layout.ATTR_ROW_COUNT);
        long rows = Hdf5Io.readLong(group, Hdf5Layout.ATTR_CHUNK_ROWS);
        if (rowCount < 0 || rows < 1 || rows > (1 << 24)) {
          throw corruptAtOpen("has row_count " + rowCount + " and chunk_rows " + rows + ", which no writer makes");
        }
        chunkRows = (int) rows;
        long chunks = (rowCount + chunkRows - 1) / chunkRows;
        if (chunks > Integer.MAX_VALUE - 8) {
          throw corruptAtOpen("has " + chunks + " chunks per column, more than a reader can index");
        }
        chunkCount = (int) chunks;
        String[] names = Hdf5Io.hasAttribute(group, Hdf5Layout.ATTR_COLUMN_NAMES)
            ? Hdf5Io.readStrings(group, Hdf5Layout.ATTR_COLUMN_NAMES) : new String[0];
        String[] types = names.length > 0 ? Hdf5Io.readStrings(group, Hdf5Layout.ATTR_COLUMN_TYPES) : new String[0];
        String time = Hdf5Io.readString(group, Hdf5Layout.ATTR_TIME_COLUMN);
        timeMin = Hdf5Io.readLong(group, Hdf5Layout.ATTR_TIME_MIN);
        timeMax = Hdf5Io.readLong(group, Hdf5Layout.ATTR_TIME_MAX);
        sorted = Hdf5Io.readLong(group, Hdf5Layout.ATTR_TIME_SORTED) != 0;
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
          fields.add(Field.of(names[i], Hdf5Layout.parseType(types[i])));
        }
        schema = time.isEmpty() ? Schema.withoutTimeColumn(fields) : Schema.of(fields, time);
        int n = schema.size();
        datasets = new long[n];
        maskDatasets = new long[n];
        pipelines = new FilterPipeline[n];
        maskPipelines = new FilterPipeline[n];
        addresses = new long[n][];
        sizes = new long[n][];
        filterMasks = new int[n][];
        maskAddresses = new long[n][];
        maskSizes = new long[n][];
        maskFilterMasks = new int[n][];
        dictionaries = new StringDictionary[n];
        dictionaryCrcs = new int[n];
        fletchers = new int[n][];
        maskFletchers = new int[n][];
        Arrays.fill(datasets, -1);
        Arrays.fill(maskDatasets, -1);
        boolean hasNulls = H5.H5Lexists(group, Hdf5Layout.NULLS_GROUP, H5P_DEFAULT);
        for (int i = 0; i < n; i++) {
          String link = Hdf5Layout.linkName(names[i]);
          datasets[i] = H5.H5Dopen(group, link, H5P_DEFAULT);
          pipelines[i] = checkColumnDataset(datasets[i], "column '" + names[i] + "'", schema.field(i).type());
          addresses[i] = unknownLocations();
          sizes[i] = new long[chunkCount];
          filterMasks[i] = new int[chunkCount];
          String maskLink = Hdf5Layout.NULLS_GROUP + "/" + link;
          if (hasNulls && H5.H5Lexists(group, maskLink, H5P_DEFAULT)) {
            maskDatasets[i] = H5.H5Dopen(group, maskLink, H5P_DEFAULT);
            maskPipelines[i] = checkColumnDataset(maskDatasets[i], "null mask of column '" + names[i] + "'", null);
            maskAddresses[i] = unknownLocations();
            maskSizes[i] = new long[chunkCount];
            maskFilterMasks[i] = new int[chunkCount];
          }
          if (schema.field(i).type() == ColumnType.STRING) {
            dictionaryCrcs[i] = dictionaryCrc(link, names[i]);
          }
        }
        int timeChunks = schema.timeColumnIndex() >= 0 ? chunkCount : 0;
        chunkMin = new long[timeChunks];
        chunkMax = new long[timeChunks];
        if (timeChunks > 0) {
          readWhole(Hdf5Layout.CHUNKS_GROUP + "/" + Hdf5Layout.CHUNK_TIME_MIN, chunkMin);
          readWhole(Hdf5Layout.CHUNKS_GROUP + "/" + Hdf5Layout.CHUNK_TIME_MAX, chunkMax);
        }
      } catch (RuntimeException e) {
        closeIds();
        closeChannel();
        if (e instanceof CorruptDataException c) {
          throw c;
        }
        throw new CorruptDataException("HDF5 file " + path + " of " + description + " cannot be opened by format"
            + " hdf5: its metadata failed a checksum, is truncated or is not optstore's layout ("
            + e.getClass().getSimpleName() + ": " + e.getMessage() + "); the store rebuilds it from the raw copy"
            + " when there is one", e);
      }
    }
    String expected = spec.checksums().get(Hdf5Layout.CHECKSUM_KEY);
    if (expected != null) {
      try {
        verifyContent(expected);
      } catch (RuntimeException e) {
        synchronized (NativeHdf5.LOCK) {
          closeIds();
        }
        closeChannel();
        if (e instanceof DataStoreException d) {
          throw d;
        }
        throw new CorruptDataException("HDF5 file " + path + " of " + description + " cannot be checked against"
            + " its manifest (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "); the store rebuilds it"
            + " from the raw copy when there is one", e);
      }
    }
    LOG.debug("opened {} ({} rows, {} columns)", path, rowCount, schema.size());
  }

  /** The {@code crc32c} attribute of a string column's dictionary group. */
  private int dictionaryCrc(String link, String column) throws HDF5Exception {
    String where = Hdf5Layout.DICTIONARIES_GROUP + "/" + link;
    if (!H5.H5Lexists(group, Hdf5Layout.DICTIONARIES_GROUP, H5P_DEFAULT) || !H5.H5Lexists(group, where, H5P_DEFAULT)) {
      throw corruptAtOpen(": string column '" + column + "' has no dictionary /" + Hdf5Layout.GROUP + "/" + where);
    }
    long g = H5.H5Gopen(group, where, H5P_DEFAULT);
    try {
      long crc = Hdf5Io.readLong(g, Hdf5Layout.ATTR_CRC32C);
      if (crc < 0 || crc > 0xffff_ffffL) {
        throw corruptAtOpen(": the dictionary of column '" + column + "' has CRC32C attribute " + crc
            + ", not a 32-bit value");
      }
      return (int) crc;
    } finally {
      H5.H5Gclose(g);
    }
  }

  /**
   * Checks the file against the manifest's {@link ContentChecksum} without reading the data:
   * locates every chunk (under the lock), reads the Fletcher-32 checksum each ends with, and adds
   * the chunk time bounds, the dictionaries' checksums and the layout. The chunks' checksums are
   * kept: a chunk read later must still end with the same one.
   */
  private void verifyContent(String expected) {
    int n = schema.size();
    synchronized (NativeHdf5.LOCK) {
      checkOpen();
      for (int c = 0; c < chunkCount; c++) {
        for (int i = 0; i < n; i++) {
          locateChunk(i, false, c);
          if (maskDatasets[i] >= 0) {
            locateChunk(i, true, c);
          }
        }
      }
    }
    for (int i = 0; i < n; i++) {
      fletchers[i] = new int[chunkCount];
      maskFletchers[i] = maskDatasets[i] >= 0 ? new int[chunkCount] : null;
    }
    // where each checksum lies, chunk by chunk and column by column (data, then mask; -1: none)
    long[] tails = new long[2 * n * chunkCount];
    int k = 0;
    for (int c = 0; c < chunkCount; c++) {
      for (int i = 0; i < n; i++) {
        tails[k++] = addresses[i][c] + sizes[i][c] - 4;
        boolean masked = maskDatasets[i] >= 0 && maskAddresses[i][c] != DirectChunks.UNALLOCATED;
        tails[k++] = masked ? maskAddresses[i][c] + maskSizes[i][c] - 4 : -1;
      }
    }
    int[] sums = storedFletcher32s(tails, 2 * n);
    ContentChecksum content = new ContentChecksum();
    k = 0;
    for (int c = 0; c < chunkCount; c++) {
      for (int i = 0; i < n; i++) {
        fletchers[i][c] = sums[k];
        content.chunk(sizes[i][c], filterMasks[i][c], sums[k++]);
        if (tails[k] < 0) {
          content.noChunk();
        } else {
          maskFletchers[i][c] = sums[k];
          content.chunk(maskSizes[i][c], maskFilterMasks[i][c], sums[k]);
        }
        k++;
      }
    }
    content.chunkTimes(chunkMin, chunkMax);
    for (int i = 0; i < n; i++) {
      if (schema.field(i).type() == ColumnType.STRING) {
        content.dictionary(dictionaryCrcs[i]);
      }
    }
    String actual = content.finish(schema, rowCount, chunkRows, timeMin, timeMax, sorted);
    if (!expected.equalsIgnoreCase(actual)) {
      throw corruptAtOpen(": its content (the checksums of its chunks, the chunk time bounds, the dictionaries"
          + " and the layout attributes) has CRC32C " + actual + " but the manifest recorded " + expected
          + "; the file is not the one that was written; the store rebuilds it from the raw copy when there is one");
    }
  }

  /**
   * The Fletcher-32 checksums (little-endian ints) at file positions {@code tails} ({@code -1}:
   * none; {@code perChunk} of them per chunk, for messages). Chunks lie in the file about in the
   * order they are listed, so checksums that follow one another within {@link #CHECKSUM_WINDOW}
   * bytes are read together: small chunks cost one read per window, not one per chunk.
   */
  private int[] storedFletcher32s(long[] tails, int perChunk) {
    int[] out = new int[tails.length];
    ByteBuffer window = ByteBuffer.allocate(CHECKSUM_WINDOW).order(ByteOrder.LITTLE_ENDIAN);
    long start = 0;
    long end = 0;
    for (int k = 0; k < tails.length; k++) {
      long t = tails[k];
      if (t < 0) {
        continue;
      }
      if (t < start || t + 4 > end) {
        start = t;
        end = t + 4;
        for (int j = k + 1; j < tails.length; j++) {
          long u = tails[j];
          if (u < 0) {
            continue;
          }
          if (u < end - 4 || u + 4 - start > CHECKSUM_WINDOW) {
            break;
          }
          end = Math.max(end, u + 4);
        }
        window.clear().limit((int) (end - start));
        readChunk(window, start, "the chunk checksums", k / perChunk);
      }
      out[k] = window.getInt((int) (t - start));
    }
    return out;
  }

  private CorruptDataException corruptAtOpen(String what) {
    return new CorruptDataException("HDF5 file " + path + " of " + description + " " + what);
  }

  private long[] unknownLocations() {
    long[] a = new long[chunkCount];
    Arrays.fill(a, UNKNOWN);
    return a;
  }

  /**
   * Checks that a column's dataset is what the writer makes — one dimension of {@link #rowCount}
   * rows, chunks of {@link #chunkRows}, the file type of the column type ({@code null}: a uint8
   * null mask), filters shuffle, deflate, Fletcher-32 — and returns its filter pipeline.
   */
  private FilterPipeline checkColumnDataset(long dataset, String what, ColumnType type) throws HDF5Exception {
    long[] dims = Hdf5Io.dims(dataset);
    if (dims.length != 1 || dims[0] != rowCount) {
      throw corruptAtOpen(": " + what + " has " + (dims.length == 1 ? dims[0] + " rows" : "rank " + dims.length)
          + " but the file has " + rowCount + " rows");
    }
    long ftype = H5.H5Dget_type(dataset);
    int elementSize;
    try {
      elementSize = checkType(ftype, what, type);
    } finally {
      H5.H5Tclose(ftype);
    }
    long dcpl = H5.H5Dget_create_plist(dataset);
    try {
      long[] chunk = new long[1];
      if (H5.H5Pget_layout(dcpl) != HDF5Constants.H5D_CHUNKED || H5.H5Pget_chunk(dcpl, 1, chunk) != 1
          || chunk[0] != chunkRows) {
        throw corruptAtOpen(": " + what + " is not stored in chunks of " + chunkRows + " rows");
      }
      int count = H5.H5Pget_nfilters(dcpl);
      int[] filters = new int[count];
      for (int f = 0; f < count; f++) {
        filters[f] = H5.H5Pget_filter(dcpl, f, new int[1], new long[] {8}, new int[8], 64, new String[1],
            new int[1]);
      }
      FilterPipeline p = FilterPipeline.forReading(elementSize, chunkRows, filters);
      if (p == null) {
        throw corruptAtOpen(": " + what + " has the filters " + Arrays.toString(filters) + "; optstore writes"
            + " shuffle (2), deflate (1) and Fletcher-32 (3), always ending in Fletcher-32");
      }
      return p;
    } finally {
      H5.H5Pclose(dcpl);
    }
  }

  /** The element size of the file type expected for {@code type}; anything else is refused. */
  private int checkType(long ftype, String what, ColumnType type) throws HDF5Exception {
    long want;
    long owned = -1;
    int size;
    if (type == null) {
      want = HDF5Constants.H5T_STD_U8LE;
      size = 1;
    } else {
      switch (type) {
        case TIMESTAMP, INT64 -> {
          want = HDF5Constants.H5T_STD_I64LE;
          size = 8;
        }
        case INT32, STRING -> {
          want = HDF5Constants.H5T_STD_I32LE;
          size = 4;
        }
        case FLOAT64 -> {
          want = HDF5Constants.H5T_IEEE_F64LE;
          size = 8;
        }
        case FLOAT32 -> {
          want = HDF5Constants.H5T_IEEE_F32LE;
          size = 4;
        }
        case BOOL -> {
          owned = Hdf5Io.boolType();
          want = owned;
          size = 1;
        }
        default -> throw new AssertionError(type);
      }
    }
    try {
      if (!H5.H5Tequal(ftype, want)) {
        throw corruptAtOpen(": " + what + " is not stored with the HDF5 type optstore writes for "
            + (type == null ? "null masks" : type));
      }
    } finally {
      if (owned >= 0) {
        H5.H5Tclose(owned);
      }
    }
    return size;
  }

  private void readWhole(String link, long[] out) throws HDF5Exception {
    long d = H5.H5Dopen(group, link, H5P_DEFAULT);
    try {
      long[] dims = Hdf5Io.dims(d);
      if (dims.length != 1 || dims[0] != out.length) {
        throw corruptAtOpen(": chunk index " + link + " does not have one entry per chunk (" + out.length + ")");
      }
      Hdf5Io.read(d, HDF5Constants.H5T_NATIVE_INT64, 0, out.length, out);
    } finally {
      H5.H5Dclose(d);
    }
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public long rowCount() {
    return rowCount;
  }

  @Override
  public Set<Pushdown> pushdown(BoundQuery query) {
    return timeRangeApplies(query) ? EnumSet.of(Pushdown.TIME_RANGE) : EnumSet.noneOf(Pushdown.class);
  }

  private boolean timeRangeApplies(BoundQuery query) {
    return query.hasTimeRange() && sorted && schema.timeColumnIndex() >= 0;
  }

  @Override
  public Frame read(BoundQuery query) {
    RowRange range = rowRange(query);
    return readRows(query.readColumns(), range.from, (int) (range.to - range.from), range);
  }

  @Override
  public FrameStream stream(BoundQuery query, int batchRows) {
    if (batchRows < 1) {
      throw new org.optstore.InvalidArgumentException("batchRows must be at least 1, got " + batchRows);
    }
    RowRange range = rowRange(query);
    List<String> columns = query.readColumns();
    Schema out = schema.project(columns);
    return new FrameStream() {
      long next = range.from;
      // rows [bufferFrom, bufferFrom + buffer.rowCount()) read ahead to the end of a chunk, so that
      // batches smaller than a chunk do not decode it again and again
      Frame buffer;
      long bufferFrom;

      @Override
      public Schema schema() {
        return out;
      }

      @Override
      public boolean hasNext() {
        return next < range.to;
      }

      @Override
      public Frame next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more batches of " + description);
        }
        int n = (int) Math.min(batchRows, range.to - next);
        if (buffer == null || next + n > bufferFrom + buffer.rowCount()) {
          long end = Math.min(range.to, Math.max(next + n, ((next + n + chunkRows - 1) / chunkRows) * chunkRows));
          buffer = readRows(columns, next, (int) Math.min(Integer.MAX_VALUE - 8, end - next), range);
          bufferFrom = next;
        }
        int at = (int) (next - bufferFrom);
        Frame f = at == 0 && n == buffer.rowCount() ? buffer : buffer.slice(at, at + n);
        next += n;
        return f;
      }

      @Override
      public void close() {
        next = range.to;
        buffer = null;
      }
    };
  }

  @Override
  public List<Block> blocks() {
    List<Block> out = new ArrayList<>(chunkCount);
    for (int c = 0; c < chunkCount; c++) {
      long first = (long) c * chunkRows;
      int n = (int) Math.min(chunkRows, rowCount - first);
      boolean timed = chunkMin.length > 0;
      out.add(new Block(first, n, timed ? chunkMin[c] : Long.MIN_VALUE, timed ? chunkMax[c] : Long.MAX_VALUE));
    }
    return List.copyOf(out);
  }

  @Override
  public Column readBlock(int block, String column) {
    long first = (long) block * chunkRows;
    if (block < 0 || first >= rowCount) {
      throw new org.optstore.InvalidArgumentException("block " + block + " is outside the "
          + chunkCount + " blocks of " + description);
    }
    int n = (int) Math.min(chunkRows, rowCount - first);
    return readRows(List.of(column), first, n, null).column(0);
  }

  /**
   * The rows {@code [from, to)} a query needs, and the time column's chunks decoded to find them
   * (chunk index and values, or -1 and null).
   */
  private record RowRange(long from, long to, int chunkA, long[] timesA, int chunkB, long[] timesB) {
    long[] decodedTimes(int chunk) {
      return chunk == chunkA ? timesA : chunk == chunkB ? timesB : null;
    }
  }

  private RowRange rowRange(BoundQuery query) {
    if (!timeRangeApplies(query)) {
      return new RowRange(0, rowCount, -1, null, -1, null);
    }
    TimeRange r = query.timeRange();
    if (r.isEmpty() || rowCount == 0) {
      return new RowRange(0, 0, -1, null, -1, null);
    }
    long[] decoded = new long[] {-1, -1};
    long[][] times = new long[2][];
    long lo = r.hasFrom() ? firstRowAtOrAfter(r.fromMicros(), decoded, times, 0) : 0;
    long hi = r.hasTo() ? firstRowAtOrAfter(r.toMicros(), decoded, times, 1) : rowCount;
    return new RowRange(lo, Math.max(lo, hi), (int) decoded[0], times[0], (int) decoded[1], times[1]);
  }

  /**
   * The first row whose time is {@code >= t}, or {@link #rowCount} when none is. A boundary chunk
   * it decodes is kept in {@code decoded[slot]}/{@code times[slot]} for the read that follows.
   */
  private long firstRowAtOrAfter(long t, long[] decoded, long[][] times, int slot) {
    // chunks are in time order: the first chunk whose maximum reaches t holds the answer
    int lo = 0;
    int hi = chunkMax.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (chunkMax[mid] < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo == chunkMax.length) {
      return rowCount;
    }
    long first = (long) lo * chunkRows;
    if (chunkMin[lo] >= t) {
      return first;
    }
    long[] values;
    if (slot == 1 && decoded[0] == lo) {
      values = times[0];
    } else {
      values = decodeTimeChunk(lo);
      decoded[slot] = lo;
      times[slot] = values;
    }
    int a = 0;
    int b = values.length;
    while (a < b) {
      int mid = (a + b) >>> 1;
      if (values[mid] < t) {
        a = mid + 1;
      } else {
        b = mid;
      }
    }
    return first + a;
  }

  /** The time column's values in chunk {@code c}. */
  private long[] decodeTimeChunk(int c) {
    int ti = schema.timeColumnIndex();
    long first = (long) c * chunkRows;
    long[] values = new long[(int) Math.min(chunkRows, rowCount - first)];
    Piece p;
    synchronized (NativeHdf5.LOCK) {
      checkOpen();
      p = locate(ti, false, c, 0, values.length, values, 0);
    }
    decodeAll(List.of(p), first, values.length);
    return values;
  }

  /** One stored chunk, or the part of it that a read needs, and where its values go. */
  private record Piece(int column, boolean mask, int chunk, long address, int size, int filterMask, int from,
      int count, Object dest, int destPos) {}

  private Frame readRows(List<String> columns, long first, int n, RowRange decodedTimes) {
    int[] index = new int[columns.size()];
    Object[] values = new Object[columns.size()];
    byte[][] masks = new byte[columns.size()][];
    List<Piece> pieces = new ArrayList<>();
    StringDictionary[] dicts = new StringDictionary[columns.size()];
    int timeIndex = schema.timeColumnIndex();
    for (int k = 0; k < columns.size(); k++) {
      int i = schema.indexOf(columns.get(k));
      index[k] = i;
      values[k] = newValues(schema.field(i).type(), n);
      if (maskDatasets[i] >= 0) {
        masks[k] = new byte[n];
      }
    }
    long end = first + n;
    int c0 = (int) (first / chunkRows);
    int c1 = n == 0 ? c0 - 1 : (int) ((end - 1) / chunkRows);
    synchronized (NativeHdf5.LOCK) {
      checkOpen();
      for (int k = 0; k < columns.size(); k++) {
        int i = index[k];
        for (int c = c0; c <= c1; c++) {
          long chunkFirst = (long) c * chunkRows;
          int from = (int) (Math.max(first, chunkFirst) - chunkFirst);
          int count = (int) (Math.min(end, chunkFirst + chunkRows) - chunkFirst) - from;
          int destPos = (int) (chunkFirst + from - first);
          long[] reuse = i == timeIndex && decodedTimes != null ? decodedTimes.decodedTimes(c) : null;
          if (reuse != null) {
            System.arraycopy(reuse, from, values[k], destPos, count);
          } else {
            pieces.add(locate(i, false, c, from, count, values[k], destPos));
          }
          if (masks[k] != null) {
            Piece m = locate(i, true, c, from, count, masks[k], destPos);
            if (m != null) {
              pieces.add(m);
            }
          }
        }
        if (schema.field(i).type() == ColumnType.STRING) {
          dicts[k] = dictionary(i);
        }
      }
    }
    decodeAll(pieces, first, n);
    Frame.Builder b = Frame.builder();
    for (int k = 0; k < columns.size(); k++) {
      b.column(columns.get(k), column(index[k], values[k], masks[k], dicts[k], first, n));
    }
    String time = schema.timeColumn().orElse(null);
    if (time != null && columns.contains(time)) {
      b.timeColumn(time);
    } else {
      b.noTimeColumn();
    }
    return b.build();
  }

  private static Object newValues(ColumnType type, int n) {
    return switch (type) {
      case TIMESTAMP, INT64 -> new long[n];
      case INT32, STRING -> new int[n];
      case FLOAT64 -> new double[n];
      case FLOAT32 -> new float[n];
      case BOOL -> new byte[n];
    };
  }

  /**
   * Where chunk {@code c} of column {@code i} (or of its null mask) is stored; under the lock. A
   * mask chunk that was never written (no nulls up to there) is {@code null}.
   */
  private Piece locate(int i, boolean mask, int c, int from, int count, Object dest, int destPos) {
    locateChunk(i, mask, c);
    long[] addr = mask ? maskAddresses[i] : addresses[i];
    if (addr[c] == DirectChunks.UNALLOCATED) {
      return null;
    }
    int size = (int) (mask ? maskSizes[i][c] : sizes[i][c]);
    int fm = mask ? maskFilterMasks[i][c] : filterMasks[i][c];
    return new Piece(i, mask, c, addr[c], size, fm, from, count, dest, destPos);
  }

  /**
   * Makes sure the location of chunk {@code c} of column {@code i} or of its null mask is known
   * — on first use, every chunk of that dataset is located in one pass — and checks that it lies
   * inside the file; a missing data chunk is corrupt. Under the lock.
   */
  private void locateChunk(int i, boolean mask, int c) {
    long[] addr = mask ? maskAddresses[i] : addresses[i];
    long[] size = mask ? maskSizes[i] : sizes[i];
    String what = mask ? "null mask of column '" + schema.field(i).name() + "'" : "column '"
        + schema.field(i).name() + "'";
    if (addr[c] == UNKNOWN) {
      try {
        DirectChunks.locateAll(mask ? maskDatasets[i] : datasets[i], chunkRows, addr, size,
            mask ? maskFilterMasks[i] : filterMasks[i]);
      } catch (RuntimeException e) {
        Arrays.fill(addr, UNKNOWN);
        throw corruptChunk(what, c, "its chunk index could not be read (" + e.getMessage() + ")", e);
      }
    }
    if (addr[c] == DirectChunks.UNALLOCATED) {
      if (!mask) {
        throw corruptChunk(what, c, "the chunk was never written (the chunk index has no entry for it)", null);
      }
      return;
    }
    FilterPipeline p = mask ? maskPipelines[i] : pipelines[i];
    if (size[c] < 4 || size[c] > 2L * p.maxStoredBytes() + 1024 || addr[c] < 0 || addr[c] > fileSize - size[c]) {
      throw corruptChunk(what, c, "the chunk index places it at byte " + addr[c] + " with " + size[c]
          + " bytes, outside the file's " + fileSize + " bytes", null);
    }
  }

  /** Reads and decodes the pieces on this thread and the workers. */
  private void decodeAll(List<Piece> pieces, long first, int n) {
    try {
      CodecWorkers.runAll(pieces.size(), (k, scratch) -> decode(pieces.get(k), scratch),
          "reading rows " + first + ".." + (first + n) + " of " + description);
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      throw new DataStoreException("reading " + path + " of " + description + " failed (" + t + ")", t);
    }
  }

  private void decode(Piece p, FilterPipeline.Scratch scratch) {
    String what = p.mask ? "null mask of column '" + schema.field(p.column).name() + "'" : "column '"
        + schema.field(p.column).name() + "'";
    byte[] raw = scratch.raw(p.size);
    readChunk(ByteBuffer.wrap(raw, 0, p.size), p.address, what, p.chunk);
    int[] checked = p.mask ? maskFletchers[p.column] : fletchers[p.column];
    if (checked != null && Fletcher32.stored(raw, p.size) != checked[p.chunk]) {
      throw corruptChunk(what, p.chunk, "it ends in the Fletcher-32 checksum " + Integer.toHexString(
          Fletcher32.stored(raw, p.size)) + ", not the " + Integer.toHexString(checked[p.chunk]) + " that was"
          + " checked against the manifest when the file was opened: the file changed while it was open", null);
    }
    FilterPipeline pipeline = p.mask ? maskPipelines[p.column] : pipelines[p.column];
    try {
      pipeline.decode(raw, p.size, p.filterMask, p.dest, p.destPos, p.from, p.count, scratch);
    } catch (FilterPipeline.BadChunkException e) {
      throw corruptChunk(what, p.chunk, e.getMessage(), e);
    }
  }

  /** Reads {@code buf}'s remaining bytes from file position {@code address}. */
  private void readChunk(ByteBuffer buf, long address, String what, int chunk) {
    int start = buf.position();
    for (int attempt = 0; ; attempt++) {
      FileChannel ch = channel;
      try {
        buf.position(start);
        while (buf.hasRemaining()) {
          if (ch.read(buf, address + buf.position() - start) < 0) {
            throw corruptChunk(what, chunk, "the file ends inside the chunk (at byte " + fileSize + ")", null);
          }
        }
        return;
      } catch (ClosedChannelException e) {
        recover(ch, e, attempt);
      } catch (IOException e) {
        throw new DataStoreException("reading " + path + " of " + description + " failed (" + e + "); check the"
            + " disk", e);
      }
    }
  }

  /**
   * After {@code broken} was closed under a read: a thread interrupted during channel I/O closes
   * the channel for every thread, so it is reopened (once, by whichever thread gets here first)
   * unless the reader itself was closed. The interrupted thread's read then fails with a
   * {@link DataStoreException} saying so, its interrupt flag still set; the other threads' reads
   * go on with the new channel.
   */
  private void recover(FileChannel broken, ClosedChannelException e, int attempt) {
    boolean interrupted = e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted();
    synchronized (channelLock) {
      if (closed) {
        throw new StoreClosedException("reader of " + description + " (" + path + ") was closed during a read;"
            + " open the dataset again", e);
      }
      if (channel == broken) {
        try {
          channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException io) {
          throw new DataStoreException("HDF5 file " + path + " of " + description + " cannot be reopened after an"
              + " interrupted read closed it (" + io + "); open the dataset again", io);
        }
        LOG.debug("reopened {} after {}", path, e.toString());
      }
    }
    if (interrupted) {
      throw new DataStoreException("read of " + description + " (" + path + ") was interrupted; the reader stays"
          + " usable, retry the read", e);
    }
    if (attempt >= MAX_REOPENS) {
      throw new DataStoreException("read of " + description + " (" + path + ") failed: interrupted threads closed"
          + " its channel " + (attempt + 1) + " times during the read; retry the read", e);
    }
  }

  private Column column(int i, Object values, byte[] mask, StringDictionary dict, long first, int n) {
    NullMask nulls = NullMask.none(n);
    if (mask != null) {
      long[] words = new long[(n + 63) >>> 6];
      boolean any = false;
      for (int r = 0; r < n; r++) {
        if (mask[r] != 0) {
          words[r >>> 6] |= 1L << r;
          any = true;
        }
      }
      if (any) {
        nulls = NullMask.fromWords(words, n);
      }
    }
    ColumnType type = schema.field(i).type();
    switch (type) {
      case TIMESTAMP, INT64 -> {
        return LongColumn.wrap(type, (long[]) values, nulls);
      }
      case INT32 -> {
        return IntColumn.wrap(type, (int[]) values, nulls);
      }
      case FLOAT64 -> {
        return DoubleColumn.wrap(type, (double[]) values, nulls);
      }
      case FLOAT32 -> {
        return FloatColumn.wrap(type, (float[]) values, nulls);
      }
      case BOOL -> {
        return BoolColumn.wrap((byte[]) values, nulls);
      }
      case STRING -> {
        int[] v = (int[]) values;
        int size = dict.size();
        for (int r = 0; r < n; r++) {
          int c = v[r];
          if (c < 0 || c >= size) {
            if (c == -1 && nulls.isNull(r)) {
              v[r] = 0;
              continue;
            }
            throw new CorruptDataException("HDF5 file " + path + " of " + description + ": column '"
                + schema.field(i).name() + "' row " + (first + r) + " has dictionary code " + c + " outside [0, "
                + size + ")");
          }
        }
        return StringColumn.ofCodes(IntColumn.wrap(ColumnType.INT32, v, NullMask.none(n)), dict, nulls);
      }
      default -> throw new AssertionError(type);
    }
  }

  /**
   * The dictionary of STRING column {@code i}, read once; under the lock. Its offsets and bytes
   * must match the CRC32C of its attribute, which the manifest checksum covered at open.
   */
  private StringDictionary dictionary(int i) {
    StringDictionary d = dictionaries[i];
    if (d != null) {
      return d;
    }
    String column = schema.field(i).name();
    try {
      long g = H5.H5Gopen(group, Hdf5Layout.DICTIONARIES_GROUP + "/" + Hdf5Layout.linkName(column), H5P_DEFAULT);
      try {
        long[] offsets = readDictionaryPart(g, Hdf5Layout.DICTIONARY_OFFSETS, HDF5Constants.H5T_STD_I64LE, column);
        int count = offsets.length - 1;
        if (count < 0 || offsets[0] != 0) {
          throw corruptDictionary(column, "its offsets do not start with 0");
        }
        for (int k = 1; k <= count; k++) {
          if (offsets[k] < offsets[k - 1]) {
            throw corruptDictionary(column, "offset " + k + " (" + offsets[k] + ") is below offset " + (k - 1)
                + " (" + offsets[k - 1] + ")");
          }
        }
        if (offsets[count] > Hdf5Layout.MAX_DICTIONARY_BYTES) {
          throw corruptDictionary(column, "its offsets end at " + offsets[count] + ", past the most a dictionary"
              + " holds (" + Hdf5Layout.MAX_DICTIONARY_BYTES + " bytes)");
        }
        int length = (int) offsets[count];
        byte[] bytes = readDictionaryBytes(g, length, column);
        int crc = Hdf5Layout.dictionaryCrc(offsets, count, bytes, length);
        if (crc != dictionaryCrcs[i]) {
          throw corruptDictionary(column, "its offsets and bytes have CRC32C " + Integer.toHexString(crc)
              + " but its attribute says " + Integer.toHexString(dictionaryCrcs[i]));
        }
        int[] starts = new int[count + 1];
        for (int k = 0; k <= count; k++) {
          starts[k] = (int) offsets[k];
        }
        d = StringDictionary.ofUtf8(ByteBuffer.wrap(bytes), starts);
      } finally {
        H5.H5Gclose(g);
      }
    } catch (RuntimeException e) {
      if (e instanceof DataStoreException x) {
        throw x;
      }
      throw corruptDictionary(column, "it could not be read (" + e.getClass().getSimpleName() + ": " + e.getMessage()
          + "); it failed a checksum or is damaged");
    }
    dictionaries[i] = d;
    return d;
  }

  /** A 1-D int64 dataset of a dictionary, whole. */
  private long[] readDictionaryPart(long dictionary, String name, long fileType, String column) throws HDF5Exception {
    long ds = H5.H5Dopen(dictionary, name, H5P_DEFAULT);
    try {
      long[] dims = checkDictionaryDataset(ds, name, fileType, column);
      if (dims[0] > Hdf5Layout.MAX_DICTIONARY_BYTES) {
        throw corruptDictionary(column, "'" + name + "' has " + dims[0] + " entries");
      }
      long[] out = new long[(int) dims[0]];
      Hdf5Io.read(ds, HDF5Constants.H5T_NATIVE_INT64, 0, out.length, out);
      return out;
    } finally {
      H5.H5Dclose(ds);
    }
  }

  /** The dictionary's UTF-8 bytes, which must be {@code length} bytes. */
  private byte[] readDictionaryBytes(long dictionary, int length, String column) throws HDF5Exception {
    long ds = H5.H5Dopen(dictionary, Hdf5Layout.DICTIONARY_BYTES, H5P_DEFAULT);
    try {
      long[] dims = checkDictionaryDataset(ds, Hdf5Layout.DICTIONARY_BYTES, HDF5Constants.H5T_STD_U8LE, column);
      if (dims[0] != length) {
        throw corruptDictionary(column, "it holds " + dims[0] + " bytes but its offsets end at " + length);
      }
      byte[] out = new byte[length];
      Hdf5Io.read(ds, HDF5Constants.H5T_NATIVE_UINT8, 0, length, out);
      return out;
    } finally {
      H5.H5Dclose(ds);
    }
  }

  private long[] checkDictionaryDataset(long ds, String name, long fileType, String column) throws HDF5Exception {
    long type = H5.H5Dget_type(ds);
    try {
      if (!H5.H5Tequal(type, fileType)) {
        throw corruptDictionary(column, "'" + name + "' is not stored with the HDF5 type optstore writes");
      }
    } finally {
      H5.H5Tclose(type);
    }
    long[] dims = Hdf5Io.dims(ds);
    if (dims.length != 1) {
      throw corruptDictionary(column, "'" + name + "' has rank " + dims.length);
    }
    return dims;
  }

  private CorruptDataException corruptDictionary(String column, String why) {
    return new CorruptDataException("HDF5 file " + path + " of " + description + ": the dictionary of column '"
        + column + "' is damaged: " + why + "; the store rebuilds the file from the raw copy when there is one");
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreClosedException("reader of " + description + " (" + path + ") is closed; open the dataset again");
    }
  }

  private CorruptDataException corruptChunk(String what, int chunk, String why, Throwable cause) {
    long first = (long) chunk * chunkRows;
    return new CorruptDataException("HDF5 file " + path + " of " + description + ": reading " + what + " rows "
        + first + ".." + Math.min(rowCount, first + chunkRows) + " (chunk " + chunk + ") failed: " + why
        + "; the store rebuilds the file from the raw copy when there is one", cause);
  }

  @Override
  public void close() {
    synchronized (NativeHdf5.LOCK) {
      if (closed) {
        return;
      }
      closed = true;
      closeIds();
    }
    closeChannel();
  }

  private void closeChannel() {
    // under the lock, so that no read reopens the channel after this
    synchronized (channelLock) {
      closed = true;
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException e) {
        LOG.debug("closing {} failed", path, e);
      }
    }
  }

  private void closeIds() {
    if (datasets != null) {
      for (int i = 0; i < datasets.length; i++) {
        Hdf5Io.closeQuietly(datasets[i], 'd', path);
        Hdf5Io.closeQuietly(maskDatasets[i], 'd', path);
      }
    }
    Hdf5Io.closeQuietly(group, 'g', path);
    Hdf5Io.closeQuietly(file, 'f', path);
    group = -1;
    file = -1;
  }
}
