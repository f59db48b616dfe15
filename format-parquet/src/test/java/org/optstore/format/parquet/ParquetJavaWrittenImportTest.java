package org.optstore.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.optstore.ColumnType;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.WriteOptions;

/**
 * Files written by parquet-java's record API the way Spark and Hive write them: INT96 timestamps,
 * version-1 pages, PLAIN_DICTIONARY, millisecond timestamps, dates, small and unsigned integers.
 */
class ParquetJavaWrittenImportTest {
  private static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
      "message spark_schema {\n"
          + "  optional int96 event_time;\n"
          + "  optional int64 ms (TIMESTAMP(MILLIS,true));\n"
          + "  optional int32 day (DATE);\n"
          + "  optional int32 tiny (INTEGER(8,true));\n"
          + "  optional int32 u32 (INTEGER(32,false));\n"
          + "  optional binary name (STRING);\n"
          + "  optional double x;\n"
          + "  required boolean ok;\n"
          + "}");

  @TempDir Path dir;

  private static Binary int96(long micros) {
    long days = Math.floorDiv(micros, 86_400_000_000L);
    long nanosOfDay = Math.floorMod(micros, 86_400_000_000L) * 1000;
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(nanosOfDay).putInt((int) (days + 2440588));
    return Binary.fromConstantByteArray(b.array());
  }

  @ParameterizedTest
  @EnumSource(value = ParquetProperties.WriterVersion.class)
  void sparkStyleFileImportsWithItsTypesConverted(ParquetProperties.WriterVersion version) throws Exception {
    Path p = dir.resolve("spark-" + version + ".parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    int n = 5000;
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(p)).withType(SCHEMA)
        .withWriterVersion(version).withCompressionCodec(CompressionCodecName.SNAPPY).withPageRowCountLimit(700)
        .withRowGroupSize(64 * 1024).build()) {
      for (int i = 0; i < n; i++) {
        Group g = groups.newGroup();
        g.add("event_time", int96(TestFiles.T0 + i * 1_500_000L - 3));
        if (i % 11 != 0) {
          g.add("ms", (TestFiles.T0 / 1000) + i * 7L);
          g.add("day", 19000 + i % 50);
          g.add("tiny", (i % 256) - 128);
          g.add("u32", (int) (3_000_000_000L + i));
          g.add("name", "n" + (i % 37));
          g.add("x", i * 0.25);
        }
        g.add("ok", i % 2 == 0);
        w.write(g);
      }
    }
    Frame f;
    try (FrameStream s = TestFiles.FORMAT.importFile(p, WriteOptions.builder().timeColumn("event_time").build())) {
      f = s.readAll();
    }
    assertThat(f.schema().fields()).containsExactly(Field.of("event_time", ColumnType.TIMESTAMP),
        Field.of("ms", ColumnType.TIMESTAMP), Field.of("day", ColumnType.TIMESTAMP), Field.of("tiny", ColumnType.INT32),
        Field.of("u32", ColumnType.INT64), Field.of("name", ColumnType.STRING), Field.of("x", ColumnType.FLOAT64),
        Field.of("ok", ColumnType.BOOL));
    assertThat(f.schema().timeColumn()).contains("event_time");
    assertThat(f.rowCount()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(f.longs("event_time").get(i)).isEqualTo(TestFiles.T0 + i * 1_500_000L - 3);
      if (i % 11 == 0) {
        for (int c = 1; c < 7; c++) {
          assertThat(f.column(c).isNull(i)).as("column %d row %d", c, i).isTrue();
        }
      } else {
        assertThat(f.longs("ms").get(i)).isEqualTo(TestFiles.T0 + i * 7000L);
        assertThat(f.longs("day").get(i)).isEqualTo((19000L + i % 50) * 86_400_000_000L);
        assertThat(f.ints("tiny").get(i)).isEqualTo((i % 256) - 128);
        assertThat(f.longs("u32").get(i)).isEqualTo(3_000_000_000L + i);
        assertThat(f.strings("name").get(i)).isEqualTo("n" + (i % 37));
        assertThat(f.doubles("x").get(i)).isEqualTo(i * 0.25);
      }
      assertThat(f.bools("ok").get(i)).isEqualTo(i % 2 == 0);
    }
  }

  private static final MessageType ENCODINGS = MessageTypeParser.parseMessageType(
      "message enc {\n"
          + "  required int64 id;\n"
          + "  optional double d;\n"
          + "  optional float f;\n"
          + "  optional binary s (STRING);\n"
          + "  optional fixed_len_byte_array(8) dec (DECIMAL(18,2));\n"
          + "  optional binary bdec (DECIMAL(9,3));\n"
          + "}");

  private static Binary bigEndian(long unscaled, int length) {
    byte[] b = new byte[length];
    for (int i = length - 1; i >= 0; i--) {
      b[i] = (byte) unscaled;
      unscaled >>= 8;
    }
    return Binary.fromConstantByteArray(b);
  }

  /** Byte-stream-split floats, delta-encoded strings (no dictionary) and decimals held as bytes. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void otherEncodingsAndByteDecimalsImport(boolean dictionary) throws Exception {
    Path p = dir.resolve("enc-" + dictionary + ".parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(ENCODINGS);
    int n = 3000;
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(p)).withType(ENCODINGS)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0).withDictionaryEncoding(dictionary)
        .withByteStreamSplitEncoding(true).withPageRowCountLimit(500).build()) {
      for (int i = 0; i < n; i++) {
        Group g = groups.newGroup();
        g.add("id", (long) i);
        if (i % 7 != 0) {
          g.add("d", i * 1.5 - 100);
          g.add("f", i * 0.5f);
          g.add("s", "value-" + (i % 97) + "-" + (i % 5));
          g.add("dec", bigEndian(i * 101L - 50_000, 8));
          g.add("bdec", bigEndian(i - 1000, 3));
        }
        w.write(g);
      }
    }
    Frame f;
    try (FrameStream s = TestFiles.FORMAT.importFile(p, WriteOptions.defaults())) {
      f = s.readAll();
    }
    assertThat(f.schema().fields()).containsExactly(Field.of("id", ColumnType.INT64),
        Field.of("d", ColumnType.FLOAT64), Field.of("f", ColumnType.FLOAT32), Field.of("s", ColumnType.STRING),
        Field.of("dec", ColumnType.FLOAT64), Field.of("bdec", ColumnType.FLOAT64));
    for (int i = 0; i < n; i++) {
      assertThat(f.longs("id").get(i)).isEqualTo(i);
      if (i % 7 == 0) {
        assertThat(f.column("d").isNull(i) && f.column("s").isNull(i) && f.column("dec").isNull(i)).isTrue();
        continue;
      }
      assertThat(f.doubles("d").get(i)).isEqualTo(i * 1.5 - 100);
      assertThat(f.floats("f").get(i)).isEqualTo(i * 0.5f);
      assertThat(f.strings("s").get(i)).isEqualTo("value-" + (i % 97) + "-" + (i % 5));
      assertThat(f.doubles("dec").get(i)).isCloseTo((i * 101L - 50_000) / 100.0, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(f.doubles("bdec").get(i)).isCloseTo((i - 1000) / 1000.0, org.assertj.core.data.Offset.offset(1e-12));
    }
  }

  @Test
  void nullInTheChosenTimeColumnIsASchemaError() throws Exception {
    Path p = dir.resolve("nulltime.parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(p)).withType(SCHEMA).build()) {
      for (int i = 0; i < 10; i++) {
        Group g = groups.newGroup();
        if (i != 4) {
          g.add("event_time", int96(TestFiles.T0 + i));
        }
        g.add("ok", true);
        w.write(g);
      }
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
      try (FrameStream s = TestFiles.FORMAT.importFile(p, WriteOptions.builder().timeColumn("event_time").build())) {
        s.readAll();
      }
    }).isInstanceOf(org.optstore.SchemaException.class).hasMessageContaining("event_time").hasMessageContaining("row 4");
  }

  @Test
  void foreignFileOpensAsAReaderWithPushdown() throws Exception {
    Path p = dir.resolve("spark.parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(p)).withType(SCHEMA).build()) {
      for (int i = 0; i < 1000; i++) {
        Group g = groups.newGroup();
        g.add("x", i * 1.0);
        g.add("name", "n" + (i % 3));
        g.add("ok", true);
        w.write(g);
      }
    }
    try (org.optstore.spi.FormatReader r = TestFiles.FORMAT.openReader(org.optstore.spi.ReadSpec.of(p))) {
      Frame got = r.read(org.optstore.Query.builder().columns("x")
          .where(org.optstore.Predicates.and(org.optstore.Predicates.eq("name", "n1"),
              org.optstore.Predicates.ge("x", 500.0)))
          .build().bind(r.schema()));
      assertThat(got.rowCount()).isEqualTo(166);
      assertThat(got.doubles("x").get(0)).isEqualTo(502.0);
    }
  }
}
