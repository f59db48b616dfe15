package org.optstore.format.hdf5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.ColumnType;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;
import org.optstore.spi.WriteSummary;

/** Our files read by h5py and h5dump; files pandas writes read by us. */
class Hdf5InteropTest {

  @TempDir Path dir;

  private static final String H5PY_SUMS = String.join("\n",
      "import sys, h5py, numpy as np",
      "f = h5py.File(sys.argv[1], 'r')",
      "g = f['data']",
      "ts = g['ts'][:]; vol = g['volume'][:]; price = g['price'][:]; flag = g['flag'][:]",
      "d = g['_dictionaries/symbol']; b = d['utf8'][:].tobytes(); o = d['offsets'][:]",
      "words = np.array([b[o[k]:o[k + 1]].decode('utf-8') for k in range(len(o) - 1)], dtype=object)",
      "sym = words[g['symbol'][:]]",
      "print('ts', int(ts.sum()), ts.dtype, g['ts'].attrs['units'].decode() if isinstance(g['ts'].attrs['units'], bytes) else g['ts'].attrs['units'])",
      "print('volume', int(vol.sum()), vol.dtype)",
      "print('pricebits', int(price.view(np.uint64).sum(dtype=np.uint64)), price.dtype)",
      "print('flag', int(flag.sum()), flag.dtype)",
      "print('sym042', int((sym == 'SYM042').sum()), len(sym))",
      "print('nulls', int(g['_nulls/volume2'][:].sum()))");

  @Test
  void h5pyReadsOurFilesWithIdenticalSums() throws IOException {
    InteropTools.requirePython("h5py", "numpy");
    h5pySums(5000, 1024);
  }

  /**
   * Chunks of the default size, where the price column's noisy low bytes are stored blocks inside
   * the zlib stream: h5py and h5dump read them exactly.
   */
  @Test
  void h5pyAndH5dumpReadDefaultSizeChunksWithStoredPlanes() throws IOException {
    InteropTools.requirePython("h5py", "numpy");
    InteropTools.requireH5dump();
    Path p = h5pySums(140_000, Hdf5Layout.DEFAULT_CHUNK_ROWS);
    Frame ticks = TicksFrames.ticks(140_000);
    for (int start : new int[] {0, 65_530, 139_990}) {
      InteropTools.Output o = InteropTools.run(List.of("h5dump", "-m", "%.17g", "-d", "/data/price", "-s",
          Integer.toString(start), "-c", "10", p.toString()), 60);
      assertThat(o.exitCode()).as(o.text()).isZero();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d+)\\): ([-0-9.eE+]+)").matcher(o.text());
      int seen = 0;
      while (m.find()) {
        int row = Integer.parseInt(m.group(1));
        assertThat(Double.parseDouble(m.group(2))).as("h5dump price row %d", row)
            .isEqualTo(ticks.doubles("price").get(row));
        seen++;
      }
      assertThat(seen).as(o.text()).isEqualTo(10);
    }
  }

  private Path h5pySums(int n, int chunkRows) throws IOException {
    Frame ticks = TicksFrames.ticks(n);
    boolean[] nul = new boolean[n];
    long[] v2 = ticks.longs("volume").toArray();
    for (int i = 0; i < n; i += 7) {
      nul[i] = true;
    }
    Frame f = Frame.builder().column("ts", ticks.column("ts")).column("symbol", ticks.column("symbol"))
        .column("price", ticks.column("price")).column("volume", ticks.column("volume"))
        .column("flag", ticks.column("flag"))
        .column("volume2", org.optstore.LongColumn.wrap(ColumnType.INT64, v2, org.optstore.NullMask.of(nul)))
        .timeColumn("ts").build();
    Path p = dir.resolve("ticks-" + chunkRows + ".h5");
    Hdf5Files.write(p, f, 12_345, chunkRows, "deflate-1");
    Map<String, String[]> got = new HashMap<>();
    for (String line : InteropTools.python(H5PY_SUMS, p.toString()).strip().split("\n")) {
      String[] parts = line.strip().split(" ", 2);
      got.put(parts[0], parts[1].split(" "));
    }
    long tsSum = 0;
    long volSum = 0;
    long priceBits = 0;
    int flags = 0;
    int sym042 = 0;
    for (int i = 0; i < n; i++) {
      tsSum += f.longs("ts").get(i);
      volSum += f.longs("volume").get(i);
      priceBits += Double.doubleToRawLongBits(f.doubles("price").get(i));
      flags += f.bools("flag").get(i) ? 1 : 0;
      sym042 += f.strings("symbol").get(i).equals("SYM042") ? 1 : 0;
    }
    assertThat(got.get("ts")).containsExactly(Long.toString(tsSum), "int64", "microseconds", "since",
        "1970-01-01T00:00:00Z");
    assertThat(got.get("volume")).containsExactly(Long.toString(volSum), "int64");
    assertThat(got.get("pricebits")).containsExactly(Long.toUnsignedString(priceBits), "float64");
    assertThat(got.get("flag")).containsExactly(Integer.toString(flags), "bool");
    assertThat(got.get("sym042")).containsExactly(Integer.toString(sym042), Integer.toString(n));
    assertThat(got.get("nulls")).containsExactly(Integer.toString((n + 6) / 7));
    return p;
  }

  @Test
  void h5dumpShowsTheLayout() throws IOException {
    InteropTools.requireH5dump();
    Path p = dir.resolve("layout.h5");
    Hdf5Files.write(p, TicksFrames.ticks(3000), 3000, 1024, "deflate-1");
    InteropTools.Output o = InteropTools.run(List.of("h5dump", "-H", "-p", p.toString()), 60);
    assertThat(o.exitCode()).as(o.text()).isZero();
    String h = o.text();
    assertThat(h).contains("GROUP \"data\"", "DATASET \"ts\"", "DATASET \"price\"", "DATASET \"symbol\"",
        "DATASET \"flag\"", "DATASET \"volume\"", "GROUP \"_dictionaries\"", "GROUP \"_chunks\"",
        "GROUP \"symbol\"", "DATASET \"utf8\"", "DATASET \"offsets\"", "H5T_STD_U8LE", "ATTRIBUTE \"crc32c\"",
        "CHUNKED ( 1024 )", "CHECKSUM FLETCHER32", "PREPROCESSING SHUFFLE", "COMPRESSION DEFLATE { LEVEL 1 }",
        "H5T_ENUM", "H5T_STD_I64LE", "H5T_IEEE_F64LE", "ATTRIBUTE \"units\"", "ATTRIBUTE \"time_column\"",
        "( 3000 ) / ( H5S_UNLIMITED )");
    InteropTools.Output sb = InteropTools.run(List.of("h5dump", "-B", "-H", p.toString()), 60);
    assertThat(sb.text()).as("superblock version 3 carries a checksum").contains("SUPERBLOCK_VERSION 3");
  }

  private static final String PANDAS_WRITE = String.join("\n",
      "import sys, numpy as np, pandas as pd",
      "n = int(sys.argv[3])",
      "i = np.arange(n, dtype='int64')",
      "ts = pd.to_datetime(1672531200000000000 + i * 1000000123, unit='ns')",
      "ts = ts.where(i % 97 != 5)",
      "df = pd.DataFrame({",
      "  'i64': i * 7 - 3,",
      "  'f64': np.where(i % 10 == 0, np.nan, i * 0.5),",
      "  'flag': i % 3 == 0,",
      "  'when': ts,",
      "  'i32': i.astype('int32'),",
      "  'f32': (i * 0.25).astype('float32'),",
      "})",
      "if sys.argv[2] == 'fixed':",
      "    df.to_hdf(sys.argv[1], key='data', mode='w')",
      "elif sys.argv[2] == 'table':",
      "    df['sym'] = ['S%d' % (k % 5) if k % 11 else None for k in range(n)]",
      "    df.index = pd.to_datetime(1672531200000000 + i, unit='us').rename('timestamp')",
      "    df.to_hdf(sys.argv[1], key='data', mode='w', format='table')",
      "elif sys.argv[2] == 'table-dc':",
      "    df['sym'] = ['S%d' % (k % 5) if k % 11 else None for k in range(n)]",
      "    df.to_hdf(sys.argv[1], key='data', mode='w', format='table', data_columns=True)",
      "elif sys.argv[2] == 'fixed-strings':",
      "    df['sym'] = ['S%d' % (k % 5) for k in range(n)]",
      "    df.to_hdf(sys.argv[1], key='data', mode='w')");

  private Frame importPandas(String kind, int n) throws IOException {
    Path p = dir.resolve(kind + ".h5");
    InteropTools.python(PANDAS_WRITE, p.toString(), kind, Integer.toString(n));
    assertThat(Hdf5Files.FORMAT.canImport(p)).isTrue();
    try (FrameStream s = Hdf5Files.FORMAT.importFile(p, WriteOptions.defaults())) {
      return s.readAll();
    }
  }

  private static void assertCommonColumns(Frame f, int n) {
    for (int k = 0; k < n; k++) {
      long i = k;
      assertThat(f.longs("i64").get(k)).isEqualTo(i * 7 - 3);
      if (k % 10 == 0) {
        assertThat(f.doubles("f64").get(k)).isNaN();
      } else {
        assertThat(f.doubles("f64").get(k)).isEqualTo(i * 0.5);
      }
      assertThat(f.bools("flag").get(k)).isEqualTo(k % 3 == 0);
      if (k % 97 == 5) {
        assertThat(f.column("when").isNull(k)).as("NaT at %d", k).isTrue();
      } else {
        assertThat(f.longs("when").get(k)).isEqualTo(Math.floorDiv(1672531200000000000L + i * 1000000123L, 1000L));
      }
      assertThat(f.ints("i32").get(k)).isEqualTo(k);
      assertThat(f.floats("f32").get(k)).isEqualTo((float) (i * 0.25));
    }
  }

  @Test
  void importsPandasFixedFormat() throws IOException {
    InteropTools.requirePython("pandas", "tables");
    int n = 70_000; // more than one import batch
    Frame f = importPandas("fixed", n);
    assertThat(f.rowCount()).isEqualTo(n);
    assertThat(f.schema().names()).containsExactly("i64", "f64", "flag", "when", "i32", "f32");
    assertThat(f.schema().fields()).extracting(org.optstore.Field::type).containsExactly(ColumnType.INT64,
        ColumnType.FLOAT64, ColumnType.BOOL, ColumnType.TIMESTAMP, ColumnType.INT32, ColumnType.FLOAT32);
    assertThat(f.schema().timeColumn()).as("NaT values keep 'when' from being the time column").isEmpty();
    assertCommonColumns(f, n);
    Path p = dir.resolve("fixed.h5");
    assertThatThrownBy(() -> Hdf5Files.FORMAT.importFile(p, WriteOptions.builder().timeColumn("when").build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'when'").hasMessageContaining("NaT at row 5");
  }

  @Test
  void importsPandasTableFormatWithItsIndexAndStrings() throws IOException {
    InteropTools.requirePython("pandas", "tables");
    int n = 3000;
    Frame f = importPandas("table", n);
    assertThat(f.schema().names()).containsExactly("timestamp", "i64", "f64", "flag", "when", "i32", "f32", "sym");
    assertThat(f.schema().timeColumn()).contains("timestamp");
    assertCommonColumns(f, n);
    for (int k = 0; k < n; k++) {
      assertThat(f.longs("timestamp").get(k)).isEqualTo(1672531200000000L + k);
      assertThat(f.strings("sym").get(k)).isEqualTo(k % 11 == 0 ? null : "S" + (k % 5));
    }
  }

  @Test
  void importsPandasTableFormatWithDataColumns() throws IOException {
    InteropTools.requirePython("pandas", "tables");
    int n = 500;
    Frame f = importPandas("table-dc", n);
    assertThat(f.schema().names()).containsExactly("i64", "f64", "flag", "when", "i32", "f32", "sym");
    assertCommonColumns(f, n);
    assertThat(f.strings("sym").get(12)).isEqualTo("S2");
    assertThat(f.strings("sym").get(11)).isNull();
  }

  @Test
  void refusesPickledObjectColumnsOfTheFixedFormat() throws IOException {
    InteropTools.requirePython("pandas", "tables");
    Path p = dir.resolve("fixed-strings.h5");
    InteropTools.python(PANDAS_WRITE, p.toString(), "fixed-strings", "10");
    assertThatThrownBy(() -> Hdf5Files.FORMAT.importFile(p, WriteOptions.defaults()))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("'sym'")
        .hasMessageContaining("never unpickles")
        .hasMessageContaining("format='table'");
  }

  @Test
  void ourFileWrittenFromAnImportRoundTrips() throws IOException {
    InteropTools.requirePython("pandas", "tables");
    Frame imported = importPandas("table", 200);
    Path p = dir.resolve("ours.h5");
    WriteSummary s = Hdf5Files.write(p, imported, 200, 64, "deflate-1");
    try (var r = Hdf5Files.open(p, s)) {
      assertThat(r.read(org.optstore.Query.all().bind(r.schema()))).isEqualTo(imported);
    }
  }
}
