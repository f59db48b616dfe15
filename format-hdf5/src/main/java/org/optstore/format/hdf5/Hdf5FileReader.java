package org.optstore.format.hdf5;

import static hdf.hdf5lib.HDF5Constants.H5P_DEFAULT;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import hdf.hdf5lib.exceptions.HDF5Exception;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.optstore.BoolColumn;
import org.optstore.BoundQuery;
import org.optstore.Column;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.DoubleColumn;
import org.optstore.Field;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Schema;
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
 * Reads one file written by {@link Hdf5FileWriter}. The file stays open for the reader's life;
 * every read holds {@link NativeHdf5#LOCK}, so concurrent reads are safe and run one after the
 * other inside the library.
 *
 * <p>A time range on a sorted time column is cut by binary search: first over the per-chunk
 * minimum and maximum times (read once at open), then inside the time column's rows of the
 * boundary chunks; every column is then read as one hyperslab of exactly those rows.
 */
final class Hdf5FileReader implements FormatReader {

  private static final Logger LOG = LoggerFactory.getLogger(Hdf5FileReader.class);

  private final Path path;
  private final String description;
  private final Schema schema;
  private final long rowCount;
  private final int chunkRows;
  private final boolean sorted;
  private final long[] chunkMin;
  private final long[] chunkMax;
  private final long[] datasets;
  private final long[] maskDatasets;
  private final long[] memTypes;
  private final StringDictionary[] dictionaries;
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
          throw new CorruptDataException("HDF5 file " + path + " of " + description + " has no group '/"
              + Hdf5Layout.GROUP + "'; it was not written by optstore's hdf5 format");
        }
        group = H5.H5Gopen(file, Hdf5Layout.GROUP, H5P_DEFAULT);
        long version = Hdf5Io.readLong(group, Hdf5Layout.ATTR_LAYOUT_VERSION);
        if (version > Hdf5Layout.VERSION || version < 1) {
          throw new CorruptDataException("HDF5 file " + path + " of " + description + " has layout version "
              + version + " but this optstore reads versions 1.." + Hdf5Layout.VERSION
              + "; upgrade optstore's format-hdf5 to read it");
        }
        rowCount = Hdf5Io.readLong(group, Hdf5Layout.ATTR_ROW_COUNT);
        chunkRows = (int) Hdf5Io.readLong(group, Hdf5Layout.ATTR_CHUNK_ROWS);
        String[] names = Hdf5Io.hasAttribute(group, Hdf5Layout.ATTR_COLUMN_NAMES)
            ? Hdf5Io.readStrings(group, Hdf5Layout.ATTR_COLUMN_NAMES) : new String[0];
        String[] types = names.length > 0 ? Hdf5Io.readStrings(group, Hdf5Layout.ATTR_COLUMN_TYPES) : new String[0];
        String time = Hdf5Io.readString(group, Hdf5Layout.ATTR_TIME_COLUMN);
        long tMin = Hdf5Io.readLong(group, Hdf5Layout.ATTR_TIME_MIN);
        long tMax = Hdf5Io.readLong(group, Hdf5Layout.ATTR_TIME_MAX);
        sorted = Hdf5Io.readLong(group, Hdf5Layout.ATTR_TIME_SORTED) != 0;
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
          fields.add(Field.of(names[i], Hdf5Layout.parseType(types[i])));
        }
        schema = time.isEmpty() ? Schema.withoutTimeColumn(fields) : Schema.of(fields, time);
        String expected = spec.checksums().get(Hdf5Layout.CHECKSUM_KEY);
        String actual = Hdf5Layout.layoutChecksum(schema, rowCount, chunkRows, tMin, tMax, sorted);
        if (expected != null && !expected.equalsIgnoreCase(actual)) {
          throw new CorruptDataException("HDF5 file " + path + " of " + description + ": layout attributes of /"
              + Hdf5Layout.GROUP + " have CRC32C " + actual + " but the manifest recorded " + expected
              + "; the file is not the one that was written");
        }
        int n = schema.size();
        datasets = new long[n];
        maskDatasets = new long[n];
        memTypes = new long[n];
        dictionaries = new StringDictionary[n];
        java.util.Arrays.fill(datasets, -1);
        java.util.Arrays.fill(maskDatasets, -1);
        boolean hasNulls = H5.H5Lexists(group, Hdf5Layout.NULLS_GROUP, H5P_DEFAULT);
        for (int i = 0; i < n; i++) {
          String link = Hdf5Layout.linkName(names[i]);
          datasets[i] = H5.H5Dopen(group, link, H5P_DEFAULT);
          long[] dims = Hdf5Io.dims(datasets[i]);
          if (dims.length != 1 || dims[0] != rowCount) {
            throw new CorruptDataException("HDF5 file " + path + " of " + description + ": column '" + names[i]
                + "' has " + (dims.length == 1 ? dims[0] + " rows" : "rank " + dims.length) + " but the file has "
                + rowCount + " rows");
          }
          memTypes[i] = memType(schema.field(i).type(), datasets[i]);
          String maskLink = Hdf5Layout.NULLS_GROUP + "/" + link;
          if (hasNulls && H5.H5Lexists(group, maskLink, H5P_DEFAULT)) {
            maskDatasets[i] = H5.H5Dopen(group, maskLink, H5P_DEFAULT);
          }
        }
        int chunks = schema.timeColumnIndex() >= 0 ? (int) ((rowCount + chunkRows - 1) / chunkRows) : 0;
        chunkMin = new long[chunks];
        chunkMax = new long[chunks];
        if (chunks > 0) {
          readWhole(Hdf5Layout.CHUNKS_GROUP + "/" + Hdf5Layout.CHUNK_TIME_MIN, chunkMin);
          readWhole(Hdf5Layout.CHUNKS_GROUP + "/" + Hdf5Layout.CHUNK_TIME_MAX, chunkMax);
        }
      } catch (RuntimeException e) {
        closeIds();
        if (e instanceof CorruptDataException c) {
          throw c;
        }
        throw new CorruptDataException("HDF5 file " + path + " of " + description + " cannot be opened: its"
            + " metadata failed a checksum, is truncated or is not optstore's layout (" + e.getClass().getSimpleName()
            + ": " + e.getMessage() + "); the store rebuilds it from the raw copy when there is one", e);
      }
    }
    LOG.debug("opened {} ({} rows, {} columns)", path, rowCount, schema.size());
  }

  private void readWhole(String link, long[] out) throws HDF5Exception {
    long d = H5.H5Dopen(group, link, H5P_DEFAULT);
    try {
      long[] dims = Hdf5Io.dims(d);
      if (dims.length != 1 || dims[0] != out.length) {
        throw new CorruptDataException("HDF5 file " + path + " of " + description + ": chunk index " + link
            + " does not have one entry per chunk (" + out.length + ")");
      }
      Hdf5Io.read(d, HDF5Constants.H5T_NATIVE_INT64, 0, out.length, out);
    } finally {
      H5.H5Dclose(d);
    }
  }

  private static long memType(ColumnType type, long dataset) throws HDF5Exception {
    return switch (type) {
      case TIMESTAMP, INT64 -> HDF5Constants.H5T_NATIVE_INT64;
      case INT32, STRING -> HDF5Constants.H5T_NATIVE_INT32;
      case FLOAT64 -> HDF5Constants.H5T_NATIVE_DOUBLE;
      case FLOAT32 -> HDF5Constants.H5T_NATIVE_FLOAT;
      // the file's own enum type, so HDF5 converts nothing
      case BOOL -> H5.H5Dget_type(dataset);
    };
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
    long[] range = rowRange(query);
    return readRows(query.readColumns(), range[0], (int) (range[1] - range[0]));
  }

  @Override
  public FrameStream stream(BoundQuery query, int batchRows) {
    if (batchRows < 1) {
      throw new org.optstore.InvalidArgumentException("batchRows must be at least 1, got " + batchRows);
    }
    long[] range = rowRange(query);
    List<String> columns = query.readColumns();
    Schema out = schema.project(columns);
    return new FrameStream() {
      long next = range[0];

      @Override
      public Schema schema() {
        return out;
      }

      @Override
      public boolean hasNext() {
        return next < range[1];
      }

      @Override
      public Frame next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more batches of " + description);
        }
        int n = (int) Math.min(batchRows, range[1] - next);
        Frame f = readRows(columns, next, n);
        next += n;
        return f;
      }

      @Override
      public void close() {
        next = range[1];
      }
    };
  }

  @Override
  public List<Block> blocks() {
    int chunks = (int) ((rowCount + chunkRows - 1) / chunkRows);
    List<Block> out = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
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
          + blocks().size() + " blocks of " + description);
    }
    int n = (int) Math.min(chunkRows, rowCount - first);
    return readRows(List.of(column), first, n).column(0);
  }

  /** The rows {@code [from, to)} a query needs: the time range's rows when it can be cut, else all. */
  private long[] rowRange(BoundQuery query) {
    if (!timeRangeApplies(query)) {
      return new long[] {0, rowCount};
    }
    TimeRange r = query.timeRange();
    if (r.isEmpty() || rowCount == 0) {
      return new long[] {0, 0};
    }
    long lo = r.hasFrom() ? firstRowAtOrAfter(r.fromMicros()) : 0;
    long hi = r.hasTo() ? firstRowAtOrAfter(r.toMicros()) : rowCount;
    return new long[] {lo, Math.max(lo, hi)};
  }

  /** The first row whose time is {@code >= t}, or {@link #rowCount} when none is. */
  private long firstRowAtOrAfter(long t) {
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
    int n = (int) Math.min(chunkRows, rowCount - first);
    long[] times = new long[n];
    int ti = schema.timeColumnIndex();
    synchronized (NativeHdf5.LOCK) {
      checkOpen();
      try {
        Hdf5Io.read(datasets[ti], memTypes[ti], first, n, times);
      } catch (RuntimeException e) {
        throw corrupt(schema.field(ti).name(), first, n, e);
      }
    }
    int a = 0;
    int b = n;
    while (a < b) {
      int mid = (a + b) >>> 1;
      if (times[mid] < t) {
        a = mid + 1;
      } else {
        b = mid;
      }
    }
    return first + a;
  }

  private Frame readRows(List<String> columns, long first, int n) {
    Frame.Builder b = Frame.builder();
    synchronized (NativeHdf5.LOCK) {
      checkOpen();
      for (String name : columns) {
        int i = schema.indexOf(name);
        try {
          b.column(name, readColumn(i, first, n));
        } catch (RuntimeException e) {
          if (e instanceof org.optstore.DataStoreException d) {
            throw d;
          }
          throw corrupt(name, first, n, e);
        }
      }
    }
    String time = schema.timeColumn().orElse(null);
    if (time != null && columns.contains(time)) {
      b.timeColumn(time);
    } else {
      b.noTimeColumn();
    }
    return b.build();
  }

  private Column readColumn(int i, long first, int n) throws HDF5Exception {
    NullMask nulls = NullMask.none(n);
    if (maskDatasets[i] >= 0) {
      byte[] m = new byte[n];
      Hdf5Io.read(maskDatasets[i], HDF5Constants.H5T_NATIVE_UINT8, first, n, m);
      boolean[] isNull = new boolean[n];
      boolean any = false;
      for (int r = 0; r < n; r++) {
        isNull[r] = m[r] != 0;
        any |= isNull[r];
      }
      if (any) {
        nulls = NullMask.of(isNull);
      }
    }
    ColumnType type = schema.field(i).type();
    switch (type) {
      case TIMESTAMP, INT64 -> {
        long[] v = new long[n];
        Hdf5Io.read(datasets[i], memTypes[i], first, n, v);
        return LongColumn.wrap(type, v, nulls);
      }
      case INT32 -> {
        int[] v = new int[n];
        Hdf5Io.read(datasets[i], memTypes[i], first, n, v);
        return IntColumn.wrap(type, v, nulls);
      }
      case FLOAT64 -> {
        double[] v = new double[n];
        Hdf5Io.read(datasets[i], memTypes[i], first, n, v);
        return DoubleColumn.wrap(type, v, nulls);
      }
      case FLOAT32 -> {
        float[] v = new float[n];
        Hdf5Io.read(datasets[i], memTypes[i], first, n, v);
        return FloatColumn.wrap(type, v, nulls);
      }
      case BOOL -> {
        byte[] v = new byte[n];
        Hdf5Io.read(datasets[i], memTypes[i], first, n, v);
        return BoolColumn.wrap(v, nulls);
      }
      case STRING -> {
        int[] v = new int[n];
        Hdf5Io.read(datasets[i], memTypes[i], first, n, v);
        StringDictionary dict = dictionary(i);
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

  private StringDictionary dictionary(int i) throws HDF5Exception {
    StringDictionary d = dictionaries[i];
    if (d != null) {
      return d;
    }
    long ds = H5.H5Dopen(group, Hdf5Layout.DICTIONARIES_GROUP + "/" + Hdf5Layout.linkName(schema.field(i).name()),
        H5P_DEFAULT);
    try {
      long type = H5.H5Dget_type(ds);
      try {
        int width = (int) H5.H5Tget_size(type);
        int n = (int) Hdf5Io.dims(ds)[0];
        byte[] buf = new byte[Math.multiplyExact(n, width)];
        Hdf5Io.read(ds, type, 0, n, buf);
        int[] offsets = new int[n + 1];
        int out = 0;
        for (int k = 0; k < n; k++) {
          int s = k * width;
          int e = s + width;
          while (e > s && buf[e - 1] == 0) {
            e--;
          }
          System.arraycopy(buf, s, buf, out, e - s);
          out += e - s;
          offsets[k + 1] = out;
        }
        d = StringDictionary.ofUtf8(ByteBuffer.wrap(buf, 0, out), offsets);
      } finally {
        H5.H5Tclose(type);
      }
    } finally {
      H5.H5Dclose(ds);
    }
    dictionaries[i] = d;
    return d;
  }

  private void checkOpen() {
    if (closed) {
      throw new org.optstore.StoreClosedException("reader of " + description + " (" + path + ") is closed");
    }
  }

  private CorruptDataException corrupt(String column, long first, int n, Exception e) {
    return new CorruptDataException("HDF5 file " + path + " of " + description + ": reading column '" + column
        + "' rows " + first + ".." + (first + n) + " failed (" + e.getClass().getSimpleName() + ": "
        + e.getMessage() + "); a chunk failed its Fletcher-32 checksum or could not be decompressed; the store"
        + " rebuilds the file from the raw copy when there is one", e);
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
  }

  private void closeIds() {
    if (datasets != null) {
      for (int i = 0; i < datasets.length; i++) {
        Hdf5Io.closeQuietly(datasets[i], 'd');
        Hdf5Io.closeQuietly(maskDatasets[i], 'd');
        if (schema.field(i).type() == ColumnType.BOOL) {
          Hdf5Io.closeQuietly(memTypes[i], 't');
        }
      }
    }
    Hdf5Io.closeQuietly(group, 'g');
    Hdf5Io.closeQuietly(file, 'f');
    group = -1;
    file = -1;
  }
}
