package org.optstore.format.hdf5;

import static hdf.hdf5lib.HDF5Constants.H5P_DEFAULT;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import hdf.hdf5lib.exceptions.HDF5Exception;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.BytePointer;
import org.optstore.BoolColumn;
import org.optstore.Column;
import org.optstore.ColumnType;
import org.optstore.DataStoreException;
import org.optstore.DoubleColumn;
import org.optstore.Field;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.StringColumn;
import org.optstore.StringDictionary;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteSummary;

/**
 * Writes one HDF5 file. Rows are staged per column in chunk-sized arrays; each full chunk of every
 * column is filtered (shuffle, deflate, Fletcher-32, see {@link FilterPipeline}) on the
 * {@link CodecWorkers} while the next rows are staged, and the filtered chunks are handed to HDF5
 * in row order with {@code H5Dwrite_chunk}, so the library's single thread only places bytes. At
 * most {@link #inFlight} chunk groups are being filtered at once. Used by one thread; every
 * native call holds {@link NativeHdf5#LOCK}.
 */
final class Hdf5FileWriter implements FormatWriter {

  private final Path path;
  private final String description;
  private final Schema schema;
  private final int chunkRows;
  private final int deflateLevel;
  private final int timeIndex;
  private final ColumnSink[] sinks;
  /** The most UTF-8 bytes a string column's dictionary may take ({@link Hdf5Layout#MAX_DICTIONARY_BYTES}). */
  private final int maxDictionaryBytes;
  /** The manifest checksum, fed chunk group by chunk group as they are written. */
  private final ContentChecksum content = new ContentChecksum();

  /** Chunk groups (one chunk of every column) submitted and not yet written, in row order. */
  private final ArrayDeque<ChunkGroup> pending = new ArrayDeque<>();
  private final int inFlight = Math.max(2, 2 * CodecWorkers.THREADS);
  private BytePointer nativeChunk;

  private long file = -1;
  private long group = -1;
  private long nullsGroup = -1;
  /** Rows handed to the workers; rows written to the file are {@code written - rows pending}. */
  private long written;
  private int staged;
  private boolean finished;
  private boolean closed;

  private long timeMin = Long.MAX_VALUE;
  private long timeMax = Long.MIN_VALUE;
  private long lastTime = Long.MIN_VALUE;
  private boolean sorted = true;
  private final List<long[]> chunkTimes = new ArrayList<>();

  Hdf5FileWriter(Path path, WriteSpec spec, int deflateLevel, int chunkRows) {
    this(path, spec, deflateLevel, chunkRows, Hdf5Layout.MAX_DICTIONARY_BYTES);
  }

  /** With a smaller dictionary limit, for tests of the refusal. */
  Hdf5FileWriter(Path path, WriteSpec spec, int deflateLevel, int chunkRows, int maxDictionaryBytes) {
    this.maxDictionaryBytes = maxDictionaryBytes;
    this.path = path;
    this.description = spec.description();
    this.schema = spec.schema();
    this.chunkRows = chunkRows;
    this.deflateLevel = deflateLevel;
    this.timeIndex = schema.timeColumnIndex();
    this.sinks = new ColumnSink[schema.size()];
    synchronized (NativeHdf5.LOCK) {
      try {
        long fapl = H5.H5Pcreate(HDF5Constants.H5P_FILE_ACCESS);
        try {
          // 1.10 object headers, B-trees v2 and chunk indexes carry checksums; h5py on HDF5 1.10 reads them
          H5.H5Pset_libver_bounds(fapl, HDF5Constants.H5F_LIBVER_V110, HDF5Constants.H5F_LIBVER_V110);
          file = H5.H5Fcreate(path.toString(), HDF5Constants.H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
        } finally {
          H5.H5Pclose(fapl);
        }
        Hdf5Io.writeString(file, Hdf5Layout.ATTR_FORMAT, "optstore");
        Hdf5Io.writeLong(file, Hdf5Layout.ATTR_LAYOUT_VERSION, Hdf5Layout.VERSION);
        group = H5.H5Gcreate(file, Hdf5Layout.GROUP, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        int widest = 1;
        for (int i = 0; i < sinks.length; i++) {
          sinks[i] = new ColumnSink(schema.field(i));
          widest = Math.max(widest, sinks[i].pipeline.maxStoredBytes());
        }
        nativeChunk = new BytePointer(widest);
      } catch (RuntimeException e) {
        closeIdsQuietly();
        throw failure("create", e);
      }
    }
  }

  @Override
  public void write(Frame batch) {
    if (finished || closed) {
      throw new IllegalStateException("writer of " + description + " is already finished or closed");
    }
    if (!batch.schema().fields().equals(schema.fields())) {
      throw new SchemaException("batch of " + description + " has columns " + batch.schema().fields()
          + " but the file was started with " + schema.fields() + "; write batches of one schema");
    }
    int n = batch.rowCount();
    if (timeIndex >= 0) {
      checkTimeColumn((LongColumn) batch.column(timeIndex), n);
    }
    int from = 0;
    while (from < n) {
      int take = Math.min(chunkRows - staged, n - from);
      for (int c = 0; c < sinks.length; c++) {
        sinks[c].stage(batch.column(c), from, take, staged);
      }
      staged += take;
      from += take;
      if (staged == chunkRows) {
        flushChunk();
      }
    }
  }

  private void checkTimeColumn(LongColumn t, int n) {
    if (t.nullCount() > 0) {
      for (int r = 0; r < n; r++) {
        if (t.isNull(r)) {
          throw new SchemaException("time column '" + schema.field(timeIndex).name() + "' of " + description
              + " is null at batch row " + r + "; the time column cannot hold nulls");
        }
      }
    }
  }

  private void flushChunk() {
    if (staged == 0) {
      return;
    }
    if (timeIndex >= 0) {
      long[] t = (long[]) sinks[timeIndex].values;
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      long prev = lastTime;
      boolean s = sorted;
      for (int i = 0; i < staged; i++) {
        long v = t[i];
        min = Math.min(min, v);
        max = Math.max(max, v);
        s &= v >= prev;
        prev = v;
      }
      sorted = s;
      lastTime = prev;
      timeMin = Math.min(timeMin, min);
      timeMax = Math.max(timeMax, max);
      chunkTimes.add(new long[] {min, max});
    }
    ChunkGroup g = new ChunkGroup(written, staged, sinks.length);
    for (int c = 0; c < sinks.length; c++) {
      sinks[c].submit(g, c);
    }
    pending.addLast(g);
    written += staged;
    staged = 0;
    while (pending.size() >= inFlight) {
      writeOldestGroup();
    }
  }

  /** Waits for the oldest group's chunks and hands them to HDF5. */
  private void writeOldestGroup() {
    ChunkGroup g = pending.removeFirst();
    String rows = "rows " + g.firstRow + ".." + (g.firstRow + g.rows);
    FilterPipeline.EncodedChunk[] data = new FilterPipeline.EncodedChunk[sinks.length];
    FilterPipeline.EncodedChunk[] masks = new FilterPipeline.EncodedChunk[sinks.length];
    for (int c = 0; c < sinks.length; c++) {
      data[c] = CodecWorkers.await(g.data[c], "filtering " + rows + " of " + description);
      masks[c] = g.masks[c] == null ? null : CodecWorkers.await(g.masks[c], "filtering " + rows + " of "
          + description);
    }
    synchronized (NativeHdf5.LOCK) {
      try {
        for (int c = 0; c < sinks.length; c++) {
          sinks[c].write(g, data[c], masks[c]);
        }
      } catch (RuntimeException e) {
        throw failure("write " + rows + " of", e);
      }
    }
    for (int c = 0; c < sinks.length; c++) {
      content.chunk(data[c].length(), data[c].filterMask(), Fletcher32.stored(data[c].bytes(), data[c].length()));
      if (masks[c] == null) {
        content.noChunk();
      } else {
        content.chunk(masks[c].length(), masks[c].filterMask(),
            Fletcher32.stored(masks[c].bytes(), masks[c].length()));
      }
    }
    for (int c = 0; c < sinks.length; c++) {
      sinks[c].recycle(g, c);
    }
  }

  @Override
  public WriteSummary finish() {
    if (finished || closed) {
      throw new IllegalStateException("writer of " + description + " is already " + (finished ? "finished" : "closed"));
    }
    flushChunk();
    while (!pending.isEmpty()) {
      writeOldestGroup();
    }
    int chunks = chunkTimes.size();
    long[] chunkMin = new long[chunks];
    long[] chunkMax = new long[chunks];
    for (int i = 0; i < chunks; i++) {
      chunkMin[i] = chunkTimes.get(i)[0];
      chunkMax[i] = chunkTimes.get(i)[1];
    }
    synchronized (NativeHdf5.LOCK) {
      try {
        long dictionaries = -1;
        for (ColumnSink s : sinks) {
          if (s.field.type() == ColumnType.STRING) {
            if (dictionaries < 0) {
              dictionaries = H5.H5Gcreate(group, Hdf5Layout.DICTIONARIES_GROUP, H5P_DEFAULT, H5P_DEFAULT,
                  H5P_DEFAULT);
            }
            s.writeDictionary(dictionaries);
          }
        }
        if (dictionaries >= 0) {
          H5.H5Gclose(dictionaries);
        }
        if (timeIndex >= 0) {
          writeChunkIndex(chunkMin, chunkMax);
        }
        String[] names = new String[schema.size()];
        String[] types = new String[schema.size()];
        for (int i = 0; i < names.length; i++) {
          names[i] = schema.field(i).name();
          types[i] = schema.field(i).type().name();
        }
        Hdf5Io.writeLong(group, Hdf5Layout.ATTR_LAYOUT_VERSION, Hdf5Layout.VERSION);
        Hdf5Io.writeLong(group, Hdf5Layout.ATTR_ROW_COUNT, written);
        Hdf5Io.writeLong(group, Hdf5Layout.ATTR_CHUNK_ROWS, chunkRows);
        if (names.length > 0) {
          Hdf5Io.writeStrings(group, Hdf5Layout.ATTR_COLUMN_NAMES, names);
          Hdf5Io.writeStrings(group, Hdf5Layout.ATTR_COLUMN_TYPES, types);
        }
        Hdf5Io.writeString(group, Hdf5Layout.ATTR_TIME_COLUMN, schema.timeColumn().orElse(""));
        Hdf5Io.writeLong(group, Hdf5Layout.ATTR_TIME_MIN, timeMin);
        Hdf5Io.writeLong(group, Hdf5Layout.ATTR_TIME_MAX, timeMax);
        Hdf5Io.writeLong(group, Hdf5Layout.ATTR_TIME_SORTED, sorted ? 1 : 0);
        closeIds();
      } catch (RuntimeException e) {
        closeIdsQuietly();
        throw failure("finish", e);
      }
    }
    finished = true;
    content.chunkTimes(chunkMin, chunkMax);
    for (ColumnSink s : sinks) {
      if (s.field.type() == ColumnType.STRING) {
        content.dictionary(s.dictionaryCrc);
      }
    }
    String crc = content.finish(schema, written, chunkRows, timeMin, timeMax, sorted);
    return new WriteSummary(written, Map.of(Hdf5Layout.CHECKSUM_KEY, crc));
  }

  private void writeChunkIndex(long[] min, long[] max) throws HDF5Exception {
    long idx = H5.H5Gcreate(group, Hdf5Layout.CHUNKS_GROUP, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    try {
      int n = min.length;
      long chunk = Math.max(1, Math.min(n, 4096));
      for (int k = 0; k < 2; k++) {
        long d = Hdf5Io.createColumn(idx, k == 0 ? Hdf5Layout.CHUNK_TIME_MIN : Hdf5Layout.CHUNK_TIME_MAX,
            HDF5Constants.H5T_STD_I64LE, chunk, deflateLevel);
        try {
          Hdf5Io.append(d, HDF5Constants.H5T_NATIVE_INT64, 0, n, k == 0 ? min : max);
        } finally {
          H5.H5Dclose(d);
        }
      }
    } finally {
      H5.H5Gclose(idx);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ChunkGroup g : pending) {
      g.cancel();
    }
    pending.clear();
    synchronized (NativeHdf5.LOCK) {
      closeIdsQuietly();
    }
  }

  /**
   * Closes every identifier, the file last: closing the file flushes it, so a failure means the
   * file is incomplete and is thrown (the caller then closes what is left quietly).
   */
  private void closeIds() throws HDF5Exception {
    for (ColumnSink s : sinks) {
      Hdf5Io.close(s.dataset, 'd');
      s.dataset = -1;
      Hdf5Io.close(s.maskDataset, 'd');
      s.maskDataset = -1;
      Hdf5Io.close(s.fileType, 't');
      s.fileType = -1;
    }
    Hdf5Io.close(nullsGroup, 'g');
    nullsGroup = -1;
    Hdf5Io.close(group, 'g');
    group = -1;
    Hdf5Io.close(file, 'f');
    file = -1;
    releaseNativeChunk();
  }

  /** Closes whatever is still open on a write that failed or was abandoned. */
  private void closeIdsQuietly() {
    for (ColumnSink s : sinks) {
      if (s != null) {
        Hdf5Io.closeQuietly(s.dataset, 'd', path);
        Hdf5Io.closeQuietly(s.maskDataset, 'd', path);
        Hdf5Io.closeQuietly(s.fileType, 't', path);
        s.dataset = -1;
        s.maskDataset = -1;
        s.fileType = -1;
      }
    }
    Hdf5Io.closeQuietly(nullsGroup, 'g', path);
    Hdf5Io.closeQuietly(group, 'g', path);
    Hdf5Io.closeQuietly(file, 'f', path);
    nullsGroup = -1;
    group = -1;
    file = -1;
    releaseNativeChunk();
  }

  private void releaseNativeChunk() {
    if (nativeChunk != null) {
      nativeChunk.deallocate();
      nativeChunk = null;
    }
  }

  /** Grows the native buffer that chunks pass through to at least {@code bytes}. */
  private void ensureNativeChunk(int bytes) {
    if (nativeChunk.capacity() < bytes) {
      nativeChunk.deallocate();
      nativeChunk = new BytePointer(bytes);
    }
  }

  /** One chunk of every column: the rows, and each column's filtering in progress. */
  private static final class ChunkGroup {
    final long firstRow;
    final int rows;
    final Future<FilterPipeline.EncodedChunk>[] data;
    final Future<FilterPipeline.EncodedChunk>[] masks;
    final Object[] values;
    final byte[][] maskValues;

    @SuppressWarnings("unchecked")
    ChunkGroup(long firstRow, int rows, int columns) {
      this.firstRow = firstRow;
      this.rows = rows;
      this.data = new Future[columns];
      this.masks = new Future[columns];
      this.values = new Object[columns];
      this.maskValues = new byte[columns][];
    }

    void cancel() {
      for (int c = 0; c < data.length; c++) {
        if (data[c] != null) {
          data[c].cancel(false);
        }
        if (masks[c] != null) {
          masks[c].cancel(false);
        }
      }
    }
  }

  private static FilterPipeline.EncodedChunk encode(FilterPipeline pipeline, Object values, int rows) {
    FilterPipeline.Scratch scratch = CodecWorkers.borrow();
    try {
      return pipeline.encode(values, rows, scratch);
    } finally {
      CodecWorkers.giveBack(scratch);
    }
  }

  private static int elementSize(ColumnType type) {
    return switch (type) {
      case TIMESTAMP, INT64, FLOAT64 -> 8;
      case INT32, FLOAT32, STRING -> 4;
      case BOOL -> 1;
    };
  }

  private DataStoreException failure(String what, Exception e) {
    if (e instanceof DataStoreException d) {
      return d;
    }
    return new DataStoreException("HDF5 could not " + what + " " + description + " at " + path + " ("
        + e.getClass().getSimpleName() + ": " + e.getMessage() + "); check free disk space and permissions of "
        + path.getParent(), e);
  }

  /** One column's staging arrays and datasets. */
  private final class ColumnSink {
    final Field field;
    final FilterPipeline pipeline;
    final FilterPipeline maskPipeline;
    /** The chunk being staged; handed to the workers when full and replaced from {@link #spare}. */
    Object values;
    byte[] mask;
    boolean maskDirty;
    /** Set once a chunk with nulls was submitted: every later chunk's mask is written too. */
    boolean maskStarted;
    final ArrayDeque<Object> spare = new ArrayDeque<>();
    final ArrayDeque<byte[]> spareMasks = new ArrayDeque<>();
    long dataset = -1;
    long maskDataset = -1;
    long fileType = -1;
    // STRING only: the file's dictionary, its entries' UTF-8 bytes one after another
    final Map<String, Integer> codes;
    byte[] dictionaryBytes;
    int dictionaryLength;
    /** Where entry k starts in {@link #dictionaryBytes}; entry count + 1 are set. */
    long[] dictionaryOffsets;
    int dictionaryEntries;
    int dictionaryCrc;
    /** The dictionary of the last batch staged and its entries' codes in the file (-1: not seen yet). */
    StringDictionary lastDictionary;
    int[] lastRemap;

    ColumnSink(Field field) throws HDF5Exception {
      this.field = field;
      this.mask = new byte[chunkRows];
      String link = Hdf5Layout.linkName(field.name());
      values = newValues();
      switch (field.type()) {
        case TIMESTAMP, INT64 ->
          dataset = Hdf5Io.createColumn(group, link, HDF5Constants.H5T_STD_I64LE, chunkRows, deflateLevel);
        case INT32, STRING ->
          dataset = Hdf5Io.createColumn(group, link, HDF5Constants.H5T_STD_I32LE, chunkRows, deflateLevel);
        case FLOAT64 ->
          dataset = Hdf5Io.createColumn(group, link, HDF5Constants.H5T_IEEE_F64LE, chunkRows, deflateLevel);
        case FLOAT32 ->
          dataset = Hdf5Io.createColumn(group, link, HDF5Constants.H5T_IEEE_F32LE, chunkRows, deflateLevel);
        case BOOL -> {
          fileType = Hdf5Io.boolType();
          dataset = Hdf5Io.createColumn(group, link, fileType, chunkRows, deflateLevel);
        }
        default -> throw new AssertionError(field.type());
      }
      pipeline = FilterPipeline.forWriting(elementSize(field.type()), chunkRows, deflateLevel);
      maskPipeline = FilterPipeline.forWriting(1, chunkRows, deflateLevel);
      Hdf5Io.writeString(dataset, Hdf5Layout.ATTR_TYPE, field.type().name());
      Hdf5Io.writeString(dataset, Hdf5Layout.ATTR_NAME, field.name());
      if (field.type() == ColumnType.TIMESTAMP) {
        Hdf5Io.writeString(dataset, Hdf5Layout.ATTR_UNITS, Hdf5Layout.TIMESTAMP_UNITS);
      }
      boolean strings = field.type() == ColumnType.STRING;
      codes = strings ? new HashMap<>() : null;
      if (strings) {
        dictionaryBytes = new byte[1024];
        dictionaryOffsets = new long[64];
      }
    }

    private Object newValues() {
      return switch (field.type()) {
        case TIMESTAMP, INT64 -> new long[chunkRows];
        case INT32, STRING -> new int[chunkRows];
        case FLOAT64 -> new double[chunkRows];
        case FLOAT32 -> new float[chunkRows];
        case BOOL -> new byte[chunkRows];
      };
    }

    /** Copies rows {@code [from, from + n)} of {@code column} to staging position {@code at}. */
    void stage(Column column, int from, int n, int at) {
      switch (field.type()) {
        case TIMESTAMP, INT64 -> ((LongColumn) column).copyTo(from, (long[]) values, at, n);
        case INT32 -> ((IntColumn) column).copyTo(from, (int[]) values, at, n);
        case FLOAT64 -> ((DoubleColumn) column).copyTo(from, (double[]) values, at, n);
        case FLOAT32 -> ((FloatColumn) column).copyTo(from, (float[]) values, at, n);
        case BOOL -> {
          BoolColumn b = (BoolColumn) column;
          byte[] v = (byte[]) values;
          for (int i = 0; i < n; i++) {
            v[at + i] = (byte) (b.get(from + i) ? 1 : 0);
          }
        }
        case STRING -> stageStrings((StringColumn) column, from, n, at);
        default -> throw new AssertionError(field.type());
      }
      NullMask nulls = column.nulls();
      if (nulls.hasNulls()) {
        for (int i = 0; i < n; i++) {
          boolean isNull = nulls.isNull(from + i);
          mask[at + i] = (byte) (isNull ? 1 : 0);
          maskDirty |= isNull;
        }
      } else {
        Arrays.fill(mask, at, at + n, (byte) 0);
      }
    }

    private void stageStrings(StringColumn column, int from, int n, int at) {
      StringDictionary dict = column.dictionary();
      IntColumn batchCodes = column.codes();
      // batches sliced from one frame share its dictionary: map each entry to the file's code once
      int[] remap = lastRemap;
      if (dict != lastDictionary) {
        remap = new int[dict.size()];
        Arrays.fill(remap, -1);
        lastDictionary = dict;
        lastRemap = remap;
      }
      int[] v = (int[]) values;
      for (int i = 0; i < n; i++) {
        int row = from + i;
        if (column.isNull(row)) {
          v[at + i] = -1;
          continue;
        }
        int c = batchCodes.get(row);
        int g = remap[c];
        if (g < 0) {
          g = globalCode(dict.get(c));
          remap[c] = g;
        }
        v[at + i] = g;
      }
    }

    private int globalCode(String s) {
      Integer g = codes.get(s);
      if (g != null) {
        return g;
      }
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      if (utf8.length > maxDictionaryBytes - dictionaryLength) {
        throw new SchemaException("column '" + field.name() + "' of " + description + " has more distinct strings"
            + " than one HDF5 dictionary holds: " + dictionaryEntries + " entries take " + dictionaryLength
            + " bytes of UTF-8 and the next one " + utf8.length + " more, beyond the limit of " + maxDictionaryBytes
            + " bytes; split the dataset, or store the column with fewer distinct values");
      }
      if (dictionaryBytes.length - dictionaryLength < utf8.length) {
        long grown = Math.max((long) dictionaryLength + utf8.length, 2L * dictionaryBytes.length);
        dictionaryBytes = Arrays.copyOf(dictionaryBytes, (int) Math.min(grown, maxDictionaryBytes));
      }
      if (dictionaryEntries + 2 > dictionaryOffsets.length) {
        dictionaryOffsets = Arrays.copyOf(dictionaryOffsets, 2 * dictionaryOffsets.length);
      }
      System.arraycopy(utf8, 0, dictionaryBytes, dictionaryLength, utf8.length);
      dictionaryLength += utf8.length;
      int code = dictionaryEntries++;
      dictionaryOffsets[dictionaryEntries] = dictionaryLength;
      codes.put(s, code);
      return code;
    }

    /** Hands the staged chunk (and its null mask, once the column has nulls) to the workers. */
    void submit(ChunkGroup g, int c) {
      Object v = values;
      int rows = g.rows;
      g.values[c] = v;
      g.data[c] = CodecWorkers.submit(() -> encode(pipeline, v, rows));
      values = spare.isEmpty() ? newValues() : spare.removeFirst();
      maskStarted |= maskDirty;
      maskDirty = false;
      if (maskStarted) {
        byte[] m = mask;
        g.maskValues[c] = m;
        g.masks[c] = CodecWorkers.submit(() -> encode(maskPipeline, m, rows));
        mask = spareMasks.isEmpty() ? new byte[chunkRows] : spareMasks.removeFirst();
      }
    }

    /** Writes a group's filtered chunks of this column; the dataset grows to the group's last row. */
    void write(ChunkGroup g, FilterPipeline.EncodedChunk data, FilterPipeline.EncodedChunk maskChunk)
        throws HDF5Exception {
      long end = g.firstRow + g.rows;
      ensureNativeChunk(Math.max(data.length(), maskChunk == null ? 0 : maskChunk.length()));
      H5.H5Dset_extent(dataset, new long[] {end});
      DirectChunks.write(dataset, g.firstRow, data.filterMask(), data.bytes(), data.length(), nativeChunk);
      if (maskChunk == null) {
        return;
      }
      if (maskDataset < 0) {
        if (nullsGroup < 0) {
          nullsGroup = H5.H5Gcreate(group, Hdf5Layout.NULLS_GROUP, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        }
        // rows before this chunk had no nulls: their chunks stay unallocated and read as the fill value 0
        maskDataset = Hdf5Io.createColumn(nullsGroup, Hdf5Layout.linkName(field.name()), HDF5Constants.H5T_STD_U8LE,
            chunkRows, deflateLevel);
      }
      H5.H5Dset_extent(maskDataset, new long[] {end});
      DirectChunks.write(maskDataset, g.firstRow, maskChunk.filterMask(), maskChunk.bytes(), maskChunk.length(),
          nativeChunk);
    }

    /** Takes back the staging arrays of a written group. */
    void recycle(ChunkGroup g, int c) {
      spare.addLast(g.values[c]);
      if (g.maskValues[c] != null) {
        spareMasks.addLast(g.maskValues[c]);
      }
    }

    /**
     * Writes the dictionary as a group holding the entries' UTF-8 bytes ({@code utf8}, uint8)
     * and where each entry starts ({@code offsets}, int64, one more than there are entries),
     * with the CRC32C of both as an attribute.
     */
    void writeDictionary(long dictionaries) throws HDF5Exception {
      int n = dictionaryEntries;
      dictionaryCrc = Hdf5Layout.dictionaryCrc(dictionaryOffsets, n, dictionaryBytes, dictionaryLength);
      long dict = H5.H5Gcreate(dictionaries, Hdf5Layout.linkName(field.name()), H5P_DEFAULT, H5P_DEFAULT,
          H5P_DEFAULT);
      try {
        long bytes = Hdf5Io.createColumn(dict, Hdf5Layout.DICTIONARY_BYTES, HDF5Constants.H5T_STD_U8LE,
            Math.max(1, Math.min(dictionaryLength, 1 << 20)), deflateLevel);
        try {
          // the first dictionaryLength bytes of the array are written
          Hdf5Io.append(bytes, HDF5Constants.H5T_NATIVE_UINT8, 0, dictionaryLength, dictionaryBytes);
        } finally {
          H5.H5Dclose(bytes);
        }
        long offsets = Hdf5Io.createColumn(dict, Hdf5Layout.DICTIONARY_OFFSETS, HDF5Constants.H5T_STD_I64LE,
            Math.min(n + 1, 1 << 17), deflateLevel);
        try {
          Hdf5Io.append(offsets, HDF5Constants.H5T_NATIVE_INT64, 0, n + 1, dictionaryOffsets);
        } finally {
          H5.H5Dclose(offsets);
        }
        Hdf5Io.writeLong(dict, Hdf5Layout.ATTR_CRC32C, dictionaryCrc & 0xffff_ffffL);
      } finally {
        H5.H5Gclose(dict);
      }
    }
  }
}
