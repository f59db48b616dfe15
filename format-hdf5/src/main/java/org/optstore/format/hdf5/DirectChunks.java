package org.optstore.format.hdf5;

import hdf.hdf5lib.HDF5Constants;
import hdf.hdf5lib.exceptions.HDF5Exception;
import org.bytedeco.hdf5.global.hdf5;
import org.bytedeco.javacpp.BytePointer;

/**
 * Chunks handed to HDF5 already filtered ({@code H5Dwrite_chunk}) and located in the file
 * ({@code H5Dget_chunk_info_by_coord}), through the JavaCPP binding of the C API: the classic
 * {@code hdf.hdf5lib} API lacks both. Both bindings load the same {@code libhdf5}, so identifiers
 * pass between them. Callers hold {@link NativeHdf5#LOCK}.
 */
final class DirectChunks {

  /** {@code HADDR_UNDEF}: the chunk is not allocated. */
  static final long UNALLOCATED = -1L;

  private DirectChunks() {}

  /** Where a chunk is stored: byte offset and size in the file, and the filters it skipped. */
  record Location(long address, long size, int filterMask) {
    boolean allocated() {
      return address != UNALLOCATED;
    }
  }

  /**
   * Writes {@code data[0, length)} as the stored chunk that starts at row {@code firstRow},
   * copying it through {@code buffer} (native memory of at least {@code length} bytes).
   */
  static void write(long dataset, long firstRow, int filterMask, byte[] data, int length, BytePointer buffer)
      throws HDF5Exception {
    buffer.position(0).put(data, 0, length);
    int status = hdf5.H5Dwrite_chunk(dataset, HDF5Constants.H5P_DEFAULT, filterMask, new long[] {firstRow},
        length, buffer);
    if (status < 0) {
      throw new HDF5Exception("H5Dwrite_chunk failed for the chunk at row " + firstRow + " (" + length
          + " bytes)");
    }
  }

  /** The location of the chunk that starts at row {@code firstRow}. */
  static Location locate(long dataset, long firstRow) throws HDF5Exception {
    int[] mask = new int[1];
    long[] address = new long[1];
    long[] size = new long[1];
    int status = hdf5.H5Dget_chunk_info_by_coord(dataset, new long[] {firstRow}, mask, address, size);
    if (status < 0) {
      throw new HDF5Exception("H5Dget_chunk_info_by_coord failed for the chunk at row " + firstRow);
    }
    return new Location(address[0], size[0], mask[0]);
  }
}
