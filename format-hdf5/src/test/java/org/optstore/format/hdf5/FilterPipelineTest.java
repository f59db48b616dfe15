package org.optstore.format.hdf5;

import static hdf.hdf5lib.HDF5Constants.H5P_DEFAULT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bytedeco.hdf5.global.hdf5;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java filter pipeline against HDF5's own: chunks that HDF5's shuffle, deflate and
 * Fletcher-32 filters wrote are byte for byte the chunks {@link FilterPipeline#encode} makes, and
 * decode back to the values; damaged chunks are refused.
 */
class FilterPipelineTest {

  @TempDir Path dir;

  @BeforeAll
  static void natives() {
    assertThat(Hdf5Files.FORMAT.availability().available()).isTrue();
  }

  /** Values of one type: smooth, random (incompressible) and constant stretches. */
  private static Object values(String type, int n, long seed) {
    return values(type, n, seed, true);
  }

  /** Values of one type; without {@code random}, every byte plane compresses. */
  private static Object values(String type, int n, long seed, boolean random) {
    Random rnd = new Random(seed);
    switch (type) {
      case "long" -> {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = i < n / 3 ? 1_672_531_200_000_000L + i * 1_000_000L
              : i < 2 * n / 3 ? random ? rnd.nextLong() : (i * 31L) % 10000 : 42;
        }
        return v;
      }
      case "double" -> {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
          v[i] = i < n / 3 ? random ? 100 + 10 * Math.sin(i / 1000.0) + (i % 17) * 0.01 : i * 0.5
              : i < 2 * n / 3 ? random ? rnd.nextGaussian() : i % 100 : i % 5 == 0 ? Double.NaN : -0.0;
        }
        return v;
      }
      case "int" -> {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = i < n / 2 || !random ? (int) ((i * 7919L) % 100) : rnd.nextInt();
        }
        return v;
      }
      case "float" -> {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = i < n / 2 || !random ? i * 0.25f : rnd.nextFloat();
        }
        return v;
      }
      default -> {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
          v[i] = (byte) (i < n / 2 || !random ? i % 3 == 0 ? 1 : 0 : rnd.nextInt());
        }
        return v;
      }
    }
  }

  /** Like measurements: high bytes that repeat, low bytes that are noise. */
  private static Object measured(String type, int n, long seed) {
    Random rnd = new Random(seed);
    Object out = newArray(type, n);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case "long" -> ((long[]) out)[i] = 1_000_000_000_000L + (rnd.nextLong() >>> 24);
        case "double" -> ((double[]) out)[i] = 100 + 10 * Math.sin(i / 1000.0) + rnd.nextGaussian() * 0.01;
        case "int" -> ((int[]) out)[i] = rnd.nextInt() >>> 8;
        case "float" -> ((float[]) out)[i] = 1 + rnd.nextFloat();
        default -> ((byte[]) out)[i] = (byte) rnd.nextInt();
      }
    }
    return out;
  }

  private static long fileType(String type) {
    return switch (type) {
      case "long" -> HDF5Constants.H5T_STD_I64LE;
      case "double" -> HDF5Constants.H5T_IEEE_F64LE;
      case "int" -> HDF5Constants.H5T_STD_I32LE;
      case "float" -> HDF5Constants.H5T_IEEE_F32LE;
      default -> HDF5Constants.H5T_STD_U8LE;
    };
  }

  private static long memType(String type) {
    return switch (type) {
      case "long" -> HDF5Constants.H5T_NATIVE_INT64;
      case "double" -> HDF5Constants.H5T_NATIVE_DOUBLE;
      case "int" -> HDF5Constants.H5T_NATIVE_INT32;
      case "float" -> HDF5Constants.H5T_NATIVE_FLOAT;
      default -> HDF5Constants.H5T_NATIVE_UINT8;
    };
  }

  private static int size(String type) {
    return switch (type) {
      case "long", "double" -> 8;
      case "int", "float" -> 4;
      default -> 1;
    };
  }

  private static Object slice(Object values, int from, int to) {
    if (values instanceof long[] v) {
      return Arrays.copyOfRange(v, from, to);
    } else if (values instanceof double[] v) {
      return Arrays.copyOfRange(v, from, to);
    } else if (values instanceof int[] v) {
      return Arrays.copyOfRange(v, from, to);
    } else if (values instanceof float[] v) {
      return Arrays.copyOfRange(v, from, to);
    }
    return Arrays.copyOfRange((byte[]) values, from, to);
  }

  private static Object newArray(String type, int n) {
    return switch (type) {
      case "long" -> new long[n];
      case "double" -> new double[n];
      case "int" -> new int[n];
      case "float" -> new float[n];
      default -> new byte[n];
    };
  }

  /** The chunk starting at {@code row} exactly as stored in the file, read with H5Dread_chunk. */
  private static byte[] storedChunk(long dataset, long row, int[] filterMask) {
    long[] size = new long[1];
    assertThat(hdf5.H5Dget_chunk_storage_size(dataset, new long[] {row}, size)).isGreaterThanOrEqualTo(0);
    try (BytePointer buf = new BytePointer(size[0])) {
      assertThat(hdf5.H5Dread_chunk(dataset, H5P_DEFAULT, new long[] {row}, filterMask, buf))
          .isGreaterThanOrEqualTo(0);
      byte[] out = new byte[(int) size[0]];
      buf.get(out);
      return out;
    }
  }

  /**
   * Writes {@code values} through HDF5's own filters with the given chunk size and checks every
   * chunk against {@link FilterPipeline#encode}: byte for byte when {@code identical}, else by
   * size (at most 3% larger); and that HDF5's chunk decodes to the values, whole and in part.
   *
   * @return the chunks compared when {@code identical}, else the chunks whose bytes differ
   */
  private static int compareWithHdf5(long file, String name, String type, Object v, int rows, int chunkRows,
      int level, boolean identical) throws Exception {
    int checked = 0;
    int differing = 0;
    long d = Hdf5Io.createColumn(file, name, fileType(type), chunkRows, level);
    try {
      Hdf5Io.append(d, memType(type), 0, rows, v);
      FilterPipeline pipeline = FilterPipeline.forWriting(size(type), chunkRows, level);
      FilterPipeline.Scratch scratch = new FilterPipeline.Scratch();
      for (int c = 0; c * chunkRows < rows; c++) {
        int from = c * chunkRows;
        int n = Math.min(chunkRows, rows - from);
        int[] mask = new int[1];
        byte[] stored = storedChunk(d, from, mask);
        FilterPipeline.EncodedChunk ours = pipeline.encode(slice(v, from, from + n), n, scratch);
        assertThat(mask[0]).isZero();
        assertThat(ours.filterMask()).isZero();
        if (identical) {
          assertThat(Arrays.copyOf(ours.bytes(), ours.length()))
              .as("%s deflate-%d chunk %d (%d rows)", type, level, c, n).isEqualTo(stored);
        } else {
          assertThat((double) ours.length()).as("%s deflate-%d chunk %d size", type, level, c)
              .isLessThanOrEqualTo(stored.length * 1.03);
          if (!Arrays.equals(Arrays.copyOf(ours.bytes(), ours.length()), stored)) {
            differing++;
          }
        }
        Object back = newArray(type, n);
        pipeline.decode(stored, stored.length, 0, back, 0, 0, n, scratch);
        assertThat(back).isEqualTo(slice(v, from, from + n));
        Object part = newArray(type, 7);
        pipeline.decode(stored, stored.length, 0, part, 0, n - 7, 7, scratch);
        assertThat(part).isEqualTo(slice(v, from + n - 7, from + n));
        // an odd start and length, into the middle of a larger array
        Object middle = newArray(type, 40);
        pipeline.decode(stored, stored.length, 0, middle, 5, 13, 29, scratch);
        assertThat(slice(middle, 5, 34)).isEqualTo(slice(v, from + 13, from + 42));
        checked++;
      }
      scratch.release();
    } finally {
      H5.H5Dclose(d);
    }
    return identical ? checked : differing;
  }

  @Test
  void chunksAreByteIdenticalToTheOnesHdf5FiltersWrite() throws Exception {
    Path p = dir.resolve("pipeline.h5");
    int checked = 0;
    synchronized (NativeHdf5.LOCK) {
      long file = H5.H5Fcreate(p.toString(), HDF5Constants.H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
      try {
        for (String type : List.of("long", "double", "int", "float", "byte")) {
          for (int level : new int[] {0, 1, 6, 9}) {
            // planes below the probed size: every chunk whole through zlib, random bytes too
            int rows = 3 * 1024 + 234;
            checked += compareWithHdf5(file, type + level + "small", type, values(type, rows, level), rows, 1024, level,
                true);
            // probed planes that all compress: nothing is stored, the stream is compress2's
            rows = 2 * 32768 + 1234;
            checked += compareWithHdf5(file, type + level + "smooth", type, values(type, rows, level, false), rows,
                32768, level, true);
          }
        }
      } finally {
        H5.H5Fclose(file);
      }
    }
    assertThat(checked).isEqualTo(5 * 4 * (4 + 3));
  }

  @Test
  void incompressiblePlanesAreStoredInTheZlibStreamAndHdf5ReadsThem() throws Exception {
    Path p = dir.resolve("stored-planes.h5");
    int rows = 2 * 65536 + 999;
    synchronized (NativeHdf5.LOCK) {
      long file = H5.H5Fcreate(p.toString(), HDF5Constants.H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
      try {
        for (String type : List.of("long", "double", "int", "float", "byte")) {
          for (int level : new int[] {1, 9}) {
            Object v = measured(type, rows, 11 + level);
            // our chunks are no more than 3% larger than HDF5's, and HDF5's decode with our pipeline
            int stored = compareWithHdf5(file, type + level + "hdf5", type, v, rows, 65536, level, false);
            assertThat(stored).as("chunks of random %s with planes stored, not deflated", type).isPositive();
            // HDF5 reads our chunks, written directly, back to the values
            long d = Hdf5Io.createColumn(file, type + level + "ours", fileType(type), 65536, level);
            try (BytePointer buf = new BytePointer(1)) {
              FilterPipeline pipeline = FilterPipeline.forWriting(size(type), 65536, level);
              FilterPipeline.Scratch scratch = new FilterPipeline.Scratch();
              BytePointer nat = buf;
              for (int from = 0; from < rows; from += 65536) {
                int n = Math.min(65536, rows - from);
                FilterPipeline.EncodedChunk c = pipeline.encode(slice(v, from, from + n), n, scratch);
                H5.H5Dset_extent(d, new long[] {from + n});
                if (nat.capacity() < c.length()) {
                  nat = new BytePointer(c.length());
                }
                DirectChunks.write(d, from, c.filterMask(), c.bytes(), c.length(), nat);
              }
              scratch.release();
              Object back = newArray(type, rows);
              Hdf5Io.read(d, memType(type), 0, rows, back);
              assertThat(back).as("%s deflate-%d read by HDF5", type, level).isEqualTo(v);
            } finally {
              H5.H5Dclose(d);
            }
          }
        }
      } finally {
        H5.H5Fclose(file);
      }
    }
  }

  @Test
  void oddChunkSizesAndSingleRowChunksMatchToo() throws Exception {
    Path p = dir.resolve("odd.h5");
    synchronized (NativeHdf5.LOCK) {
      long file = H5.H5Fcreate(p.toString(), HDF5Constants.H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
      try {
        for (int chunkRows : new int[] {1, 7}) {
          for (int level : new int[] {0, 1}) {
            for (String type : List.of("byte", "long")) {
              Object v = values(type, 9, chunkRows);
              long d = Hdf5Io.createColumn(file, type + chunkRows + "-" + level, fileType(type), chunkRows, level);
              try {
                Hdf5Io.append(d, memType(type), 0, 9, v);
                FilterPipeline pipeline = FilterPipeline.forWriting(size(type), chunkRows, level);
                FilterPipeline.Scratch scratch = new FilterPipeline.Scratch();
                for (int from = 0; from < 9; from += chunkRows) {
                  int n = Math.min(chunkRows, 9 - from);
                  byte[] stored = storedChunk(d, from, new int[1]);
                  FilterPipeline.EncodedChunk ours = pipeline.encode(slice(v, from, from + n), n, scratch);
                  assertThat(Arrays.copyOf(ours.bytes(), ours.length()))
                      .as("%s chunk-rows %d deflate-%d at %d", type, chunkRows, level, from).isEqualTo(stored);
                }
              } finally {
                H5.H5Dclose(d);
              }
            }
          }
        }
      } finally {
        H5.H5Fclose(file);
      }
    }
  }

  @Test
  void damagedChunksAreRefusedWithTheReason() throws Exception {
    FilterPipeline pipeline = FilterPipeline.forWriting(8, 1000, 1);
    FilterPipeline.Scratch scratch = new FilterPipeline.Scratch();
    FilterPipeline.EncodedChunk good = pipeline.encode(values("long", 1000, 3), 1000, scratch);
    long[] out = new long[1000];
    Random rnd = new Random(5);
    for (int k = 0; k < 200; k++) {
      byte[] bad = Arrays.copyOf(good.bytes(), good.length());
      int at = rnd.nextInt(bad.length);
      bad[at] ^= (byte) (1 << rnd.nextInt(8));
      assertThatThrownBy(() -> pipeline.decode(bad, bad.length, 0, out, 0, 0, 1000, scratch))
          .as("bit flipped at %d", at)
          .isInstanceOf(FilterPipeline.BadChunkException.class)
          .hasMessageContaining("Fletcher-32");
    }
    byte[] bytes = good.bytes();
    assertThatThrownBy(() -> pipeline.decode(bytes, 3, 0, out, 0, 0, 1000, scratch))
        .hasMessageContaining("fewer than its checksum");
    assertThatThrownBy(() -> pipeline.decode(bytes, good.length(), 4, out, 0, 0, 1000, scratch))
        .hasMessageContaining("without its Fletcher-32 checksum");
    // a valid checksum over a zlib stream of the wrong length
    FilterPipeline shorter = FilterPipeline.forWriting(8, 999, 1);
    FilterPipeline.EncodedChunk other = shorter.encode(values("long", 999, 3), 999, scratch);
    assertThatThrownBy(() -> pipeline.decode(other.bytes(), other.length(), 0, out, 0, 0, 1000, scratch))
        .hasMessageContaining("but a chunk holds 8000");
    // a valid checksum over bytes that are not zlib
    byte[] junk = new byte[64];
    int sum = Fletcher32.of(junk, 0, 60);
    junk[60] = (byte) sum;
    junk[61] = (byte) (sum >>> 8);
    junk[62] = (byte) (sum >>> 16);
    junk[63] = (byte) (sum >>> 24);
    assertThatThrownBy(() -> pipeline.decode(junk, 64, 0, out, 0, 0, 1000, scratch))
        .hasMessageContaining("zlib stream is damaged");
    scratch.release();
  }

  @Test
  void readingAcceptsOnlyPipelinesOfShuffleDeflateAndFletcher() {
    int s = FilterPipeline.FILTER_SHUFFLE;
    int d = FilterPipeline.FILTER_DEFLATE;
    int f = FilterPipeline.FILTER_FLETCHER32;
    assertThat(FilterPipeline.forReading(8, 10, new int[] {s, d, f})).isNotNull();
    assertThat(FilterPipeline.forReading(8, 10, new int[] {f})).isNotNull();
    assertThat(FilterPipeline.forReading(8, 10, new int[] {d, f}).deflateLevel).isPositive();
    assertThat(FilterPipeline.forReading(8, 10, new int[] {})).isNull();
    assertThat(FilterPipeline.forReading(8, 10, new int[] {s, d})).isNull();
    assertThat(FilterPipeline.forReading(8, 10, new int[] {f, d})).isNull();
    assertThat(FilterPipeline.forReading(8, 10, new int[] {s, 32001, f})).isNull();
  }
}
