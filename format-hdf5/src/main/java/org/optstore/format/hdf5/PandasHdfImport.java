package org.optstore.format.hdf5;

import static hdf.hdf5lib.HDF5Constants.H5P_DEFAULT;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import hdf.hdf5lib.exceptions.HDF5Exception;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.optstore.BoolColumn;
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
import org.optstore.SchemaException;
import org.optstore.StringColumn;
import org.optstore.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the HDF5 files pandas writes with {@code DataFrame.to_hdf}: the default "fixed" format
 * ({@code pandas_type = frame}: one 2-D dataset per dtype block, column names in
 * {@code blockN_items}) and the PyTables "table" format ({@code pandas_type = frame_table}: one
 * compound dataset {@code table}, column names in pickled attributes).
 *
 * <p>Types: int8..int64 and uint8..uint32 become INT32/INT64, float32/float64 FLOAT32/FLOAT64,
 * bool BOOL, datetime64[ns] (also tz-aware, stored as UTC) TIMESTAMP in microseconds with the
 * sub-microsecond rest dropped (rounded down, counted and logged), NaT a null, fixed-width byte
 * strings (table format) STRING with pandas' {@code nan_rep} read as null. Pickled metadata
 * attributes are read by {@link PickleDataDecoder}, which builds no objects. Pickled object
 * columns of the fixed format are refused, never unpickled. A non-trivial index becomes a column
 * (named after the index, else {@code index}); a plain 0..n-1 integer index is dropped.
 */
final class PandasHdfImport {

  private static final Logger LOG = LoggerFactory.getLogger(PandasHdfImport.class);

  static final int BATCH_ROWS = 65_536;

  private PandasHdfImport() {}

  static boolean isPickleFileName(String lowerCaseName) {
    return lowerCaseName.endsWith(".pkl") || lowerCaseName.endsWith(".pickle") || lowerCaseName.endsWith(".p");
  }

  static SchemaException pickleFileRefused(Path file) {
    return new SchemaException("file " + file + " is a Python pickle: unpickling runs whatever code the file names,"
        + " so optstore never reads pickle files. Convert it in Python where you trust the file, e.g."
        + " pd.read_pickle('" + file.getFileName() + "').to_hdf('data.h5', key='data', format='table')"
        + " (or .to_parquet('data.parquet')), and import the result");
  }

  /** One column to import: its name, type, and how to read a run of rows. */
  private interface ColumnSource {
    Column read(long first, int n) throws HDF5Exception;
  }

  private record ImportColumn(String name, ColumnType type, ColumnSource source) {}

  static FrameStream open(Path file, WriteOptions options) {
    synchronized (NativeHdf5.LOCK) {
      long f = -1;
      List<Long> toClose = new ArrayList<>();
      try {
        long fapl = H5.H5Pcreate(HDF5Constants.H5P_FILE_ACCESS);
        try {
          H5.H5Pset_file_locking(fapl, false, true);
          f = H5.H5Fopen(file.toString(), HDF5Constants.H5F_ACC_RDONLY, fapl);
        } finally {
          H5.H5Pclose(fapl);
        }
        String key = findKey(f, file);
        long g = H5.H5Gopen(f, key, H5P_DEFAULT);
        toClose.add(g);
        String pandasType = Hdf5Io.readString(g, "pandas_type");
        Context ctx = new Context(file, key, g, toClose, encoding(g));
        List<ImportColumn> columns;
        long rows;
        if (pandasType.equals("frame")) {
          rows = fixedColumns(ctx);
          columns = ctx.columns;
        } else if (pandasType.equals("frame_table")) {
          rows = tableColumns(ctx);
          columns = ctx.columns;
        } else {
          throw new SchemaException("file " + file + " key '/" + key + "' holds a pandas '" + pandasType
              + "'; optstore imports DataFrames (to_hdf of a DataFrame, fixed or table format)");
        }
        List<Field> fields = new ArrayList<>();
        for (ImportColumn c : columns) {
          fields.add(Field.of(c.name, c.type));
        }
        Schema schema = schema(fields, options, file);
        schema = dropTimeColumnWithNulls(schema, columns, rows, options, file);
        LOG.info("importing {} key '/{}' ({} format): {} rows, columns {}", file, key,
            pandasType.equals("frame") ? "fixed" : "table", rows, schema.names());
        return new ImportStream(file, f, toClose, schema, columns, rows, ctx);
      } catch (RuntimeException e) {
        for (long id : toClose) {
          Hdf5Io.closeQuietly(id, 'o', file);
        }
        Hdf5Io.closeQuietly(f, 'f', file);
        if (e instanceof DataStoreException d) {
          throw d;
        }
        throw new CorruptDataException("file " + file + " cannot be read as a pandas HDF5 file ("
            + e.getClass().getSimpleName() + ": " + e.getMessage() + "); check that it is complete and was"
            + " written by pandas to_hdf", e);
      }
    }
  }

  private static Schema schema(List<Field> fields, WriteOptions options, Path file) {
    if (options.noTimeColumn()) {
      return Schema.withoutTimeColumn(fields);
    }
    if (options.timeColumn().isPresent()) {
      String t = options.timeColumn().get();
      for (Field fd : fields) {
        if (fd.name().equals(t) && fd.type() != ColumnType.TIMESTAMP) {
          throw new SchemaException("time column '" + t + "' of " + file + " has pandas type " + fd.type()
              + ", not datetime64; name a datetime64 column or import without a time column");
        }
      }
      return Schema.of(fields, t);
    }
    return Schema.of(fields);
  }

  /**
   * A time column cannot hold nulls: an inferred one with NaT values is not used as the time column;
   * a named one is an error naming the first NaT row.
   */
  private static Schema dropTimeColumnWithNulls(Schema schema, List<ImportColumn> columns, long rows,
      WriteOptions options, Path file) throws HDF5Exception {
    if (schema.timeColumn().isEmpty()) {
      return schema;
    }
    ImportColumn time = columns.get(schema.timeColumnIndex());
    for (long first = 0; first < rows; first += BATCH_ROWS) {
      int n = (int) Math.min(BATCH_ROWS, rows - first);
      Column c = time.source.read(first, n);
      if (c.nullCount() == 0) {
        continue;
      }
      int r = 0;
      while (!c.isNull(r)) {
        r++;
      }
      if (options.timeColumn().isPresent()) {
        throw new SchemaException("time column '" + time.name + "' of " + file + " is NaT at row " + (first + r)
            + "; a time column cannot hold nulls: drop those rows in pandas (df.dropna(subset=['" + time.name
            + "'])) or import without naming it as the time column");
      }
      LOG.info("import of {}: column '{}' has NaT values (first at row {}), so it is not used as the time column",
          file, time.name, first + r);
      return Schema.withoutTimeColumn(schema.fields());
    }
    return schema;
  }

  /** The group to import: {@code /data} (what the original module wrote), else the only pandas group. */
  private static String findKey(long f, Path file) throws HDF5Exception {
    if (H5.H5Lexists(f, "data", H5P_DEFAULT) && isPandasGroup(f, "data")) {
      return "data";
    }
    List<String> keys = new ArrayList<>();
    long n = H5.H5Gget_info(f).nlinks;
    for (long i = 0; i < n; i++) {
      String name = H5.H5Lget_name_by_idx(f, ".", HDF5Constants.H5_INDEX_NAME, HDF5Constants.H5_ITER_INC, i,
          H5P_DEFAULT);
      if (isPandasGroup(f, name)) {
        keys.add(name);
      }
    }
    if (keys.size() == 1) {
      return keys.get(0);
    }
    if (keys.isEmpty()) {
      throw new SchemaException("file " + file + " holds no pandas DataFrame (no top-level group with a"
          + " 'pandas_type' attribute); import files written by pandas to_hdf");
    }
    throw new SchemaException("file " + file + " holds several pandas keys " + keys + " and none is '/data';"
        + " write one DataFrame per file, or re-export the one to import with key='data'");
  }

  private static boolean isPandasGroup(long f, String name) throws HDF5Exception {
    if (H5.H5Oget_info_by_name(f, name, H5P_DEFAULT).type != HDF5Constants.H5O_TYPE_GROUP) {
      return false;
    }
    long g = H5.H5Gopen(f, name, H5P_DEFAULT);
    try {
      return H5.H5Aexists(g, "pandas_type");
    } finally {
      H5.H5Gclose(g);
    }
  }

  private static Charset encoding(long g) throws HDF5Exception {
    if (!H5.H5Aexists(g, "encoding")) {
      return StandardCharsets.UTF_8;
    }
    String e = Hdf5Io.readString(g, "encoding");
    try {
      return Charset.forName(e);
    } catch (IllegalArgumentException ex) {
      return StandardCharsets.UTF_8;
    }
  }

  /** Shared state of one import. */
  private static final class Context {
    final Path file;
    final String key;
    final long group;
    final List<Long> toClose;
    final Charset charset;
    final List<ImportColumn> columns = new ArrayList<>();
    final Map<String, long[]> truncated = new java.util.LinkedHashMap<>();

    Context(Path file, String key, long group, List<Long> toClose, Charset charset) {
      this.file = file;
      this.key = key;
      this.group = group;
      this.toClose = toClose;
      this.charset = charset;
    }

    String where(String what) {
      return file + ":/" + key + "/" + what;
    }
  }

  // ---------------------------------------------------------------- fixed format

  private static long fixedColumns(Context ctx) throws HDF5Exception {
    long g = ctx.group;
    long nblocks = Hdf5Io.readLong(g, "nblocks");
    // axis1 is the row index
    long axis1 = H5.H5Dopen(g, "axis1", H5P_DEFAULT);
    ctx.toClose.add(axis1);
    long rows = Hdf5Io.dims(axis1)[0];
    String indexKind = Hdf5Io.hasAttribute(axis1, "kind") ? Hdf5Io.readString(axis1, "kind") : "integer";
    String indexName = pickledOrPlainName(axis1, "name", ctx);
    List<ImportColumn> blockColumns = new ArrayList<>();
    for (int b = 0; b < nblocks; b++) {
      long items = H5.H5Dopen(g, "block" + b + "_items", H5P_DEFAULT);
      String[] names;
      try {
        names = stringDataset(items, ctx, "block" + b + "_items");
      } finally {
        H5.H5Dclose(items);
      }
      long values = H5.H5Dopen(g, "block" + b + "_values", H5P_DEFAULT);
      ctx.toClose.add(values);
      long type = H5.H5Dget_type(values);
      ctx.toClose.add(type);
      int cls = H5.H5Tget_class(type);
      if (cls == HDF5Constants.H5T_VLEN || H5.H5Aexists(values, "PSEUDOATOM")) {
        throw new SchemaException("column" + (names.length > 1 ? "s " : " ") + quoted(names) + " of " + ctx.file
            + " key '/" + ctx.key + "' are pickled Python objects (pandas fixed format stores string and object"
            + " columns as pickles), which optstore never unpickles; re-export with"
            + " df.to_hdf(path, key='" + ctx.key + "', format='table') and import that file");
      }
      long[] dims = Hdf5Io.dims(values);
      boolean transposed = !H5.H5Aexists(values, "transposed") || Hdf5Io.readFlag(values, "transposed");
      if (dims.length != 2 || dims[transposed ? 0 : 1] != rows || dims[transposed ? 1 : 0] != names.length) {
        throw new SchemaException("block " + b + " of " + ctx.file + " key '/" + ctx.key + "' has shape "
            + java.util.Arrays.toString(dims) + " but " + rows + " rows and " + names.length
            + " columns were expected; the file is not a pandas fixed-format DataFrame optstore understands");
      }
      String valueType = Hdf5Io.hasAttribute(values, "value_type") ? Hdf5Io.readString(values, "value_type") : "";
      for (int j = 0; j < names.length; j++) {
        blockColumns.add(fixedColumn(ctx, names[j], values, type, valueType, j, transposed));
      }
    }
    // keep the frame's column order (axis0)
    long axis0 = H5.H5Dopen(g, "axis0", H5P_DEFAULT);
    String[] order;
    try {
      order = stringDataset(axis0, ctx, "axis0");
    } finally {
      H5.H5Dclose(axis0);
    }
    ImportColumn index = indexColumn(ctx, axis1, indexKind, indexName, rows);
    if (index != null) {
      ctx.columns.add(index);
    }
    for (String name : order) {
      ImportColumn found = null;
      for (ImportColumn c : blockColumns) {
        if (c.name.equals(name)) {
          found = c;
        }
      }
      if (found == null) {
        throw new SchemaException("column '" + name + "' of " + ctx.file + " key '/" + ctx.key
            + "' is listed in axis0 but in no block; the file is incomplete");
      }
      if (index != null && index.name.equals(name)) {
        throw new SchemaException("the index of " + ctx.file + " is named '" + name + "' like a column;"
            + " rename one of them in pandas (df.rename_axis(...)) and re-export");
      }
      ctx.columns.add(found);
    }
    return rows;
  }

  private static ImportColumn fixedColumn(Context ctx, String name, long values, long type, String valueType,
      int j, boolean transposed) throws HDF5Exception {
    ColumnType ct = columnType(type, valueType, name, ctx);
    long mem = memTypeFor(ct, type);
    if (mem != type && ct == ColumnType.BOOL) {
      ctx.toClose.add(mem);
    }
    boolean timestamps = ct == ColumnType.TIMESTAMP;
    return new ImportColumn(name, ct, (first, n) -> {
      long space = H5.H5Dget_space(values);
      long memSpace = H5.H5Screate_simple(1, new long[] {n}, null);
      try {
        long[] start = transposed ? new long[] {first, j} : new long[] {j, first};
        long[] count = transposed ? new long[] {n, 1} : new long[] {1, n};
        H5.H5Sselect_hyperslab(space, HDF5Constants.H5S_SELECT_SET, start, null, count, null);
        Object buf = newBuffer(ct, n);
        readInto(values, mem, memSpace, space, buf);
        return toColumn(ctx, name, ct, buf, n, timestamps);
      } finally {
        H5.H5Sclose(memSpace);
        H5.H5Sclose(space);
      }
    });
  }

  private static ImportColumn indexColumn(Context ctx, long axis1, String kind, String name, long rows)
      throws HDF5Exception {
    String colName = name == null ? "index" : name;
    long type = H5.H5Dget_type(axis1);
    try {
      if (H5.H5Tget_class(type) == HDF5Constants.H5T_VLEN || kind.equals("object")) {
        throw new SchemaException("the index '" + colName + "' of " + ctx.file + " key '/" + ctx.key + "' is stored as"
            + " pickled Python objects (a string index in pandas fixed format), which optstore never unpickles;"
            + " re-export with df.reset_index().to_hdf(path, key='" + ctx.key + "', format='table')");
      }
    } finally {
      H5.H5Tclose(type);
    }
    if (kind.equals("integer")) {
      long[] v = new long[(int) rows];
      Hdf5Io.read(axis1, HDF5Constants.H5T_NATIVE_INT64, 0, (int) rows, v);
      if (isPlainRange(v)) {
        return null;
      }
      return new ImportColumn(colName, ColumnType.INT64,
          (first, n) -> LongColumn.wrap(ColumnType.INT64,
              java.util.Arrays.copyOfRange(v, (int) first, (int) first + n), NullMask.none(n)));
    }
    if (kind.equals("datetime64")) {
      return new ImportColumn(colName, ColumnType.TIMESTAMP, (first, n) -> {
        long[] v = new long[n];
        Hdf5Io.read(axis1, HDF5Constants.H5T_NATIVE_INT64, first, n, v);
        return toColumn(ctx, colName, ColumnType.TIMESTAMP, v, n, true);
      });
    }
    if (kind.equals("float")) {
      return new ImportColumn(colName, ColumnType.FLOAT64, (first, n) -> {
        double[] v = new double[n];
        Hdf5Io.read(axis1, HDF5Constants.H5T_NATIVE_DOUBLE, first, n, v);
        return DoubleColumn.wrap(ColumnType.FLOAT64, v, NullMask.none(n));
      });
    }
    throw new SchemaException("the index '" + colName + "' of " + ctx.file + " key '/" + ctx.key + "' has pandas kind '"
        + kind + "', which optstore cannot import; re-export with df.reset_index()");
  }

  private static boolean isPlainRange(long[] v) {
    for (int i = 0; i < v.length; i++) {
      if (v[i] != i) {
        return false;
      }
    }
    return true;
  }

  /** A 1-D dataset of names: fixed-width strings, or integers (pandas column labels may be ints). */
  private static String[] stringDataset(long d, Context ctx, String what) throws HDF5Exception {
    long type = H5.H5Dget_type(d);
    try {
      int n = (int) Hdf5Io.dims(d)[0];
      int cls = H5.H5Tget_class(type);
      if (cls == HDF5Constants.H5T_STRING && !H5.H5Tis_variable_str(type)) {
        int width = (int) H5.H5Tget_size(type);
        byte[] buf = new byte[n * width];
        if (n > 0) {
          Hdf5Io.read(d, type, 0, n, buf);
        }
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
          out[i] = fixedString(buf, i * width, width, ctx.charset);
        }
        return out;
      }
      if (cls == HDF5Constants.H5T_INTEGER) {
        long[] v = new long[n];
        Hdf5Io.read(d, HDF5Constants.H5T_NATIVE_INT64, 0, n, v);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
          out[i] = Long.toString(v[i]);
        }
        return out;
      }
      throw new SchemaException(ctx.where(what) + " holds column names as pickled Python objects (mixed-type"
          + " labels), which optstore never unpickles; give the DataFrame string column names and re-export");
    } finally {
      H5.H5Tclose(type);
    }
  }

  /** PyTables pickles non-string attribute values: {@code N.} is None. */
  private static String pickledOrPlainName(long obj, String attr, Context ctx) throws HDF5Exception {
    if (!Hdf5Io.hasAttribute(obj, attr)) {
      return null;
    }
    byte[][] raw = Hdf5Io.readStringBytes(obj, attr);
    if (raw.length == 0) {
      return null;
    }
    byte[] b = raw[0];
    if (b.length >= 2 && b[b.length - 1] == '.' && looksPickled(b)) {
      Object v = PickleDataDecoder.decode(b, ctx.where(attr));
      return v == null ? null : String.valueOf(v);
    }
    return new String(b, ctx.charset);
  }

  private static boolean looksPickled(byte[] b) {
    return b[0] == 'N' && b.length == 2 || (b[0] & 0xff) == 0x80 || b[0] == '(' || b[0] == 'V' || b[0] == 'S'
        || b[0] == 'I' || b[0] == 'F';
  }

  // ---------------------------------------------------------------- table format

  private static long tableColumns(Context ctx) throws HDF5Exception {
    long g = ctx.group;
    long table = H5.H5Dopen(g, "table", H5P_DEFAULT);
    ctx.toClose.add(table);
    long rows = Hdf5Io.dims(table)[0];
    long ftype = H5.H5Dget_type(table);
    ctx.toClose.add(ftype);
    if (H5.H5Tget_class(ftype) != HDF5Constants.H5T_COMPOUND) {
      throw new SchemaException(ctx.where("table") + " is not a compound dataset; not a pandas table-format file");
    }
    String nanRep = Hdf5Io.hasAttribute(g, "nan_rep") ? Hdf5Io.readString(g, "nan_rep") : "nan";
    List<String> valuesCols = stringList(PickleDataDecoder.decode(rawAttr(g, "values_cols"), ctx.where("values_cols")),
        ctx, "values_cols");
    // column order: non_index_axes = [(1, [names...])]
    Object axes = PickleDataDecoder.decode(rawAttr(g, "non_index_axes"), ctx.where("non_index_axes"));
    List<String> order = null;
    if (axes instanceof List<?> l && l.size() == 1 && l.get(0) instanceof List<?> pair && pair.size() == 2) {
      order = stringList(pair.get(1), ctx, "non_index_axes");
    }
    if (order == null) {
      throw new SchemaException(ctx.where("non_index_axes") + " is not [(axis, [column names])]; the file is not a"
          + " pandas DataFrame table");
    }
    List<ImportColumn> valueColumns = new ArrayList<>();
    for (String vc : valuesCols) {
      List<String> names = stringList(PickleDataDecoder.decode(rawAttr(table, vc + "_kind"), ctx.where("table@" + vc
          + "_kind")), ctx, vc + "_kind");
      String dtype = Hdf5Io.readString(table, vc + "_dtype");
      String meta = Hdf5Io.hasAttribute(table, vc + "_meta") ? Hdf5Io.readString(table, vc + "_meta") : "N.";
      if (meta.equals("category")) {
        throw new SchemaException("column" + (names.size() > 1 ? "s " : " ") + quoted(names.toArray(new String[0]))
            + " of " + ctx.file + " are pandas categoricals; convert them with df[col].astype(str) and re-export");
      }
      int member = H5.H5Tget_member_index(ftype, vc);
      if (member < 0) {
        throw new SchemaException(ctx.where("table") + " has no field '" + vc + "' named in values_cols");
      }
      for (int j = 0; j < names.size(); j++) {
        valueColumns.add(tableColumn(ctx, table, ftype, member, names.get(j), j, dtype, nanRep));
      }
    }
    String indexKind = Hdf5Io.hasAttribute(table, "index_kind") ? Hdf5Io.readString(table, "index_kind") : "integer";
    String indexName = tableIndexName(ctx);
    int indexMember = H5.H5Tget_member_index(ftype, "index");
    if (indexMember >= 0) {
      ImportColumn index = tableIndex(ctx, table, ftype, indexMember, indexKind, indexName, rows);
      if (index != null) {
        ctx.columns.add(index);
      }
    }
    for (String name : order) {
      ImportColumn found = null;
      for (ImportColumn c : valueColumns) {
        if (c.name.equals(name)) {
          found = c;
        }
      }
      if (found == null) {
        throw new SchemaException("column '" + name + "' of " + ctx.file + " key '/" + ctx.key
            + "' is listed in non_index_axes but in no values block; the file is incomplete");
      }
      ctx.columns.add(found);
    }
    return rows;
  }

  private static String tableIndexName(Context ctx) throws HDF5Exception {
    if (!Hdf5Io.hasAttribute(ctx.group, "info")) {
      return null;
    }
    Object info = PickleDataDecoder.decode(rawAttr(ctx.group, "info"), ctx.where("info"));
    if (info instanceof Map<?, ?> m && m.get("index") instanceof Map<?, ?> idx && idx.get("index_name") != null) {
      return String.valueOf(idx.get("index_name"));
    }
    return null;
  }

  private static byte[] rawAttr(long obj, String name) throws HDF5Exception {
    if (!Hdf5Io.hasAttribute(obj, name)) {
      throw new SchemaException("attribute '" + name + "' is missing; the file is not a pandas table-format file");
    }
    byte[][] b = Hdf5Io.readStringBytes(obj, name);
    return b.length == 0 ? new byte[0] : b[0];
  }

  private static List<String> stringList(Object v, Context ctx, String what) {
    if (!(v instanceof List<?> l)) {
      throw new SchemaException(ctx.where(what) + " is not a list of column names");
    }
    List<String> out = new ArrayList<>();
    for (Object o : l) {
      if (o instanceof String s) {
        out.add(s);
      } else if (o instanceof Long || o instanceof java.math.BigInteger) {
        out.add(o.toString());
      } else {
        throw new SchemaException(ctx.where(what) + " holds a column label of type "
            + (o == null ? "None" : o.getClass().getSimpleName()) + "; give the DataFrame string column names");
      }
    }
    return out;
  }

  /** Reads one member of the compound rows: a memory compound with just that member, converted by name. */
  private static long memberOnlyType(long ftype, int member) throws HDF5Exception {
    String name = H5.H5Tget_member_name(ftype, member);
    long mtype = H5.H5Tget_member_type(ftype, member);
    try {
      long nat = H5.H5Tget_native_type(mtype);
      try {
        long size = H5.H5Tget_size(nat);
        long comp = H5.H5Tcreate(HDF5Constants.H5T_COMPOUND, size);
        H5.H5Tinsert(comp, name, 0, nat);
        return comp;
      } finally {
        H5.H5Tclose(nat);
      }
    } finally {
      H5.H5Tclose(mtype);
    }
  }

  private static ImportColumn tableColumn(Context ctx, long table, long ftype, int member, String name, int j,
      String dtype, String nanRep) throws HDF5Exception {
    long mtype = H5.H5Tget_member_type(ftype, member);
    ctx.toClose.add(mtype);
    long base = mtype;
    int width = 1;
    if (H5.H5Tget_class(mtype) == HDF5Constants.H5T_ARRAY) {
      base = H5.H5Tget_super(mtype);
      ctx.toClose.add(base);
      long[] adims = new long[H5.H5Tget_array_ndims(mtype)];
      H5.H5Tget_array_dims(mtype, adims);
      width = (int) adims[0];
    }
    String valueType = dtype.startsWith("datetime64") ? "datetime64" : dtype.startsWith("timedelta") ? "timedelta64" : "";
    ColumnType ct = dtype.equals("bool") ? ColumnType.BOOL : columnType(base, valueType, name, ctx);
    long comp = memberOnlyType(ftype, member);
    ctx.toClose.add(comp);
    int elemSize = (int) H5.H5Tget_size(comp) / width;
    int fw = width;
    boolean strings = ct == ColumnType.STRING;
    return new ImportColumn(name, ct, (first, n) -> {
      byte[] raw = new byte[Math.multiplyExact(n, elemSize * fw)];
      long space = H5.H5Dget_space(table);
      long memSpace = H5.H5Screate_simple(1, new long[] {n}, null);
      try {
        H5.H5Sselect_hyperslab(space, HDF5Constants.H5S_SELECT_SET, new long[] {first}, null, new long[] {n}, null);
        H5.H5Dread(table, comp, memSpace, space, H5P_DEFAULT, raw, true);
      } finally {
        H5.H5Sclose(memSpace);
        H5.H5Sclose(space);
      }
      ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
      int stride = elemSize * fw;
      if (strings) {
        String[] out = new String[n];
        for (int r = 0; r < n; r++) {
          String s = fixedString(raw, r * stride + j * elemSize, elemSize, ctx.charset);
          out[r] = s.equals(nanRep) ? null : s;
        }
        return StringColumn.of(out);
      }
      Object buf = newBuffer(ct, n);
      for (int r = 0, off = j * elemSize; r < n; r++, off += stride) {
        switch (ct) {
          case TIMESTAMP, INT64 -> ((long[]) buf)[r] = elemSize == 8 ? bb.getLong(off) : bb.getInt(off);
          case INT32 -> ((int[]) buf)[r] = elemSize == 4 ? bb.getInt(off) : elemSize == 2 ? bb.getShort(off) : bb.get(off);
          case FLOAT64 -> ((double[]) buf)[r] = bb.getDouble(off);
          case FLOAT32 -> ((float[]) buf)[r] = bb.getFloat(off);
          case BOOL -> ((byte[]) buf)[r] = raw[off];
          default -> throw new AssertionError(ct);
        }
      }
      return toColumn(ctx, name, ct, buf, n, ct == ColumnType.TIMESTAMP);
    });
  }

  private static ImportColumn tableIndex(Context ctx, long table, long ftype, int member, String kind, String name,
      long rows) throws HDF5Exception {
    String colName = name == null ? "index" : name;
    if (!kind.equals("integer") && !kind.equals("datetime64")) {
      throw new SchemaException("the index '" + colName + "' of " + ctx.file + " key '/" + ctx.key + "' has pandas kind '"
          + kind + "', which optstore cannot import; re-export with df.reset_index()");
    }
    long comp = memberOnlyType(ftype, member);
    ctx.toClose.add(comp);
    ColumnType ct = kind.equals("datetime64") ? ColumnType.TIMESTAMP : ColumnType.INT64;
    ColumnSource src = (first, n) -> {
      long[] v = new long[n];
      byte[] raw = new byte[n * 8];
      long space = H5.H5Dget_space(table);
      long memSpace = H5.H5Screate_simple(1, new long[] {n}, null);
      try {
        H5.H5Sselect_hyperslab(space, HDF5Constants.H5S_SELECT_SET, new long[] {first}, null, new long[] {n}, null);
        H5.H5Dread(table, comp, memSpace, space, H5P_DEFAULT, raw, true);
      } finally {
        H5.H5Sclose(memSpace);
        H5.H5Sclose(space);
      }
      ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).asLongBuffer().get(v);
      return toColumn(ctx, colName, ct, v, n, ct == ColumnType.TIMESTAMP);
    };
    if (ct == ColumnType.INT64) {
      boolean plain = true;
      for (long first = 0; first < rows && plain; first += BATCH_ROWS) {
        int n = (int) Math.min(BATCH_ROWS, rows - first);
        LongColumn c = (LongColumn) src.read(first, n);
        for (int i = 0; i < n && plain; i++) {
          plain = c.get(i) == first + i;
        }
      }
      if (plain) {
        return null;
      }
    }
    return new ImportColumn(colName, ct, src);
  }

  // ---------------------------------------------------------------- values

  private static ColumnType columnType(long type, String valueType, String name, Context ctx) throws HDF5Exception {
    int cls = H5.H5Tget_class(type);
    long size = H5.H5Tget_size(type);
    if (valueType.equals("timedelta64")) {
      throw new SchemaException("column '" + name + "' of " + ctx.file + " is a timedelta64, which optstore cannot"
          + " represent; convert it with df[col].dt.total_seconds() (or .astype('int64') for nanoseconds) and re-export");
    }
    if (valueType.equals("datetime64")) {
      if (cls != HDF5Constants.H5T_INTEGER || size != 8) {
        throw new SchemaException("column '" + name + "' of " + ctx.file + " is marked datetime64 but is not int64");
      }
      return ColumnType.TIMESTAMP;
    }
    if (cls == HDF5Constants.H5T_INTEGER) {
      boolean signed = H5.H5Tget_sign(type) == HDF5Constants.H5T_SGN_2;
      if (size == 8 && !signed) {
        throw new SchemaException("column '" + name + "' of " + ctx.file + " is uint64, which does not fit INT64;"
            + " convert it with df[col].astype('int64') (or 'float64') and re-export");
      }
      return size == 8 || (size == 4 && !signed) ? ColumnType.INT64 : ColumnType.INT32;
    }
    if (cls == HDF5Constants.H5T_FLOAT) {
      if (size == 8) {
        return ColumnType.FLOAT64;
      }
      if (size == 4) {
        return ColumnType.FLOAT32;
      }
    }
    if (cls == HDF5Constants.H5T_BITFIELD && size == 1) {
      return ColumnType.BOOL;
    }
    if (cls == HDF5Constants.H5T_STRING && !H5.H5Tis_variable_str(type)) {
      return ColumnType.STRING;
    }
    throw new SchemaException("column '" + name + "' of " + ctx.file + " has HDF5 type class "
        + H5.H5Tget_class_name(cls) + " of " + size + " bytes, which optstore cannot import; convert it to"
        + " int64, float64, bool, datetime64[ns] or str and re-export");
  }

  /** The memory type a fixed-format column is read with. */
  private static long memTypeFor(ColumnType ct, long fileType) throws HDF5Exception {
    return switch (ct) {
      case TIMESTAMP, INT64 -> HDF5Constants.H5T_NATIVE_INT64;
      case INT32 -> HDF5Constants.H5T_NATIVE_INT32;
      case FLOAT64 -> HDF5Constants.H5T_NATIVE_DOUBLE;
      case FLOAT32 -> HDF5Constants.H5T_NATIVE_FLOAT;
      case BOOL -> fileType; // an 8-bit bitfield: read its byte as is
      case STRING -> fileType;
    };
  }

  private static Object newBuffer(ColumnType ct, int n) {
    return switch (ct) {
      case TIMESTAMP, INT64 -> new long[n];
      case INT32 -> new int[n];
      case FLOAT64 -> new double[n];
      case FLOAT32 -> new float[n];
      case BOOL -> new byte[n];
      case STRING -> throw new SchemaException("pandas fixed-format string columns are pickled; re-export with"
          + " format='table'");
    };
  }

  private static void readInto(long d, long mem, long memSpace, long space, Object buf) throws HDF5Exception {
    if (buf instanceof long[] l) {
      H5.H5Dread_long(d, mem, memSpace, space, H5P_DEFAULT, l, true);
    } else if (buf instanceof int[] i) {
      H5.H5Dread_int(d, mem, memSpace, space, H5P_DEFAULT, i, true);
    } else if (buf instanceof double[] x) {
      H5.H5Dread_double(d, mem, memSpace, space, H5P_DEFAULT, x, true);
    } else if (buf instanceof float[] x) {
      H5.H5Dread_float(d, mem, memSpace, space, H5P_DEFAULT, x, true);
    } else {
      H5.H5Dread(d, mem, memSpace, space, H5P_DEFAULT, (byte[]) buf, true);
    }
  }

  /** Wraps a read buffer; datetime64[ns] becomes microseconds (rounded down), NaT a null. */
  private static Column toColumn(Context ctx, String name, ColumnType ct, Object buf, int n, boolean nanos) {
    switch (ct) {
      case TIMESTAMP -> {
        long[] v = (long[]) buf;
        boolean[] isNull = null;
        long cut = 0;
        for (int i = 0; i < n; i++) {
          long ns = v[i];
          if (ns == Long.MIN_VALUE) {
            if (isNull == null) {
              isNull = new boolean[n];
            }
            isNull[i] = true;
            v[i] = 0;
            continue;
          }
          long us = Math.floorDiv(ns, 1000L);
          cut += us * 1000L != ns ? 1 : 0;
          v[i] = us;
        }
        if (cut > 0) {
          ctx.truncated.computeIfAbsent(name, k -> new long[1])[0] += cut;
        }
        return LongColumn.wrap(ColumnType.TIMESTAMP, v, isNull == null ? NullMask.none(n) : NullMask.of(isNull));
      }
      case INT64 -> {
        return LongColumn.wrap(ct, (long[]) buf, NullMask.none(n));
      }
      case INT32 -> {
        return IntColumn.wrap(ct, (int[]) buf, NullMask.none(n));
      }
      case FLOAT64 -> {
        return DoubleColumn.wrap(ct, (double[]) buf, NullMask.none(n));
      }
      case FLOAT32 -> {
        return FloatColumn.wrap(ct, (float[]) buf, NullMask.none(n));
      }
      case BOOL -> {
        byte[] b = (byte[]) buf;
        for (int i = 0; i < n; i++) {
          b[i] = (byte) (b[i] != 0 ? 1 : 0);
        }
        return BoolColumn.wrap(b, NullMask.none(n));
      }
      default -> throw new AssertionError(ct);
    }
  }

  private static String fixedString(byte[] buf, int off, int width, Charset cs) {
    int e = off;
    int end = off + width;
    while (e < end && buf[e] != 0) {
      e++;
    }
    return new String(buf, off, e - off, cs);
  }

  private static String quoted(String[] names) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      sb.append(i == 0 ? "" : ", ").append('\'').append(names[i]).append('\'');
    }
    return sb.toString();
  }

  /** Streams the rows batch by batch; holds the file open until closed. */
  private static final class ImportStream implements FrameStream {
    private final Path file;
    private final long fileId;
    private final List<Long> ids;
    private final Schema schema;
    private final List<ImportColumn> columns;
    private final long rows;
    private final Context ctx;
    private long next;
    private boolean closed;

    ImportStream(Path file, long fileId, List<Long> ids, Schema schema, List<ImportColumn> columns, long rows,
        Context ctx) {
      this.file = file;
      this.fileId = fileId;
      this.ids = ids;
      this.schema = schema;
      this.columns = columns;
      this.rows = rows;
      this.ctx = ctx;
    }

    @Override
    public Schema schema() {
      return schema;
    }

    @Override
    public boolean hasNext() {
      return !closed && next < rows;
    }

    @Override
    public Frame next() {
      if (!hasNext()) {
        throw new NoSuchElementException("no more rows in " + file);
      }
      int n = (int) Math.min(BATCH_ROWS, rows - next);
      List<Column> cols = new ArrayList<>(columns.size());
      synchronized (NativeHdf5.LOCK) {
        for (ImportColumn c : columns) {
          try {
            cols.add(c.source.read(next, n));
          } catch (RuntimeException e) {
            if (e instanceof DataStoreException d) {
              throw d;
            }
            throw new CorruptDataException("reading column '" + c.name + "' rows " + next + ".." + (next + n) + " of "
                + file + " failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "); the file is"
                + " damaged or incomplete", e);
          }
        }
      }
      next += n;
      if (next >= rows) {
        reportTruncation();
      }
      return Frame.of(schema, cols);
    }

    private void reportTruncation() {
      for (Map.Entry<String, long[]> e : ctx.truncated.entrySet()) {
        LOG.warn("import of {}: {} values of column '{}' had nanoseconds below the microsecond; they were rounded"
            + " down to microseconds", file, e.getValue()[0], e.getKey());
      }
    }

    @Override
    public void close() {
      synchronized (NativeHdf5.LOCK) {
        if (closed) {
          return;
        }
        closed = true;
        for (int i = ids.size() - 1; i >= 0; i--) {
          Hdf5Io.closeQuietly(ids.get(i), 'o', file);
        }
        Hdf5Io.closeQuietly(fileId, 'f', file);
      }
    }
  }
}
