package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.BoolColumn;
import org.optstore.ColumnType;
import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import org.optstore.DoubleColumn;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.StringColumn;
import org.optstore.WriteOptions;
import org.optstore.core.raw.RawCopyWriter;

/** The raw copy is a standard Avro container file that any Avro reader understands. */
class RawCopyTest {
  @TempDir Path dir;

  @Test
  void theRawCopyIsPlainAvroWithItsChecksumInTheManifest() throws Exception {
    boolean[] nul = {false, true, false};
    Frame f = Frame.builder()
        .column("ts", LongColumn.timestamps(10, 20, 30))
        .column("price ($)", DoubleColumn.wrap(ColumnType.FLOAT64, new double[] {1.5, 0,
            Double.NaN}, NullMask.of(nul)))
        .column("n", LongColumn.wrap(ColumnType.INT64, new long[] {1, 0, Long.MIN_VALUE},
            NullMask.of(nul)))
        .column("i", IntColumn.wrap(ColumnType.INT32, new int[] {7, 0, -7}, NullMask.of(nul)))
        .column("f", FloatColumn.wrap(ColumnType.FLOAT32, new float[] {0.5f, 0, -0.0f},
            NullMask.of(nul)))
        .column("ok", BoolColumn.of(new boolean[] {true, false, false}, NullMask.of(nul)))
        .column("s", StringColumn.of("é😀", null, ""))
        .column("c2", LongColumn.of(1, 2, 3))
        .column("c1_price____", LongColumn.of(4, 5, 6))
        .build();
    Path base = dir.resolve("s");
    DatasetInfo info;
    try (DataStore s = TestStores.open(TestStores.config(base).build())) {
      info = s.store("d", f, Map.of());
    }
    Path raw = base.resolve("raw/d/1.avro");
    assertThat(info.rawSizeBytes()).isEqualTo(Files.size(raw));
    CRC32C crc = new CRC32C();
    crc.update(Files.readAllBytes(raw));
    String manifest = Files.readString(base.resolve("catalog/d/1.json"));
    assertThat(manifest).contains(String.format("\"crc32c\" : \"%08x\"", crc.getValue()));

    List<GenericRecord> rows = new ArrayList<>();
    try (DataFileReader<GenericRecord> r = new DataFileReader<>(new File(raw.toString()),
        new GenericDatumReader<>())) {
      Schema schema = r.getSchema();
      assertThat(schema.getField("ts").schema().getLogicalType())
          .isEqualTo(LogicalTypes.timestampMicros());
      assertThat(schema.getField("ts").schema().getType()).isEqualTo(Schema.Type.LONG);
      Schema.Field price = schema.getFields().get(1);
      assertThat(price.name()).isEqualTo("c1_price____").isNotEqualTo(schema.getFields().get(8)
          .name());
      assertThat(price.getProp("optstore.column")).isEqualTo("price ($)");
      assertThat(schema.getField("n").schema().isNullable()).isTrue();
      assertThat(r.getMetaString("optstore.schema")).contains("\"timeColumn\":\"ts\"");
      r.forEach(rows::add);
    }
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).get("ts")).isEqualTo(10L);
    assertThat(rows.get(0).get(1)).isEqualTo(1.5);
    assertThat(rows.get(2).get(1)).isEqualTo(Double.NaN);
    assertThat(rows.get(1).get(1)).isNull();
    assertThat(rows.get(2).get("n")).isEqualTo(Long.MIN_VALUE);
    assertThat(rows.get(0).get("i")).isEqualTo(7);
    assertThat(rows.get(2).get("f")).isEqualTo(-0.0f);
    assertThat(rows.get(0).get("ok")).isEqualTo(true);
    assertThat(rows.get(1).get("ok")).isNull();
    assertThat(rows.get(0).get("s").toString()).isEqualTo("é😀");
    assertThat(rows.get(1).get("s")).isNull();
    assertThat(rows.get(2).get("s").toString()).isEmpty();

    // and the engine reads it back bit for bit when it has to
    Files.delete(base.resolve("optimized/d/1/part-0.tcol"));
    try (DataStore s = TestStores.open(TestStores.config(base).readOnly(true).build())) {
      assertThat(s.retrieve("d").frame()).isEqualTo(f);
    }
  }

  @Test
  void manyBlocksWithNullsNewDictionariesPerBatchAndARowLargerThanABlock() throws Exception {
    Random rnd = new Random(20261129L);
    String huge = "x".repeat(1 << 20) + "é"; // four times the 256 KB blocks the writer cuts
    List<Frame> batches = new ArrayList<>();
    long t = 0;
    for (int b = 0; b < 5; b++) {
      int n = 30_000 + rnd.nextInt(20_000);
      long[] ts = new long[n];
      long[] v = new long[n];
      double[] d = new double[n];
      boolean[] vNull = new boolean[n];
      String[] s = new String[n];
      for (int i = 0; i < n; i++) {
        ts[i] = t++;
        v[i] = rnd.nextLong() >> rnd.nextInt(64);
        d[i] = rnd.nextGaussian();
        vNull[i] = rnd.nextInt(10) == 0;
        s[i] = rnd.nextInt(7) == 0 ? null : "b" + b + "-" + rnd.nextInt(50 + b);
      }
      if (b == 3) {
        s[n / 2] = huge;
      }
      batches.add(Frame.builder()
          .column("ts", LongColumn.timestamps(ts))
          .column("v", LongColumn.wrap(ColumnType.INT64, v, NullMask.of(vNull)))
          .column("d", DoubleColumn.of(d))
          .column("s", StringColumn.of(s))
          .build());
    }
    Frame all = Frame.concat(batches);
    Path base = dir.resolve("m");
    try (DataStore st = TestStores.open(TestStores.config(base).build())) {
      st.store("m", FrameStream.of(batches.get(0).schema(), batches), Map.of(),
          WriteOptions.builder().timeColumn("ts").build());
    }
    Path raw = base.resolve("raw/m/1.avro");
    java.util.Set<Long> blocks = new java.util.HashSet<>();
    int row = 0;
    try (DataFileReader<GenericRecord> r = new DataFileReader<>(new File(raw.toString()),
        new GenericDatumReader<>())) {
      GenericRecord rec = null;
      while (r.hasNext()) {
        rec = r.next(rec);
        blocks.add(r.previousSync());
        assertThat(rec.get("ts")).isEqualTo(all.longs("ts").get(row));
        Object v = rec.get("v");
        assertThat(v).isEqualTo(all.longs("v").isNull(row) ? null : all.longs("v").get(row));
        assertThat(rec.get("d")).isEqualTo(all.doubles("d").get(row));
        Object s = rec.get("s");
        assertThat(s == null ? null : s.toString()).isEqualTo(all.strings("s").get(row));
        row++;
      }
    }
    assertThat(row).isEqualTo(all.rowCount());
    // the rows take several blocks, and the huge one a block of its own
    assertThat(Files.size(raw)).isGreaterThan(4L << 20);
    assertThat(blocks).hasSizeGreaterThan(4);

    Files.delete(base.resolve("optimized/m/1/part-0.tcol"));
    try (DataStore st = TestStores.open(TestStores.config(base).readOnly(true).build())) {
      assertThat(st.retrieve("m").frame()).isEqualTo(all);
    }
  }

  @Test
  void aRawCopyWriterRefusesRowsAfterItFinished() throws Exception {
    Path file = dir.resolve("w.avro");
    Frame f = Frame.builder().column("ts", LongColumn.timestamps(1, 2)).build();
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      org.optstore.spi.WriteTarget target = new org.optstore.spi.WriteTarget() {
        @Override
        public java.nio.channels.SeekableByteChannel channel() {
          return ch;
        }

        @Override
        public Path path() {
          return file;
        }

        @Override
        public String description() {
          return "dataset 'w'";
        }
      };
      RawCopyWriter w = new RawCopyWriter(target, f.schema());
      w.write(f);
      assertThat(w.finish().size()).isEqualTo(ch.size());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.write(f))
          .isInstanceOf(org.optstore.DataStoreException.class)
          .hasMessageContaining("raw copy of dataset 'w' was already finished");
      org.assertj.core.api.Assertions.assertThatThrownBy(w::finish)
          .hasMessageContaining("already finished");
    }
    try (DataFileReader<GenericRecord> r = new DataFileReader<>(new File(file.toString()),
        new GenericDatumReader<>())) {
      assertThat(r.next().get("ts")).isEqualTo(1L);
      assertThat(r.next().get("ts")).isEqualTo(2L);
      assertThat(r.hasNext()).isFalse();
    }
  }
}
