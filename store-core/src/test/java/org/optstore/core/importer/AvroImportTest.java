package org.optstore.core.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.optstore.core.importer.Imports.micros;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.ColumnType;
import org.optstore.DataStoreException;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;

/** Avro container files written by Avro's own writer: type mapping, nulls, time columns, refusals. */
class AvroImportTest {
  @TempDir Path dir;

  private static Schema ts(String logical) {
    Schema s = Schema.create(Schema.Type.LONG);
    return switch (logical) {
      case "millis" -> LogicalTypes.timestampMillis().addToSchema(s);
      case "micros" -> LogicalTypes.timestampMicros().addToSchema(s);
      case "nanos" -> LogicalTypes.timestampNanos().addToSchema(s);
      default -> LogicalTypes.localTimestampMicros().addToSchema(s);
    };
  }

  private Path write(String name, Schema schema, List<GenericRecord> rows, CodecFactory codec)
      throws IOException {
    Path p = dir.resolve(name);
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
      w.setCodec(codec);
      w.create(schema, p.toFile());
      for (GenericRecord r : rows) {
        w.append(r);
      }
    }
    return p;
  }

  @Test
  void everyPrimitiveTimestampAndNullableUnionMapsToItsColumn() throws IOException {
    Schema schema = SchemaBuilder.record("Row").fields()
        .name("ts").type(ts("millis")).noDefault()
        .name("us").type(ts("micros")).noDefault()
        .name("ns").type(ts("nanos")).noDefault()
        .name("local").type(ts("local")).noDefault()
        .name("b").type().booleanType().noDefault()
        .name("i").type().optional().intType()
        .name("l").type().longType().noDefault()
        .name("f").type().floatType().noDefault()
        .name("d").type().optional().doubleType()
        .name("s").type().optional().stringType()
        .name("nothing").type().nullType().noDefault()
        .endRecord();
    GenericRecord a = new GenericData.Record(schema);
    a.put("ts", 1672531200123L);
    a.put("us", 1672531200123456L);
    a.put("ns", 1672531200123456789L);
    a.put("local", 1672531200000000L);
    a.put("b", true);
    a.put("i", 7);
    a.put("l", Long.MIN_VALUE);
    a.put("f", 1.5f);
    a.put("d", null);
    a.put("s", "Zoë \"quoted\", 日本");
    GenericRecord b = new GenericData.Record(schema);
    b.put("ts", 1672531201000L);
    b.put("us", 0L);
    b.put("ns", -1L);
    b.put("local", 0L);
    b.put("b", false);
    b.put("i", null);
    b.put("l", 42L);
    b.put("f", -0.25f);
    b.put("d", 2.5);
    b.put("s", null);
    Path p = write("all.avro", schema, List.of(a, b), CodecFactory.deflateCodec(3));
    Imports.Outcome o = Imports.run(p, WriteOptions.defaults(), 1000, 100);
    assertThat(o.kind()).isEqualTo("avro");
    Frame f = o.frame();
    assertThat(f.schema().fields()).containsExactly(Field.of("ts", ColumnType.TIMESTAMP),
        Field.of("us", ColumnType.TIMESTAMP), Field.of("ns", ColumnType.TIMESTAMP),
        Field.of("local", ColumnType.TIMESTAMP), Field.of("b", ColumnType.BOOL),
        Field.of("i", ColumnType.INT32), Field.of("l", ColumnType.INT64),
        Field.of("f", ColumnType.FLOAT32), Field.of("d", ColumnType.FLOAT64),
        Field.of("s", ColumnType.STRING), Field.of("nothing", ColumnType.STRING));
    // several TIMESTAMP fields and none called timestamp: no time column, as the rule says
    assertThat(f.schema().timeColumn()).isEmpty();
    assertThat(f.longs("ts").toArray()).containsExactly(micros("2023-01-01T00:00:00.123Z"),
        micros("2023-01-01T00:00:01Z"));
    assertThat(f.longs("us").get(0)).isEqualTo(micros("2023-01-01T00:00:00.123456Z"));
    assertThat(f.longs("ns").toArray()).containsExactly(micros("2023-01-01T00:00:00.123456Z"), -1);
    assertThat(f.longs("local").get(0)).isEqualTo(micros("2023-01-01T00:00:00Z"));
    assertThat(f.ints("i").get(0)).isEqualTo(7);
    assertThat(f.column("i").isNull(1)).isTrue();
    assertThat(f.longs("l").toArray()).containsExactly(Long.MIN_VALUE, 42);
    assertThat(f.floats("f").get(1)).isEqualTo(-0.25f);
    assertThat(f.column("d").isNull(0)).isTrue();
    assertThat(f.doubles("d").get(1)).isEqualTo(2.5);
    assertThat(Arrays.asList(f.strings("s").toArray())).containsExactly("Zoë \"quoted\", 日本", null);
    assertThat(f.column("nothing").nullCount()).isEqualTo(2);

    // a local timestamp is read in the options' zone
    Frame paris = Imports.read(p, WriteOptions.builder().zone(java.time.ZoneId.of("Europe/Paris"))
        .noTimeColumn().build());
    assertThat(paris.longs("local").get(0)).isEqualTo(micros("2022-12-31T23:00:00Z"));
  }

  @Test
  void theTimeColumnFollowsTheRuleOrTheOptions() throws IOException {
    Schema schema = SchemaBuilder.record("Row").fields()
        .name("at").type(ts("micros")).noDefault()
        .name("day").type().stringType().noDefault()
        .name("epoch").type().longType().noDefault()
        .endRecord();
    GenericRecord r = new GenericData.Record(schema);
    r.put("at", 5L);
    r.put("day", "20230105");
    r.put("epoch", 1672531200L);
    Path p = write("t.avro", schema, List.of(r), CodecFactory.nullCodec());
    assertThat(Imports.read(p).schema().timeColumn()).contains("at");
    Frame byPattern = Imports.read(p, WriteOptions.builder().timeColumn("day")
        .timePattern("yyyyMMdd").build());
    assertThat(byPattern.schema().timeColumn()).contains("day");
    assertThat(byPattern.longs("day").get(0)).isEqualTo(micros("2023-01-05T00:00:00Z"));
    Frame byEpoch = Imports.read(p, WriteOptions.builder().timeColumn("epoch")
        .epochUnit(java.util.concurrent.TimeUnit.SECONDS).build());
    assertThat(byEpoch.longs("epoch").get(0)).isEqualTo(micros("2023-01-01T00:00:00Z"));
    assertThatThrownBy(() -> Imports.read(p, WriteOptions.builder().timeColumn("epoch").build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'epoch'")
        .hasMessageContaining("epochUnit");
    assertThatThrownBy(() -> Imports.read(p, WriteOptions.builder().timeColumn("nope").build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'nope'")
        .hasMessageContaining("[at, day, epoch]");
    GenericRecord r2 = new GenericData.Record(schema);
    r2.put("at", 6L);
    r2.put("day", "2023-01-06");
    r2.put("epoch", 0L);
    Path q = write("bad.avro", schema, List.of(r, r2), CodecFactory.nullCodec());
    assertThatThrownBy(() -> Imports.read(q, WriteOptions.builder().timeColumn("day")
        .timePattern("yyyyMMdd").build())).isInstanceOf(SchemaException.class)
        .hasMessageContaining(q.toString()).hasMessageContaining("record 1")
        .hasMessageContaining("'day'").hasMessageContaining("2023-01-06");
  }

  @Test
  void aNullInTheRuleTimeColumnLeavesTheDatasetWithoutOneAndANamedOneIsABadRow()
      throws IOException {
    Schema schema = SchemaBuilder.record("Row").fields()
        .name("at").type().optional().type(ts("micros"))
        .name("v").type().longType().noDefault()
        .endRecord();
    List<GenericRecord> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      GenericRecord r = new GenericData.Record(schema);
      r.put("at", i == 2400 ? null : (long) i);
      r.put("v", (long) i);
      rows.add(r);
    }
    Path p = write("n.avro", schema, rows, CodecFactory.nullCodec());
    Imports.Outcome o = Imports.run(p, WriteOptions.defaults(), 1000, 100);
    assertThat(o.writes()).isEqualTo(2);
    assertThat(o.frame().schema().timeColumn()).isEmpty();
    assertThat(o.frame().column("at").isNull(2400)).isTrue();
    assertThat(o.batchRows()).containsExactly(1000, 1000, 500);
    assertThatThrownBy(() -> Imports.read(p, WriteOptions.builder().timeColumn("at").build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("record 2400")
        .hasMessageContaining("'at' is null");
  }

  @Test
  void typesOptstoreCannotStoreAreRefusedNamingTheField() throws IOException {
    Schema nested = SchemaBuilder.record("Row").fields()
        .name("ok").type().longType().noDefault()
        .name("address").type(SchemaBuilder.record("Address").fields()
            .name("city").type().stringType().noDefault().endRecord()).noDefault()
        .endRecord();
    GenericRecord addr = new GenericData.Record(nested.getField("address").schema());
    addr.put("city", "Paris");
    GenericRecord r = new GenericData.Record(nested);
    r.put("ok", 1L);
    r.put("address", addr);
    Path p = write("nested.avro", nested, List.of(r), CodecFactory.nullCodec());
    assertThatThrownBy(() -> Imports.read(p)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("'address'").hasMessageContaining("record")
        .hasMessageContaining(p.toString());

    Schema en = SchemaBuilder.record("Row").fields()
        .name("color").type().enumeration("Color").symbols("RED", "GREEN").noDefault()
        .endRecord();
    GenericRecord e = new GenericData.Record(en);
    e.put("color", new GenericData.EnumSymbol(en.getField("color").schema(), "RED"));
    Path q = write("enum.avro", en, List.of(e), CodecFactory.nullCodec());
    assertThatThrownBy(() -> Imports.read(q)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("'color'").hasMessageContaining("enum");

    Schema union = SchemaBuilder.record("Row").fields()
        .name("either").type().unionOf().longType().and().stringType().endUnion().noDefault()
        .endRecord();
    GenericRecord u = new GenericData.Record(union);
    u.put("either", 1L);
    Path w = write("union.avro", union, List.of(u), CodecFactory.nullCodec());
    assertThatThrownBy(() -> Imports.read(w)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("'either'").hasMessageContaining("union");

    Schema date = SchemaBuilder.record("Row").fields()
        .name("d").type(LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT)))
        .noDefault().endRecord();
    GenericRecord dr = new GenericData.Record(date);
    dr.put("d", 1);
    Path dp = write("date.avro", date, List.of(dr), CodecFactory.nullCodec());
    assertThatThrownBy(() -> Imports.read(dp)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("'d'").hasMessageContaining("logical type date");
  }

  @Test
  void aTruncatedOrForeignFileIsNamed() throws IOException {
    Schema schema = SchemaBuilder.record("Row").fields().name("v").type().longType().noDefault()
        .endRecord();
    List<GenericRecord> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      GenericRecord r = new GenericData.Record(schema);
      r.put("v", (long) i);
      rows.add(r);
    }
    Path p = write("cut.avro", schema, rows, CodecFactory.nullCodec());
    byte[] all = Files.readAllBytes(p);
    Files.write(p, Arrays.copyOf(all, all.length / 2));
    assertThatThrownBy(() -> Imports.read(p)).isInstanceOf(DataStoreException.class)
        .hasMessageContaining(p.toString()).hasMessageContaining("truncated");
    Path fake = dir.resolve("fake.avro");
    Files.writeString(fake, "v\n1\n");
    assertThatThrownBy(() -> Imports.read(fake)).isInstanceOf(DataStoreException.class)
        .hasMessageContaining(fake.toString()).hasMessageContaining("Avro");
  }
}
