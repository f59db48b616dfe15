package org.optstore.format.hdf5;

import static hdf.hdf5lib.HDF5Constants.H5P_DEFAULT;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import hdf.hdf5lib.exceptions.HDF5Exception;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few HDF5 calls optstore needs, over primitive arrays, with every identifier closed. Callers
 * hold {@link NativeHdf5#LOCK}. Failures surface as {@link HDF5Exception}s, which callers turn into
 * optstore exceptions naming the file.
 */
final class Hdf5Io {

  private static final Logger LOG = LoggerFactory.getLogger(Hdf5Io.class);

  private Hdf5Io() {}

  // ---- attributes ----

  /** Writes a scalar fixed-length UTF-8 string attribute (fixed length keeps it in the checksummed object header). */
  static void writeString(long obj, String name, String value) throws HDF5Exception {
    writeStrings(obj, name, new String[] {value}, true);
  }

  /** Writes a 1-D fixed-length UTF-8 string array attribute. */
  static void writeStrings(long obj, String name, String[] values) throws HDF5Exception {
    writeStrings(obj, name, values, false);
  }

  private static void writeStrings(long obj, String name, String[] values, boolean scalar) throws HDF5Exception {
    byte[][] utf8 = new byte[values.length][];
    int width = 1;
    for (int i = 0; i < values.length; i++) {
      utf8[i] = values[i].getBytes(StandardCharsets.UTF_8);
      width = Math.max(width, utf8[i].length);
    }
    byte[] buf = new byte[width * Math.max(1, values.length)];
    for (int i = 0; i < values.length; i++) {
      System.arraycopy(utf8[i], 0, buf, i * width, utf8[i].length);
    }
    long type = stringType(width);
    long space = scalar ? H5.H5Screate(HDF5Constants.H5S_SCALAR)
        : H5.H5Screate_simple(1, new long[] {values.length}, null);
    try {
      long attr = H5.H5Acreate(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
      try {
        H5.H5Awrite(attr, type, buf);
      } finally {
        H5.H5Aclose(attr);
      }
    } finally {
      H5.H5Sclose(space);
      H5.H5Tclose(type);
    }
  }

  static void writeLong(long obj, String name, long value) throws HDF5Exception {
    writeLongs(obj, name, new long[] {value}, true);
  }

  static void writeLongs(long obj, String name, long[] values, boolean scalar) throws HDF5Exception {
    long space = scalar ? H5.H5Screate(HDF5Constants.H5S_SCALAR)
        : H5.H5Screate_simple(1, new long[] {values.length}, null);
    try {
      long attr = H5.H5Acreate(obj, name, HDF5Constants.H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
      try {
        H5.H5Awrite(attr, HDF5Constants.H5T_NATIVE_INT64, longsToBytes(values));
      } finally {
        H5.H5Aclose(attr);
      }
    } finally {
      H5.H5Sclose(space);
    }
  }

  static boolean hasAttribute(long obj, String name) throws HDF5Exception {
    return H5.H5Aexists(obj, name);
  }

  /** Reads a string attribute (scalar or the first element of an array); trailing NULs dropped. */
  static String readString(long obj, String name) throws HDF5Exception {
    byte[][] all = readStringBytes(obj, name);
    return all.length == 0 ? "" : new String(all[0], StandardCharsets.UTF_8);
  }

  static String[] readStrings(long obj, String name) throws HDF5Exception {
    byte[][] all = readStringBytes(obj, name);
    String[] out = new String[all.length];
    for (int i = 0; i < all.length; i++) {
      out[i] = new String(all[i], StandardCharsets.UTF_8);
    }
    return out;
  }

  /** The raw bytes of a fixed-length string attribute, one array per element, trailing NULs dropped. */
  static byte[][] readStringBytes(long obj, String name) throws HDF5Exception {
    long attr = H5.H5Aopen(obj, name, H5P_DEFAULT);
    try {
      long ftype = H5.H5Aget_type(attr);
      try {
        if (H5.H5Tget_class(ftype) != HDF5Constants.H5T_STRING || H5.H5Tis_variable_str(ftype)) {
          throw new HDF5Exception("attribute '" + name + "' is not a fixed-length string");
        }
        int width = (int) H5.H5Tget_size(ftype);
        long space = H5.H5Aget_space(attr);
        long n;
        try {
          n = H5.H5Sget_simple_extent_npoints(space);
        } finally {
          H5.H5Sclose(space);
        }
        byte[] buf = new byte[(int) (n * width)];
        if (n > 0) {
          H5.H5Aread(attr, ftype, buf);
        }
        byte[][] out = new byte[(int) n][];
        for (int i = 0; i < n; i++) {
          int end = (i + 1) * width;
          int e = i * width;
          while (e < end && buf[e] != 0) {
            e++;
          }
          out[i] = Arrays.copyOfRange(buf, i * width, e);
        }
        return out;
      } finally {
        H5.H5Tclose(ftype);
      }
    } finally {
      H5.H5Aclose(attr);
    }
  }

  /** Reads a scalar attribute of any small type (integer, bitfield, enum) as a flag: nonzero is true. */
  static boolean readFlag(long obj, String name) throws HDF5Exception {
    long attr = H5.H5Aopen(obj, name, H5P_DEFAULT);
    try {
      long ftype = H5.H5Aget_type(attr);
      try {
        byte[] buf = new byte[(int) H5.H5Tget_size(ftype)];
        H5.H5Aread(attr, ftype, buf);
        for (byte b : buf) {
          if (b != 0) {
            return true;
          }
        }
        return false;
      } finally {
        H5.H5Tclose(ftype);
      }
    } finally {
      H5.H5Aclose(attr);
    }
  }

  /** Reads an integer attribute (any integer width, converted by HDF5). */
  static long readLong(long obj, String name) throws HDF5Exception {
    return readLongs(obj, name)[0];
  }

  static long[] readLongs(long obj, String name) throws HDF5Exception {
    long attr = H5.H5Aopen(obj, name, H5P_DEFAULT);
    try {
      long space = H5.H5Aget_space(attr);
      long n;
      try {
        n = H5.H5Sget_simple_extent_npoints(space);
      } finally {
        H5.H5Sclose(space);
      }
      byte[] buf = new byte[(int) (8 * Math.max(1, n))];
      H5.H5Aread(attr, HDF5Constants.H5T_NATIVE_INT64, buf);
      long[] out = new long[(int) n];
      java.nio.ByteBuffer.wrap(buf).order(java.nio.ByteOrder.nativeOrder()).asLongBuffer().get(out);
      return out;
    } finally {
      H5.H5Aclose(attr);
    }
  }

  // ---- types ----

  /** A fixed-length, NUL-padded UTF-8 string type; the caller closes it. */
  static long stringType(int width) throws HDF5Exception {
    long type = H5.H5Tcopy(HDF5Constants.H5T_C_S1);
    H5.H5Tset_size(type, width);
    H5.H5Tset_strpad(type, HDF5Constants.H5T_STR_NULLPAD);
    H5.H5Tset_cset(type, HDF5Constants.H5T_CSET_UTF8);
    return type;
  }

  /** The enum h5py maps to numpy bool: int8 with FALSE = 0 and TRUE = 1; the caller closes it. */
  static long boolType() throws HDF5Exception {
    long type = H5.H5Tenum_create(HDF5Constants.H5T_NATIVE_INT8);
    H5.H5Tenum_insert(type, "FALSE", new byte[] {0});
    H5.H5Tenum_insert(type, "TRUE", new byte[] {1});
    return type;
  }

  // ---- datasets ----

  /**
   * Creates an empty, extendible 1-D chunked dataset with the shuffle and deflate filters (when
   * {@code deflateLevel > 0}) and the Fletcher-32 checksum, applied in that order so the checksum
   * covers the bytes as stored.
   */
  static long createColumn(long group, String name, long fileType, long chunkRows, int deflateLevel)
      throws HDF5Exception {
    long space = H5.H5Screate_simple(1, new long[] {0}, new long[] {HDF5Constants.H5S_UNLIMITED});
    long dcpl = H5.H5Pcreate(HDF5Constants.H5P_DATASET_CREATE);
    try {
      H5.H5Pset_chunk(dcpl, 1, new long[] {chunkRows});
      if (deflateLevel > 0) {
        H5.H5Pset_shuffle(dcpl);
        H5.H5Pset_deflate(dcpl, deflateLevel);
      }
      H5.H5Pset_fletcher32(dcpl);
      return H5.H5Dcreate(group, name, fileType, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    } finally {
      H5.H5Pclose(dcpl);
      H5.H5Sclose(space);
    }
  }

  /**
   * Writes {@code count} values from {@code data} (a primitive array, starting at index 0) to rows
   * {@code [start, start + count)}, growing the dataset to {@code start + count} rows.
   */
  static void append(long dataset, long memType, long start, int count, Object data) throws HDF5Exception {
    if (count == 0) {
      return;
    }
    H5.H5Dset_extent(dataset, new long[] {start + count});
    long fileSpace = H5.H5Dget_space(dataset);
    long memSpace = H5.H5Screate_simple(1, new long[] {count}, null);
    try {
      H5.H5Sselect_hyperslab(fileSpace, HDF5Constants.H5S_SELECT_SET, new long[] {start}, null,
          new long[] {count}, null);
      H5.H5Sselect_hyperslab(memSpace, HDF5Constants.H5S_SELECT_SET, new long[] {0}, null,
          new long[] {count}, null);
      if (data instanceof long[] l) {
        H5.H5Dwrite_long(dataset, memType, memSpace, fileSpace, H5P_DEFAULT, l, true);
      } else if (data instanceof double[] d) {
        H5.H5Dwrite_double(dataset, memType, memSpace, fileSpace, H5P_DEFAULT, d, true);
      } else if (data instanceof int[] i) {
        H5.H5Dwrite_int(dataset, memType, memSpace, fileSpace, H5P_DEFAULT, i, true);
      } else if (data instanceof float[] f) {
        H5.H5Dwrite_float(dataset, memType, memSpace, fileSpace, H5P_DEFAULT, f, true);
      } else {
        H5.H5Dwrite(dataset, memType, memSpace, fileSpace, H5P_DEFAULT, (byte[]) data, true);
      }
    } finally {
      H5.H5Sclose(memSpace);
      H5.H5Sclose(fileSpace);
    }
  }

  /** Reads rows {@code [start, start + count)} into {@code out} (a primitive array of at least {@code count}). */
  static void read(long dataset, long memType, long start, int count, Object out) throws HDF5Exception {
    if (count == 0) {
      return;
    }
    long fileSpace = H5.H5Dget_space(dataset);
    long memSpace = H5.H5Screate_simple(1, new long[] {count}, null);
    try {
      H5.H5Sselect_hyperslab(fileSpace, HDF5Constants.H5S_SELECT_SET, new long[] {start}, null,
          new long[] {count}, null);
      if (out instanceof long[] l) {
        H5.H5Dread_long(dataset, memType, memSpace, fileSpace, H5P_DEFAULT, l, true);
      } else if (out instanceof double[] d) {
        H5.H5Dread_double(dataset, memType, memSpace, fileSpace, H5P_DEFAULT, d, true);
      } else if (out instanceof int[] i) {
        H5.H5Dread_int(dataset, memType, memSpace, fileSpace, H5P_DEFAULT, i, true);
      } else if (out instanceof float[] f) {
        H5.H5Dread_float(dataset, memType, memSpace, fileSpace, H5P_DEFAULT, f, true);
      } else {
        H5.H5Dread(dataset, memType, memSpace, fileSpace, H5P_DEFAULT, (byte[]) out, true);
      }
    } finally {
      H5.H5Sclose(memSpace);
      H5.H5Sclose(fileSpace);
    }
  }

  /** @return the dimensions of a dataset */
  static long[] dims(long dataset) throws HDF5Exception {
    long space = H5.H5Dget_space(dataset);
    try {
      int rank = H5.H5Sget_simple_extent_ndims(space);
      long[] dims = new long[rank];
      if (rank > 0) {
        H5.H5Sget_simple_extent_dims(space, dims, null);
      }
      return dims;
    } finally {
      H5.H5Sclose(space);
    }
  }

  static byte[] longsToBytes(long[] values) {
    byte[] out = new byte[values.length * 8];
    java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.nativeOrder()).asLongBuffer().put(values);
    return out;
  }

  /**
   * Closes an identifier ({@code kind}: {@code 'f'} file, {@code 'g'} group, {@code 'd'} dataset,
   * {@code 't'} datatype, anything else an object of either kind); a negative one is not open.
   * Closing a file written to flushes it, so a failure there means the file is incomplete.
   */
  static void close(long id, int kind) throws HDF5Exception {
    if (id < 0) {
      return;
    }
    switch (kind) {
      case 'f' -> H5.H5Fclose(id);
      case 'g' -> H5.H5Gclose(id);
      case 'd' -> H5.H5Dclose(id);
      case 't' -> H5.H5Tclose(id);
      default -> {
        if (H5.H5Iget_type(id) == HDF5Constants.H5I_DATATYPE) {
          H5.H5Tclose(id);
        } else {
          H5.H5Oclose(id);
        }
      }
    }
  }

  /**
   * Closes an identifier where a failure changes nothing for the caller: on a path that is
   * already failing (the first error is the one reported) or when a reader or an import is
   * done. The failure is logged at DEBUG with {@code where}, the file.
   */
  static void closeQuietly(long id, int kind, Object where) {
    try {
      close(id, kind);
    } catch (RuntimeException e) {
      LOG.debug("closing HDF5 identifier {} ({}) of {} failed", id, (char) kind, where, e);
    }
  }
}
