package org.optstore.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optstore.BoolColumn;
import org.optstore.ColumnType;
import org.optstore.DoubleColumn;
import org.optstore.Field;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.StringColumn;
import org.optstore.WriteOptions;

/** DuckDB (an independent engine) reads what we write, and we import what it writes. */
class DuckDbInteropTest {
  @TempDir Path dir;
  private Connection duck;

  @BeforeEach
  void open() throws SQLException {
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterEach
  void close() throws SQLException {
    duck.close();
  }

  private static String sql(Path p) {
    return "'" + p.toString().replace("'", "''") + "'";
  }

  @Test
  void duckDbReadsEveryTypeWithNullsIdentically() throws Exception {
    Frame f = TestFiles.everyType(new Random(7), 2500, 0.2, true);
    Path p = dir.resolve("ours.parquet");
    TestFiles.write(p, "snappy", java.util.Map.of("row-group-rows", "1000", "page-rows", "256"), f);
    try (Statement s = duck.createStatement();
        ResultSet rs = s.executeQuery("SELECT epoch_us(ts), i64, i32, f64, f32, b, s, typeof(ts), typeof(s) "
            + "FROM read_parquet(" + sql(p) + ", file_row_number = true) ORDER BY file_row_number")) {
      LongColumn ts = f.longs("ts");
      LongColumn i64 = f.longs("i64");
      IntColumn i32 = f.ints("i32");
      DoubleColumn f64 = f.doubles("f64");
      FloatColumn f32 = f.floats("f32");
      BoolColumn b = f.bools("b");
      StringColumn str = f.strings("s");
      int row = 0;
      while (rs.next()) {
        assertThat(rs.getString(8)).isEqualTo("TIMESTAMP WITH TIME ZONE");
        assertThat(rs.getString(9)).isEqualTo("VARCHAR");
        assertThat(rs.getLong(1)).as("ts row %d", row).isEqualTo(ts.get(row));
        check(rs.getObject(2), i64.isNull(row) ? null : (Object) i64.get(row), row);
        check(rs.getObject(3), i32.isNull(row) ? null : (Object) i32.get(row), row);
        if (f64.isNull(row)) {
          assertThat(rs.getObject(4)).isNull();
        } else {
          assertThat(Double.doubleToLongBits(rs.getDouble(4))).as("f64 row %d", row)
              .isEqualTo(Double.doubleToLongBits(f64.get(row)));
        }
        if (f32.isNull(row)) {
          assertThat(rs.getObject(5)).isNull();
        } else {
          assertThat(Float.floatToIntBits(rs.getFloat(5))).as("f32 row %d", row)
              .isEqualTo(Float.floatToIntBits(f32.get(row)));
        }
        check(rs.getObject(6), b.isNull(row) ? null : (Object) b.get(row), row);
        check(rs.getObject(7), str.isNull(row) ? null : str.get(row), row);
        row++;
      }
      assertThat(row).isEqualTo(f.rowCount());
    }
  }

  private static void check(Object actual, Object expected, int row) {
    assertThat(actual).as("row %d", row).isEqualTo(expected);
  }

  @Test
  void duckDbAnswersTheReferenceQueriesOnOurFile() throws Exception {
    Frame f = TestFiles.ticks(0, 300_000);
    Path p = dir.resolve("ticks.parquet");
    TestFiles.write(p, f);
    try (Statement s = duck.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(volume) FROM " + sql(p)
            + " WHERE symbol = 'SYM042' AND price > 105")) {
      rs.next();
      long expectedRows = 0;
      long expectedSum = 0;
      for (int i = 0; i < f.rowCount(); i++) {
        if (f.strings("symbol").get(i).equals("SYM042") && f.doubles("price").get(i) > 105) {
          expectedRows++;
          expectedSum += f.longs("volume").get(i);
        }
      }
      assertThat(rs.getLong(1)).isEqualTo(expectedRows).isPositive();
      assertThat(rs.getLong(2)).isEqualTo(expectedSum);
    }
  }

  private Frame importAll(Path p, WriteOptions o) {
    try (FrameStream s = TestFiles.FORMAT.importFile(p, o)) {
      return s.readAll();
    }
  }

  @ParameterizedTest
  @CsvSource({"snappy,0", "snappy,5", "zstd,0", "zstd,5", "uncompressed,5", "gzip,5"})
  void duckDbWrittenFilesImportIdentically(String codec, int nullEvery) throws Exception {
    Path p = dir.resolve("duck-" + codec + "-" + nullEvery + ".parquet");
    String nul = nullEvery == 0 ? "false" : "i % " + nullEvery + " = 0";
    try (Statement s = duck.createStatement()) {
      s.execute("COPY (SELECT "
          + "TIMESTAMP '2023-01-01' + to_microseconds(i * 1000003) AS ts, "
          + "CASE WHEN " + nul + " THEN NULL ELSE i * 37 - 5000 END::BIGINT AS big, "
          + "CASE WHEN " + nul + " THEN NULL ELSE (i % 1000) - 500 END::INTEGER AS int32, "
          + "CASE WHEN " + nul + " THEN NULL ELSE (i % 100)::SMALLINT END AS small, "
          + "CASE WHEN " + nul + " THEN NULL ELSE i / 7.0 END::DOUBLE AS dbl, "
          + "CASE WHEN " + nul + " THEN NULL ELSE (i / 3.0)::FLOAT END AS flt, "
          + "CASE WHEN " + nul + " THEN NULL ELSE i % 2 = 0 END AS bool, "
          + "CASE WHEN " + nul + " THEN NULL ELSE 'k' || (i % 13) END AS str, "
          + "CASE WHEN " + nul + " THEN NULL ELSE (TIMESTAMP '2020-02-02' + to_milliseconds(i))::TIMESTAMP_MS END AS tms, "
          + "CASE WHEN " + nul + " THEN NULL ELSE (TIMESTAMP '2020-02-02' + to_microseconds(i))::TIMESTAMP_NS END AS tns, "
          + "CASE WHEN " + nul + " THEN NULL ELSE DATE '2000-01-01' + (i % 400)::INTEGER END AS d, "
          + "CASE WHEN " + nul + " THEN NULL ELSE (i / 100.0)::DECIMAL(10,2) END AS dec, "
          + "CASE WHEN " + nul + " THEN NULL ELSE (i / 1000.0)::DECIMAL(18,3) END AS dec18 "
          + "FROM range(0, 250000) t(i)) TO " + sql(p) + " (FORMAT parquet, COMPRESSION " + codec
          + ", ROW_GROUP_SIZE 100000)");
    }
    assertThat(TestFiles.FORMAT.canImport(p)).isTrue();
    Frame f = importAll(p, WriteOptions.defaults());
    assertThat(f.schema().fields()).containsExactly(Field.of("ts", ColumnType.TIMESTAMP),
        Field.of("big", ColumnType.INT64), Field.of("int32", ColumnType.INT32), Field.of("small", ColumnType.INT32),
        Field.of("dbl", ColumnType.FLOAT64), Field.of("flt", ColumnType.FLOAT32), Field.of("bool", ColumnType.BOOL),
        Field.of("str", ColumnType.STRING), Field.of("tms", ColumnType.TIMESTAMP),
        Field.of("tns", ColumnType.TIMESTAMP), Field.of("d", ColumnType.TIMESTAMP),
        Field.of("dec", ColumnType.FLOAT64), Field.of("dec18", ColumnType.FLOAT64));
    assertThat(f.rowCount()).isEqualTo(250_000);
    try (Statement s = duck.createStatement();
        ResultSet rs = s.executeQuery("SELECT epoch_us(ts), big, int32, small, dbl, flt, bool, str, epoch_us(tms), "
            + "epoch_us(tns), epoch_us(d::TIMESTAMP), dec::DOUBLE, dec18::DOUBLE FROM read_parquet(" + sql(p)
            + ", file_row_number = true) ORDER BY file_row_number")) {
      int row = 0;
      while (rs.next()) {
        for (int c = 0; c < 13; c++) {
          Object want = rs.getObject(c + 1);
          Object got = f.column(c).getObject(row);
          if (got instanceof java.time.Instant t) {
            got = t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
          }
          if (want instanceof Short sh) {
            want = (int) sh;
          }
          if (want instanceof java.math.BigInteger bi) {
            want = bi.longValue();
          }
          if (c == 11 || c == 12) {
            if (want != null) {
              assertThat((Double) got).as("%s row %d", f.schema().field(c).name(), row)
                  .isCloseTo((Double) want, org.assertj.core.data.Offset.offset(1e-9));
            } else {
              assertThat(got).isNull();
            }
            continue;
          }
          assertThat(got).as("%s row %d", f.schema().field(c).name(), row).isEqualTo(want);
        }
        row++;
      }
      assertThat(row).isEqualTo(250_000);
    }
  }

  @Test
  void unsupportedForeignTypesFailNamingTheColumnAndType() throws Exception {
    Path list = dir.resolve("list.parquet");
    Path dec = dir.resolve("dec.parquet");
    try (Statement s = duck.createStatement()) {
      s.execute("COPY (SELECT 1 AS a, [1, 2] AS tags) TO " + sql(list) + " (FORMAT parquet)");
      s.execute("COPY (SELECT 1 AS a, 1.5::DECIMAL(30,2) AS wide) TO " + sql(dec) + " (FORMAT parquet)");
    }
    assertThatThrownBy(() -> importAll(list, WriteOptions.defaults())).isInstanceOf(SchemaException.class)
        .hasMessageContaining("'tags'");
    assertThatThrownBy(() -> importAll(dec, WriteOptions.defaults())).isInstanceOf(SchemaException.class)
        .hasMessageContaining("'wide'").hasMessageContaining("DECIMAL");
  }

  @Test
  void importConvertsAnEpochTimeColumnAndAppliesTheTimeColumnOption() throws Exception {
    Path p = dir.resolve("epoch.parquet");
    try (Statement s = duck.createStatement()) {
      s.execute("COPY (SELECT 1672531200 + i AS t, i AS v FROM range(0, 1000) r(i)) TO " + sql(p)
          + " (FORMAT parquet)");
    }
    Frame f = importAll(p, WriteOptions.builder().timeColumn("t")
        .epochUnit(java.util.concurrent.TimeUnit.SECONDS).build());
    assertThat(f.schema().timeColumn()).contains("t");
    assertThat(f.longs("t").get(10)).isEqualTo(TestFiles.T0 + 10_000_000L);
    assertThatThrownBy(() -> importAll(p, WriteOptions.builder().timeColumn("v").build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'v'");
    assertThatThrownBy(() -> importAll(p, WriteOptions.builder().timeColumn("nope").build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'nope'");
  }

  @Test
  void ourReaderAnswersQueriesOnDuckDbFilesWithoutAPageIndex() throws Exception {
    Path p = dir.resolve("duckticks.parquet");
    try (Statement s = duck.createStatement()) {
      s.execute("COPY (SELECT TIMESTAMPTZ '2023-01-01 00:00:00+00' + to_seconds(i) AS ts, "
          + "printf('SYM%03d', (i * 7919) % 100) AS symbol, 100 + 10 * sin(i / 1000.0) + (i % 17) * 0.01 AS price, "
          + "(i * 31) % 10000 AS volume, i % 3 = 0 AS flag FROM range(0, 200000) r(i)) TO " + sql(p)
          + " (FORMAT parquet, COMPRESSION snappy)");
    }
    Frame ours = TestFiles.ticks(0, 200_000);
    try (org.optstore.spi.FormatReader r = TestFiles.FORMAT.openReader(org.optstore.spi.ReadSpec.of(p))) {
      Schema schema = r.schema();
      org.optstore.BoundQuery q = org.optstore.Query.builder()
          .where(org.optstore.Predicates.and(org.optstore.Predicates.eq("symbol", "SYM042"),
              org.optstore.Predicates.gt("price", 105.0)))
          .build().bind(schema);
      Frame got = r.read(q);
      org.optstore.BoundQuery q2 = org.optstore.Query.builder()
          .where(org.optstore.Predicates.and(org.optstore.Predicates.eq("symbol", "SYM042"),
              org.optstore.Predicates.gt("price", 105.0)))
          .build().bind(ours.schema());
      Frame want = ParquetRoundTripTest.reference(ours, q2);
      assertThat(got.rowCount()).isEqualTo(want.rowCount()).isPositive();
      assertThat(got.longs("volume").toArray()).isEqualTo(want.longs("volume").toArray());
      assertThat(got.longs("ts").toArray()).isEqualTo(want.longs("ts").toArray());
    }
  }
}
