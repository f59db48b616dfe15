package org.optstore.format.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.optstore.BoolColumn;
import org.optstore.ColumnType;
import org.optstore.DoubleColumn;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Schema;
import org.optstore.StringColumn;
import org.optstore.spi.FormatReader;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteSummary;
import org.optstore.spi.WriteTarget;

/** Writing and opening files through the SPI, as the engine does, plus test data. */
final class TestFiles {
  static final long T0 = 1_672_531_200_000_000L; // 2023-01-01T00:00:00Z in micros
  static final ParquetFormat FORMAT = new ParquetFormat();

  private TestFiles() {}

  /** A file written through the SPI and the checksums its writer reported. */
  record Written(Path path, WriteSummary summary) {
    ReadSpec spec(boolean mmap) {
      return new ReadSpec(path, summary.checksums(), mmap, "test file " + path.getFileName());
    }

    FormatReader open() {
      return FORMAT.openReader(spec(true));
    }
  }

  static Written write(Path file, String codec, Map<String, String> options, Frame... batches) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      WriteTarget target = new WriteTarget() {
        @Override
        public SeekableByteChannel channel() {
          return ch;
        }

        @Override
        public Path path() {
          return file;
        }

        @Override
        public String description() {
          return "test file " + file.getFileName();
        }
      };
      Schema schema = batches[0].schema();
      try (FormatWriter w = FORMAT.createWriter(target, new WriteSpec(schema, codec, -1, "test", options))) {
        for (Frame b : batches) {
          w.write(b);
        }
        return new Written(file, w.finish());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Written write(Path file, Frame frame) {
    return write(file, "snappy", Map.of(), frame);
  }

  /** The reference workload of DESIGN.md, rows {@code [from, from+n)}. */
  static Frame ticks(long from, int n) {
    long[] ts = new long[n];
    int[] sym = new int[n];
    double[] price = new double[n];
    long[] vol = new long[n];
    boolean[] flag = new boolean[n];
    String[] dict = new String[100];
    for (int k = 0; k < 100; k++) {
      dict[k] = String.format("SYM%03d", k);
    }
    for (int j = 0; j < n; j++) {
      long i = from + j;
      ts[j] = T0 + i * 1_000_000L;
      sym[j] = (int) ((i * 7919) % 100);
      price[j] = 100 + 10 * Math.sin(i / 1000.0) + (i % 17) * 0.01;
      vol[j] = (i * 31) % 10000;
      flag[j] = i % 3 == 0;
    }
    return Frame.builder()
        .column("ts", LongColumn.timestamps(ts))
        .column("symbol", StringColumn.ofCodes(IntColumn.of(sym), org.optstore.StringDictionary.of(dict),
            NullMask.none(n)))
        .column("price", DoubleColumn.of(price))
        .column("volume", LongColumn.of(vol))
        .column("flag", BoolColumn.of(flag))
        .build();
  }

  /**
   * Random rows of every type, about {@code nullRate} of them null (the time column never is), with
   * edge values mixed in: extremes, NaN, infinities, -0.0, empty and non-ASCII strings.
   */
  static Frame everyType(Random rnd, int n, double nullRate, boolean sortedTime) {
    long[] ts = new long[n];
    long[] i64 = new long[n];
    int[] i32 = new int[n];
    double[] f64 = new double[n];
    float[] f32 = new float[n];
    boolean[] b = new boolean[n];
    String[] s = new String[n];
    boolean[][] nulls = new boolean[6][n];
    long t = T0;
    String[] words = {"", "a", "b", "zz", "Zürich", "東京", "emoji \uD83D\uDE00", "tab\tnewline\n", "a\u0000b"};
    for (int r = 0; r < n; r++) {
      t += sortedTime ? rnd.nextInt(3) * 1_000_000L : 0;
      ts[r] = sortedTime ? t : T0 + rnd.nextInt(1_000_000) * 1_000_000L;
      i64[r] = pick(rnd, new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1}, rnd.nextLong() >> rnd.nextInt(64));
      i32[r] = (int) pick(rnd, new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0}, rnd.nextInt() >> rnd.nextInt(32));
      f64[r] = rnd.nextInt(20) == 0 ? new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
          -0.0, 0.0, Double.MIN_VALUE, Double.MAX_VALUE}[rnd.nextInt(7)] : rnd.nextGaussian() * 100;
      f32[r] = rnd.nextInt(20) == 0 ? new float[] {Float.NaN, Float.POSITIVE_INFINITY, -0.0f}[rnd.nextInt(3)]
          : (float) (rnd.nextGaussian() * 10);
      b[r] = rnd.nextBoolean();
      s[r] = rnd.nextInt(4) == 0 ? words[rnd.nextInt(words.length)] : "w" + rnd.nextInt(50);
      for (int c = 0; c < 6; c++) {
        nulls[c][r] = rnd.nextDouble() < nullRate;
      }
      if (nulls[5][r]) {
        s[r] = null;
      }
    }
    return Frame.builder()
        .column("ts", LongColumn.wrap(ColumnType.TIMESTAMP, ts, NullMask.none(n)))
        .column("i64", LongColumn.wrap(ColumnType.INT64, i64, NullMask.of(nulls[0])))
        .column("i32", IntColumn.wrap(ColumnType.INT32, i32, NullMask.of(nulls[1])))
        .column("f64", DoubleColumn.wrap(ColumnType.FLOAT64, f64, NullMask.of(nulls[2])))
        .column("f32", FloatColumn.wrap(ColumnType.FLOAT32, f32, NullMask.of(nulls[3])))
        .column("b", BoolColumn.of(b, NullMask.of(nulls[4])))
        .column("s", StringColumn.of(s))
        .timeColumn("ts")
        .build();
  }

  private static long pick(Random rnd, long[] edges, long otherwise) {
    return rnd.nextInt(25) == 0 ? edges[rnd.nextInt(edges.length)] : otherwise;
  }

  static List<Frame> batches(Frame f, int size) {
    List<Frame> out = new ArrayList<>();
    for (int r = 0; r < f.rowCount(); r += size) {
      out.add(f.slice(r, Math.min(f.rowCount(), r + size)));
    }
    return out;
  }
}
