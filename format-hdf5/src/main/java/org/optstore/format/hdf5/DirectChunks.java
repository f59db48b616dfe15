package org.optstore.format.hdf5;

import hdf.hdf5lib.HDF5Constants;
import hdf.hdf5lib.exceptions.HDF5Exception;
import java.util.Arrays;
import org.bytedeco.hdf5.H5D_chunk_iter_op_t;
import org.bytedeco.hdf5.global.hdf5;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Chunks handed to HDF5 already filtered ({@code H5Dwrite_chunk}) and located in the file
 * ({@code H5Dchunk_iter}), through the JavaCPP binding of the C API: the classic
 * {@code hdf.hdf5lib} API lacks both. Both bindings load the same {@code libhdf5}, so identifiers
 * pass between them. Callers hold {@link NativeHdf5#LOCK}.
 */
final class DirectChunks {

  /** {@code HADDR_UNDEF}: the chunk is not allocated. */
  static final long UNALLOCATED = -1L;

  private DirectChunks() {}

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

  /**
   * Where every stored chunk of a 1-D dataset with chunks of {@code chunkRows} rows is, in one
   * pass over its chunk index ({@code H5Dchunk_iter}; looking chunks up one by one costs a walk of
   * the index each): chunk {@code c} gets its byte offset, size and skipped filters in {@code
   * address[c]}, {@code size[c]} and {@code filterMask[c]}; chunks that are not stored keep
   * {@link #UNALLOCATED}. A stored chunk that does not start at a multiple of {@code chunkRows}
   * below {@code address.length} chunks is an {@link HDF5Exception}.
   */
  static void locateAll(long dataset, int chunkRows, long[] address, long[] size, int[] filterMask)
      throws HDF5Exception {
    Arrays.fill(address, UNALLOCATED);
    if (visitor == null) {
      visitor = new ChunkVisitor();
    }
    ChunkVisitor v = visitor;
    v.start(chunkRows, address, size, filterMask);
    int status;
    try {
      status = hdf5.H5Dchunk_iter(dataset, HDF5Constants.H5P_DEFAULT, v, null);
    } finally {
      v.end();
    }
    if (v.stray != NO_STRAY) {
      throw new HDF5Exception("the chunk index lists a chunk at row " + v.stray + ", which is not the start of one"
          + " of the " + address.length + " chunks of " + chunkRows + " rows");
    }
    if (status < 0) {
      throw new HDF5Exception("H5Dchunk_iter failed");
    }
  }

  private static final long NO_STRAY = Long.MIN_VALUE;

  /**
   * The one callback instance, reused by every call (JavaCPP keeps few callback slots); fed and
   * read under {@link NativeHdf5#LOCK}.
   */
  private static ChunkVisitor visitor;

  private static final class ChunkVisitor extends H5D_chunk_iter_op_t {
    private int chunkRows;
    private long[] address;
    private long[] size;
    private int[] filterMask;
    long stray = NO_STRAY;

    void start(int chunkRows, long[] address, long[] size, int[] filterMask) {
      this.chunkRows = chunkRows;
      this.address = address;
      this.size = size;
      this.filterMask = filterMask;
      this.stray = NO_STRAY;
    }

    void end() {
      address = null;
      size = null;
      filterMask = null;
    }

    @Override
    public int call(LongPointer offset, int mask, long addr, long bytes, Pointer opData) {
      long first = offset.get(0);
      long c = first / chunkRows;
      if (first < 0 || first % chunkRows != 0 || c >= address.length) {
        stray = first;
        return -1; // H5_ITER_ERROR: stop; nothing may be thrown into the native caller
      }
      address[(int) c] = addr;
      size[(int) c] = bytes;
      filterMask[(int) c] = mask;
      return 0;
    }
  }
}
