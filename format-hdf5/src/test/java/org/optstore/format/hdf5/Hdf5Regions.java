package org.optstore.format.hdf5;

import static hdf.hdf5lib.HDF5Constants.H5P_DEFAULT;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import hdf.hdf5lib.exceptions.HDF5Exception;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optstore.testkit.ByteRegion;

/**
 * Finds the byte regions of an HDF5 file that the contract's corruption tests damage: the
 * superblock, every object header (first chunk and continuation chunks), the dense attribute and
 * link storage of each group (fractal heap header and root direct block, name index B-tree header
 * and root node) — which holds the layout attributes of {@code /data} — the chunk index of every
 * chunked dataset (extensible array header and index block), and the first, a middle and the
 * last data chunk of every dataset.
 *
 * <p>Object addresses and data chunks come from the HDF5 library itself; the structures they
 * point at are parsed here from the file format specification (version 2 object headers, 8-byte
 * offsets and lengths), which is what the {@code V110} low bound produces.
 */
final class Hdf5Regions {

  private static final int SUPERBLOCK_V3_SIZE = 48;
  private static final int MSG_LINK_INFO = 0x02;
  private static final int MSG_LAYOUT = 0x08;
  private static final int MSG_CONTINUATION = 0x10;
  private static final int MSG_ATTRIBUTE_INFO = 0x15;
  private static final long UNDEFINED = -1L;

  private final ByteBuffer bytes;
  private final Map<String, ByteRegion> regions = new LinkedHashMap<>();

  private Hdf5Regions(ByteBuffer bytes) {
    this.bytes = bytes;
  }

  static List<ByteRegion> of(Path file) {
    ByteBuffer b;
    try {
      b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Hdf5Regions r = new Hdf5Regions(b);
    r.add("superblock (version 3)", 0, SUPERBLOCK_V3_SIZE);
    synchronized (NativeHdf5.LOCK) {
      long f = H5.H5Fopen(file.toString(), HDF5Constants.H5F_ACC_RDONLY, H5P_DEFAULT);
      try {
        r.visit(f, "/");
      } finally {
        H5.H5Fclose(f);
      }
    }
    return List.copyOf(r.regions.values());
  }

  private void add(String name, long offset, long length) {
    if (length > 0 && offset >= 0 && offset + length <= bytes.limit()) {
      regions.putIfAbsent(name, new ByteRegion(name, offset, length));
    }
  }

  private void visit(long file, String path) throws HDF5Exception {
    long obj = H5.H5Oopen(file, path, H5P_DEFAULT);
    try {
      long addr = address(H5.H5Oget_info(obj).token.data);
      int type = H5.H5Iget_type(obj);
      objectHeader(path, addr);
      if (type == HDF5Constants.H5I_DATASET) {
        dataChunks(path, obj);
      } else if (type == HDF5Constants.H5I_GROUP) {
        long n = H5.H5Gget_info(obj).nlinks;
        List<String> children = new ArrayList<>();
        for (long i = 0; i < n; i++) {
          children.add(H5.H5Lget_name_by_idx(obj, ".", HDF5Constants.H5_INDEX_NAME,
              HDF5Constants.H5_ITER_INC, i, H5P_DEFAULT));
        }
        for (String c : children) {
          visit(file, (path.equals("/") ? "/" : path + "/") + c);
        }
      }
    } finally {
      H5.H5Oclose(obj);
    }
  }

  private static long address(byte[] token) {
    return ByteBuffer.wrap(token, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** A version 2 object header: chunk 0, its messages, continuation chunks. */
  private void objectHeader(String path, long addr) {
    String what = path.equals("/" + Hdf5Layout.GROUP) ? "object header of /data (layout attributes)"
        : "object header of " + path;
    requireSignature(addr, "OHDR", what);
    int flags = bytes.get((int) addr + 5) & 0xff;
    int p = (int) addr + 6;
    if ((flags & 0x20) != 0) {
      p += 16; // access, modification, change, birth times
    }
    if ((flags & 0x10) != 0) {
      p += 4; // attribute phase change values
    }
    int sizeBytes = 1 << (flags & 3);
    long chunk0 = readUnsigned(p, sizeBytes);
    p += sizeBytes;
    long end = p + chunk0; // the checksum follows
    add(what, addr, end + 4 - addr);
    messages(path, p, end, (flags & 0x04) != 0, 0);
  }

  private void messages(String path, long from, long end, boolean creationOrder, int depth) {
    int p = (int) from;
    while (p + 4 <= end) {
      int type = bytes.get(p) & 0xff;
      int size = bytes.getShort(p + 1) & 0xffff;
      int data = p + 4 + (creationOrder ? 2 : 0);
      if (data + size > end) {
        break; // gap at the end of a chunk
      }
      switch (type) {
        case MSG_CONTINUATION -> {
          long addr = bytes.getLong(data);
          long len = bytes.getLong(data + 8);
          String what = "object header continuation of " + path;
          requireSignature(addr, "OCHK", what);
          add(what + (depth == 0 ? "" : " #" + depth), addr, len);
          if (depth < 8) {
            messages(path, addr + 4, addr + len - 4, creationOrder, depth + 1);
          }
        }
        case MSG_ATTRIBUTE_INFO -> {
          int f = bytes.get(data + 1) & 0xff;
          int q = data + 2 + ((f & 1) != 0 ? 2 : 0);
          denseStorage("attributes of " + path, bytes.getLong(q), bytes.getLong(q + 8));
        }
        case MSG_LINK_INFO -> {
          int f = bytes.get(data + 1) & 0xff;
          int q = data + 2 + ((f & 1) != 0 ? 8 : 0);
          denseStorage("links of " + path, bytes.getLong(q), bytes.getLong(q + 8));
        }
        case MSG_LAYOUT -> layout(path, data);
        default -> { }
      }
      p = data + size;
    }
  }

  /** Dense storage: a fractal heap (header and root direct block) and a name index v2 B-tree. */
  private void denseStorage(String what, long heap, long nameIndex) {
    if (heap != UNDEFINED) {
      requireSignature(heap, "FRHP", "fractal heap of " + what);
      int ioFilterLength = bytes.getShort((int) heap + 7) & 0xffff;
      add("fractal heap header of " + what, heap, 146 + ioFilterLength);
      long startBlockSize = bytes.getLong((int) heap + 112);
      long root = bytes.getLong((int) heap + 132);
      int rows = bytes.getShort((int) heap + 140) & 0xffff;
      if (rows == 0 && root != UNDEFINED) {
        requireSignature(root, "FHDB", "root direct block of " + what);
        add("fractal heap direct block of " + what, root, startBlockSize);
      } else if (root != UNDEFINED) {
        add("fractal heap indirect block of " + what, root, 32);
      }
    }
    if (nameIndex != UNDEFINED) {
      requireSignature(nameIndex, "BTHD", "name index of " + what);
      add("name index B-tree header of " + what, nameIndex, 38);
      long nodeSize = bytes.getInt((int) nameIndex + 6) & 0xffffffffL;
      long root = bytes.getLong((int) nameIndex + 16);
      if (root != UNDEFINED) {
        add("name index B-tree root node of " + what, root, nodeSize);
      }
    }
  }

  /** A version 4 chunked layout message names the chunk index; an extensible array is parsed. */
  private void layout(String path, int data) {
    int version = bytes.get(data) & 0xff;
    int layoutClass = bytes.get(data + 1) & 0xff;
    if (version != 4 || layoutClass != 2) {
      return;
    }
    int rank = bytes.get(data + 3) & 0xff;
    int dimBytes = bytes.get(data + 4) & 0xff;
    int q = data + 5 + rank * dimBytes;
    int indexType = bytes.get(q) & 0xff;
    q += 1 + switch (indexType) {
      case 1 -> 0; // single chunk: the filtered size and mask follow only when flag bit 1 is set
      case 2 -> 0;
      case 3 -> 1;
      case 4 -> 5;
      case 5 -> 6;
      default -> throw new IllegalStateException("unknown chunk index type " + indexType + " in " + path);
    };
    if (indexType == 1 && (bytes.get(data + 2) & 2) != 0) {
      q += 12;
    }
    long index = bytes.getLong(q);
    if (index == UNDEFINED || indexType != 4) {
      return;
    }
    requireSignature(index, "EAHD", "chunk index of " + path);
    add("chunk index (extensible array header) of " + path, index, 72);
    long indexBlock = bytes.getLong((int) index + 60);
    if (indexBlock != UNDEFINED) {
      requireSignature(indexBlock, "EAIB", "chunk index block of " + path);
      int elementSize = bytes.get((int) index + 6) & 0xff;
      int indexElements = bytes.get((int) index + 8) & 0xff;
      int minDataPointers = bytes.get((int) index + 10) & 0xff;
      // signature, version, class, header address, the elements kept in the index block and the
      // data block addresses; the super block addresses and the checksum that follow are left out
      add("chunk index (extensible array index block) of " + path, indexBlock,
          4 + 1 + 1 + 8 + (long) indexElements * elementSize + 2L * (minDataPointers - 1) * 8);
    }
  }

  private void dataChunks(String path, long dataset) {
    long[] count = new long[1];
    org.bytedeco.hdf5.global.hdf5.H5Dget_num_chunks(dataset, HDF5Constants.H5S_ALL, count);
    long n = count[0];
    for (long k : new long[] {0, n / 2, n - 1}) {
      if (k < 0 || k >= n) {
        continue;
      }
      long[] offset = new long[1];
      int[] mask = new int[1];
      long[] addr = new long[1];
      long[] size = new long[1];
      int rc = org.bytedeco.hdf5.global.hdf5.H5Dget_chunk_info(dataset, HDF5Constants.H5S_ALL, k, offset, mask,
          addr, size);
      if (rc < 0) {
        throw new IllegalStateException("H5Dget_chunk_info failed for chunk " + k + " of " + path);
      }
      add("data chunk " + k + " of " + n + " of " + path, addr[0], size[0]);
    }
  }

  private long readUnsigned(int at, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v |= (bytes.get(at + i) & 0xffL) << (8 * i);
    }
    return v;
  }

  private void requireSignature(long at, String signature, String what) {
    for (int i = 0; i < 4; i++) {
      if (bytes.get((int) at + i) != signature.charAt(i)) {
        throw new IllegalStateException(what + " at " + at + " does not start with " + signature);
      }
    }
  }
}
