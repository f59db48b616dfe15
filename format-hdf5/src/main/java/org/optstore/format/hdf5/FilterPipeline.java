package org.optstore.format.hdf5;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The HDF5 filter pipeline of one column dataset — shuffle, deflate, Fletcher-32, in that order
 * — done in Java, so that chunks are encoded and decoded on many threads outside the HDF5 lock
 * and handed to HDF5 whole ({@code H5Dwrite_chunk}) or read from the file directly.
 *
 * <p>The bytes are the ones HDF5's own filters produce: the shuffle filter's byte planes
 * ({@code H5Z_filter_shuffle}, nothing moves for one-byte elements), one zlib stream made by
 * {@link Deflater} with zlib's defaults at the pipeline's level (what {@code compress2} makes),
 * and the Fletcher-32 checksum of those bytes appended little-endian. An edge chunk is encoded
 * at full chunk size with zeros after the last row, as HDF5 does. Values are little-endian.
 *
 * <p>One difference, for speed: in chunks of at least {@link #PROBED_PLANE_BYTES} per byte plane,
 * a plane whose middle {@link #PROBE_BYTES} bytes do not shrink below {@link #INCOMPRESSIBLE} of
 * their size at level 1 (the low mantissa bytes of measured doubles, random bits) is written into
 * the same zlib stream as stored blocks (level 0) instead of going through the LZ77 matcher, which
 * spends most of a chunk's time on such planes to gain nothing. The stream stays one standard
 * zlib stream that any inflater (HDF5's deflate filter, h5py, h5dump) reads; a chunk with no such
 * plane is byte for byte what {@code compress2} makes.
 *
 * <p>Immutable and thread-safe; the {@link Scratch} passed in is used by one thread at a time.
 */
final class FilterPipeline {

  /** HDF5 filter identifiers ({@code H5Z_FILTER_*}). */
  static final int FILTER_DEFLATE = 1;
  static final int FILTER_SHUFFLE = 2;
  static final int FILTER_FLETCHER32 = 3;

  private static final int CHECKSUM_BYTES = 4;

  /** Planes at least this large are probed; smaller chunks cost little to deflate whole. */
  static final int PROBED_PLANE_BYTES = 16 * 1024;
  /** The bytes of a plane deflated at level 1 to judge it. */
  static final int PROBE_BYTES = 4096;
  /** A probe that keeps this share of its bytes or more marks the plane incompressible. */
  static final double INCOMPRESSIBLE = 0.97;
  /** Byte values a sample may hold and still be called compressible without a probe. */
  static final int FEW_DISTINCT = 128;

  final int elementSize;
  final int chunkRows;
  final boolean shuffle;
  /** zlib level, 0 when the pipeline has no deflate filter (1 for any level in a pipeline read from a file). */
  final int deflateLevel;
  private final int shuffleBit;
  private final int deflateBit;
  private final int fletcherBit;

  private FilterPipeline(int elementSize, int chunkRows, boolean shuffle, int deflateLevel) {
    this.elementSize = elementSize;
    this.chunkRows = chunkRows;
    this.shuffle = shuffle;
    this.deflateLevel = deflateLevel;
    int position = 0;
    shuffleBit = shuffle ? 1 << position++ : 0;
    deflateBit = deflateLevel > 0 ? 1 << position++ : 0;
    fletcherBit = 1 << position;
  }

  /** The pipeline the writer creates: shuffle + deflate at {@code level}, or none when 0; then Fletcher-32. */
  static FilterPipeline forWriting(int elementSize, int chunkRows, int deflateLevel) {
    return new FilterPipeline(elementSize, chunkRows, deflateLevel > 0, deflateLevel);
  }

  /**
   * The pipeline of a dataset from its filter identifiers in pipeline order, or {@code null}
   * when they are not a subsequence of shuffle, deflate, Fletcher-32 ending in Fletcher-32.
   */
  static FilterPipeline forReading(int elementSize, int chunkRows, int[] filters) {
    int i = 0;
    boolean shuffle = false;
    if (i < filters.length && filters[i] == FILTER_SHUFFLE) {
      shuffle = true;
      i++;
    }
    boolean deflate = false;
    if (i < filters.length && filters[i] == FILTER_DEFLATE) {
      deflate = true;
      i++;
    }
    if (i != filters.length - 1 || filters[i] != FILTER_FLETCHER32) {
      return null;
    }
    return new FilterPipeline(elementSize, chunkRows, shuffle, deflate ? 1 : 0);
  }

  /** The largest stored size of a chunk: zlib's bound for incompressible input, and the checksum. */
  int maxStoredBytes() {
    long raw = (long) chunkRows * elementSize;
    return (int) (raw + (raw >>> 12) + (raw >>> 14) + (raw >>> 25) + 13 + CHECKSUM_BYTES);
  }

  /** A chunk as stored: {@code bytes[0, length)} with the filters of {@code filterMask} skipped (0: none). */
  record EncodedChunk(byte[] bytes, int length, int filterMask) {}

  /**
   * Encodes the first {@code rows} values of {@code values} (a {@code long[]}, {@code double[]},
   * {@code int[]}, {@code float[]} or {@code byte[]} matching {@link #elementSize}) as one chunk.
   */
  EncodedChunk encode(Object values, int rows, Scratch scratch) {
    int rawBytes = chunkRows * elementSize;
    byte[] planes = scratch.planes(rawBytes);
    if (shuffle) {
      shuffle(values, rows, planes);
    } else {
      littleEndian(values, rows, planes);
    }
    byte[] out;
    int length;
    if (deflateLevel > 0) {
      Deflater deflater = scratch.deflater(deflateLevel);
      Output o = scratch.output(maxStoredBytes());
      int planeCount = shuffle ? elementSize : 1;
      int planeBytes = rawBytes / planeCount;
      int level = deflateLevel;
      for (int p = 0; p < planeCount; p++) {
        int from = p * planeBytes;
        int want = planeBytes >= PROBED_PLANE_BYTES && incompressible(planes, from, planeBytes, scratch)
            ? Deflater.NO_COMPRESSION : deflateLevel;
        if (want != level) {
          // zlib applies a new level at the next call, after compressing what it holds at the old
          // one: make that call without input so that the next plane is compressed at the new level
          level = want;
          deflater.setLevel(level);
          deflater.setInput(planes, from, 0);
          o.drain(deflater, false);
        }
        deflater.setInput(planes, from, planeBytes);
        o.drain(deflater, false);
      }
      deflater.finish();
      o.drain(deflater, true);
      // the chunk keeps only its own bytes; the scratch buffer serves the next chunk
      length = o.length;
      out = Arrays.copyOf(o.bytes, length + CHECKSUM_BYTES);
    } else {
      out = Arrays.copyOf(planes, rawBytes + CHECKSUM_BYTES);
      length = rawBytes;
    }
    int sum = Fletcher32.of(out, 0, length);
    out[length] = (byte) sum;
    out[length + 1] = (byte) (sum >>> 8);
    out[length + 2] = (byte) (sum >>> 16);
    out[length + 3] = (byte) (sum >>> 24);
    return new EncodedChunk(out, length + CHECKSUM_BYTES, 0);
  }

  /** A growing output buffer that keeps room for the checksum. */
  static final class Output {
    private byte[] bytes = new byte[0];
    private int length;

    /** Empties the buffer, growing it to at least {@code capacity} bytes. */
    Output reset(int capacity) {
      if (bytes.length < capacity) {
        bytes = new byte[capacity];
      }
      length = 0;
      return this;
    }

    /**
     * Runs the deflater until it has taken all its input and has room left, or, once {@code
     * finishing}, until the stream ends.
     */
    void drain(Deflater d, boolean finishing) {
      while (true) {
        if (bytes.length - CHECKSUM_BYTES - length < 1024) {
          bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        int room = bytes.length - CHECKSUM_BYTES - length;
        int n = d.deflate(bytes, length, room, Deflater.NO_FLUSH);
        length += n;
        if (d.finished() || !finishing && d.needsInput() && n < room) {
          return;
        }
      }
    }
  }

  /**
   * Whether level 1 leaves the plane's middle bytes about as large as they are. A sample with at
   * most {@link #FEW_DISTINCT} distinct byte values compresses to 7/8 or less by entropy coding
   * alone, so it is judged without running the probe.
   */
  private static boolean incompressible(byte[] planes, int from, int planeBytes, Scratch scratch) {
    int start = from + (planeBytes - PROBE_BYTES) / 2;
    int[] seen = scratch.histogram();
    int distinct = 0;
    for (int i = start; i < start + PROBE_BYTES; i++) {
      int b = planes[i] & 0xff;
      distinct += seen[b] == 0 ? 1 : 0;
      seen[b] = 1;
    }
    Arrays.fill(seen, 0);
    if (distinct <= FEW_DISTINCT) {
      return false;
    }
    Deflater probe = scratch.probe();
    probe.setInput(planes, start, PROBE_BYTES);
    probe.finish();
    byte[] out = scratch.probeOutput();
    int n = 0;
    while (!probe.finished() && n < out.length) {
      n += probe.deflate(out, n, out.length - n);
    }
    return n >= INCOMPRESSIBLE * PROBE_BYTES;
  }

  private void shuffle(Object values, int rows, byte[] planes) {
    if (values instanceof long[] v) {
      ByteShuffle.shuffle(v, rows, planes, chunkRows);
    } else if (values instanceof double[] v) {
      ByteShuffle.shuffle(v, rows, planes, chunkRows);
    } else if (values instanceof int[] v) {
      ByteShuffle.shuffle(v, rows, planes, chunkRows);
    } else if (values instanceof float[] v) {
      ByteShuffle.shuffle(v, rows, planes, chunkRows);
    } else {
      // one-byte elements: the shuffle filter leaves them as they are
      System.arraycopy((byte[]) values, 0, planes, 0, rows);
      Arrays.fill(planes, rows, chunkRows, (byte) 0);
    }
  }

  private void littleEndian(Object values, int rows, byte[] out) {
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    if (values instanceof long[] v) {
      b.asLongBuffer().put(v, 0, rows);
    } else if (values instanceof double[] v) {
      b.asDoubleBuffer().put(v, 0, rows);
    } else if (values instanceof int[] v) {
      b.asIntBuffer().put(v, 0, rows);
    } else if (values instanceof float[] v) {
      b.asFloatBuffer().put(v, 0, rows);
    } else {
      System.arraycopy((byte[]) values, 0, out, 0, rows);
    }
    Arrays.fill(out, rows * elementSize, chunkRows * elementSize, (byte) 0);
  }

  /** A stored chunk that does not decode: the message says why. */
  static final class BadChunkException extends Exception {
    BadChunkException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Decodes rows {@code [from, from + count)} of a stored chunk {@code raw[0, length)} into
   * {@code dest} (an array of the element type) at {@code destPos}, checking the Fletcher-32
   * checksum first.
   */
  void decode(byte[] raw, int length, int filterMask, Object dest, int destPos, int from, int count,
      Scratch scratch) throws BadChunkException {
    if ((filterMask & fletcherBit) != 0) {
      throw new BadChunkException("the chunk is stored without its Fletcher-32 checksum (filter mask "
          + filterMask + ")");
    }
    if (length < CHECKSUM_BYTES) {
      throw new BadChunkException("the chunk has " + length + " bytes, fewer than its checksum");
    }
    int payload = length - CHECKSUM_BYTES;
    int stored = (raw[payload] & 0xff) | (raw[payload + 1] & 0xff) << 8 | (raw[payload + 2] & 0xff) << 16
        | (raw[payload + 3] & 0xff) << 24;
    int actual = Fletcher32.of(raw, 0, payload);
    if (stored != actual) {
      throw new BadChunkException(String.format("the chunk failed its Fletcher-32 checksum (stored %08x,"
          + " computed %08x)", stored, actual));
    }
    int rawBytes = chunkRows * elementSize;
    byte[] bytes;
    if (deflateLevel > 0 && (filterMask & deflateBit) == 0) {
      bytes = scratch.planes(rawBytes);
      Inflater inflater = scratch.inflater();
      inflater.setInput(raw, 0, payload);
      int n;
      try {
        n = inflater.inflate(bytes, 0, rawBytes);
      } catch (DataFormatException e) {
        throw new BadChunkException("the chunk's zlib stream is damaged (" + e.getMessage() + ")");
      }
      if (n != rawBytes || !inflater.finished()) {
        throw new BadChunkException("the chunk inflates to " + (inflater.finished() ? n + " bytes" : "more bytes")
            + " but a chunk holds " + rawBytes);
      }
    } else {
      if (payload != rawBytes) {
        throw new BadChunkException("the uncompressed chunk has " + payload + " bytes but a chunk holds " + rawBytes);
      }
      bytes = raw;
    }
    if (shuffle && (filterMask & shuffleBit) == 0) {
      unshuffle(bytes, dest, destPos, from, count);
    } else {
      fromLittleEndian(bytes, dest, destPos, from, count);
    }
  }

  private void unshuffle(byte[] p, Object dest, int at, int from, int count) {
    if (dest instanceof long[] d) {
      ByteShuffle.unshuffle(p, chunkRows, from, d, at, count);
    } else if (dest instanceof double[] d) {
      ByteShuffle.unshuffle(p, chunkRows, from, d, at, count);
    } else if (dest instanceof int[] d) {
      ByteShuffle.unshuffle(p, chunkRows, from, d, at, count);
    } else if (dest instanceof float[] d) {
      ByteShuffle.unshuffle(p, chunkRows, from, d, at, count);
    } else {
      System.arraycopy(p, from, (byte[]) dest, at, count);
    }
  }

  private void fromLittleEndian(byte[] bytes, Object dest, int at, int from, int count) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (dest instanceof long[] d) {
      b.asLongBuffer().get(from, d, at, count);
    } else if (dest instanceof double[] d) {
      b.asDoubleBuffer().get(from, d, at, count);
    } else if (dest instanceof int[] d) {
      b.asIntBuffer().get(from, d, at, count);
    } else if (dest instanceof float[] d) {
      b.asFloatBuffer().get(from, d, at, count);
    } else {
      System.arraycopy(bytes, from, (byte[]) dest, at, count);
    }
  }

  /**
   * One thread's working memory: a chunk-sized byte buffer, one {@link Deflater} per level and an
   * {@link Inflater}, reused from chunk to chunk (zlib state is large to set up).
   */
  static final class Scratch {
    private byte[] planes = new byte[0];
    private final Deflater[] deflaters = new Deflater[10];
    private Inflater inflater;

    private byte[] raw = new byte[0];

    /** A buffer for a stored chunk as read from the file. */
    byte[] raw(int bytes) {
      if (raw.length < bytes) {
        raw = new byte[bytes];
      }
      return raw;
    }

    byte[] planes(int bytes) {
      if (planes.length < bytes) {
        planes = new byte[bytes];
      }
      return planes;
    }

    private Deflater probe;
    private final byte[] probeOutput = new byte[PROBE_BYTES + PROBE_BYTES / 8 + 64];

    Deflater deflater(int level) {
      Deflater d = deflaters[level];
      if (d == null) {
        d = new Deflater(level);
        deflaters[level] = d;
      } else {
        d.reset();
        // the previous chunk may have left it at level 0
        d.setLevel(level);
      }
      return d;
    }

    private final int[] histogram = new int[256];
    private final Output output = new Output();

    /** The deflate output buffer, emptied, of at least {@code capacity} bytes. */
    Output output(int capacity) {
      return output.reset(capacity);
    }

    /** 256 zeros, to be left as zeros. */
    int[] histogram() {
      return histogram;
    }

    Deflater probe() {
      if (probe == null) {
        probe = new Deflater(1);
      } else {
        probe.reset();
      }
      return probe;
    }

    byte[] probeOutput() {
      return probeOutput;
    }

    Inflater inflater() {
      if (inflater == null) {
        inflater = new Inflater();
      } else {
        inflater.reset();
      }
      return inflater;
    }

    /** Frees the zlib state now rather than when the scratch is collected. */
    void release() {
      for (Deflater d : deflaters) {
        if (d != null) {
          d.end();
        }
      }
      if (probe != null) {
        probe.end();
      }
      if (inflater != null) {
        inflater.end();
      }
    }
  }
}
