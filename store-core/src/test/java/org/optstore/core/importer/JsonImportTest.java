package org.optstore.core.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.optstore.core.importer.Imports.micros;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.ColumnType;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;

/** JSON lines: typed values, nulls and missing fields, unicode, time columns, bad rows. */
class JsonImportTest {
  @TempDir Path dir;

  private Path json(String name, String text) throws IOException {
    return Imports.write(dir, name, text);
  }

  @Test
  void valuesNullsMissingFieldsAndUnicodeAreRead() throws IOException {
    Path p = json("a.jsonl", "{\"timestamp\":\"2023-01-01T00:00:00Z\",\"n\":1,\"x\":1,\"ok\":true,"
        + "\"s\":\"a \\\"q\\\", b\"}\n"
        + "\n"
        + "{\"timestamp\":\"2023-01-01 00:00:01\",\"n\":null,\"x\":2.5,\"s\":\"Zoë 日本 \\ud83c\\udf89\"}\n"
        + "{\"timestamp\":\"2023-01-01T00:00:02+00:00\",\"x\":3,\"ok\":false,\"extra\":\"late\"}\n");
    Frame f = Imports.read(p);
    assertThat(f.schema().fields()).containsExactly(Field.of("timestamp", ColumnType.TIMESTAMP),
        Field.of("n", ColumnType.INT64), Field.of("x", ColumnType.FLOAT64),
        Field.of("ok", ColumnType.BOOL), Field.of("s", ColumnType.STRING),
        Field.of("extra", ColumnType.STRING));
    assertThat(f.schema().timeColumn()).contains("timestamp");
    assertThat(f.longs("timestamp").toArray()).containsExactly(micros("2023-01-01T00:00:00Z"),
        micros("2023-01-01T00:00:01Z"), micros("2023-01-01T00:00:02Z"));
    assertThat(f.longs("n").get(0)).isEqualTo(1);
    assertThat(f.column("n").isNull(1)).isTrue();
    assertThat(f.column("n").isNull(2)).isTrue();
    assertThat(f.doubles("x").toArray()).containsExactly(1.0, 2.5, 3.0);
    assertThat(f.column("ok").isNull(1)).isTrue();
    assertThat(Arrays.asList(f.strings("s").toArray()))
        .containsExactly("a \"q\", b", "Zoë 日本 🎉", null);
    assertThat(Arrays.asList(f.strings("extra").toArray())).containsExactly(null, null, "late");
  }

  @Test
  void anArrayOfObjectsIsReadToo() throws IOException {
    Path p = json("arr.json", "[\n {\"a\": 1},\n {\"a\": 2, \"b\": \"x\"}\n]\n");
    Frame f = Imports.read(p);
    assertThat(f.longs("a").toArray()).containsExactly(1, 2);
    assertThat(f.strings("b").get(1)).isEqualTo("x");
  }

  @Test
  void aNamedTimeColumnTakesEpochNumbers() throws IOException {
    Path p = json("e.jsonl", "{\"t\":1672531200000,\"v\":1}\n{\"t\":1672531200500.5,\"v\":2}\n");
    Frame f = Imports.read(p, WriteOptions.builder().timeColumn("t")
        .epochUnit(TimeUnit.MILLISECONDS).build());
    assertThat(f.schema().timeColumn()).contains("t");
    assertThat(f.longs("t").toArray()).containsExactly(micros("2023-01-01T00:00:00Z"),
        micros("2023-01-01T00:00:00.500500Z"));
    assertThatThrownBy(() -> Imports.read(p, WriteOptions.builder().timeColumn("t").build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("line 1")
        .hasMessageContaining("epoch unit");
  }

  @Test
  void theOnlyFieldOfIsoStringsIsTheTimeColumn() throws IOException {
    Path p = json("r.jsonl", "{\"when\":\"2023-01-02\",\"v\":1}\n{\"when\":\"2023-01-03\",\"v\":2}\n");
    Frame f = Imports.read(p);
    assertThat(f.schema().timeColumn()).contains("when");
    assertThat(f.longs("when").get(1)).isEqualTo(micros("2023-01-03T00:00:00Z"));
  }

  @Test
  void badRowsNameFileLineAndField() throws IOException {
    Path nested = json("n.jsonl", "{\"a\":1}\n{\"a\":2,\"b\":{\"c\":1}}\n");
    assertThatThrownBy(() -> Imports.read(nested)).isInstanceOf(SchemaException.class)
        .hasMessageContaining(nested.toString()).hasMessageContaining("line 2")
        .hasMessageContaining("field 'b'").hasMessageContaining("nested object");
    Path mixed = json("m.jsonl", "{\"a\":1}\n{\"a\":\"one\"}\n");
    assertThatThrownBy(() -> Imports.read(mixed)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("line 2").hasMessageContaining("field 'a'")
        .hasMessageContaining("mixes integers (from line 1) with strings");
    Path big = json("b.jsonl", "{\"a\":123456789012345678901234567890}\n");
    assertThatThrownBy(() -> Imports.read(big)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("line 1").hasMessageContaining("does not fit INT64");
    Path syntax = json("s.jsonl", "{\"a\":1}\n{\"a\":2,}\n");
    assertThatThrownBy(() -> Imports.read(syntax)).isInstanceOf(SchemaException.class)
        .hasMessageContaining(syntax.toString()).hasMessageContaining("line 2")
        .hasMessageContaining("not valid JSON");
    Path dup = json("d.jsonl", "{\"a\":1,\"a\":2}\n");
    assertThatThrownBy(() -> Imports.read(dup)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("line 1").hasMessageContaining("'a'");
    Path scalar = json("x.jsonl", "{\"a\":1}\n42\n");
    assertThatThrownBy(() -> Imports.read(scalar)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("line 2").hasMessageContaining("a number");
    Path lateTime = json("t.jsonl", "{\"v\":1}\n{\"v\":2,\"timestamp\":\"2023-01-01\"}\n");
    assertThatThrownBy(() -> Imports.read(lateTime)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("'timestamp' first appears at line 2");
    Path badTime = json("bt.jsonl", "{\"timestamp\":\"2023-01-01\"}\n{\"timestamp\":\"soon\"}\n");
    assertThatThrownBy(() -> Imports.read(badTime)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("line 2").hasMessageContaining("'soon'");
  }

  @Test
  void aFieldOrADecimalAfterTheSampleGivesTheTypesOfTheWholeFile() throws IOException {
    Path p = dir.resolve("late.jsonl");
    try (Writer w = Files.newBufferedWriter(p)) {
      for (int i = 0; i < 3000; i++) {
        w.write("{\"i\":" + (i == 2222 ? "0.5" : Integer.toString(i))
            + (i >= 2900 ? ",\"late\":\"x" + i + "\"" : "") + "}\n");
      }
    }
    Imports.Outcome sampled = Imports.run(p, WriteOptions.defaults(), 500, 100);
    Imports.Outcome whole = Imports.run(p, WriteOptions.defaults(), 500, 10_000);
    assertThat(sampled.writes()).isEqualTo(2);
    assertThat(whole.writes()).isEqualTo(1);
    assertThat(sampled.frame()).isEqualTo(whole.frame());
    assertThat(sampled.frame().schema().fields()).containsExactly(
        Field.of("i", ColumnType.FLOAT64), Field.of("late", ColumnType.STRING));
    assertThat(sampled.frame().doubles("i").get(2222)).isEqualTo(0.5);
    assertThat(sampled.frame().column("late").nullCount()).isEqualTo(2900);
    assertThat(sampled.kind()).isEqualTo("jsonl");
  }

  @Test
  void aMixAfterTheSampleIsStillABadRow() throws IOException {
    Path p = dir.resolve("mix.jsonl");
    try (Writer w = Files.newBufferedWriter(p)) {
      for (int i = 0; i < 2000; i++) {
        w.write("{\"a\":" + (i == 1500 ? "true" : Integer.toString(i)) + "}\n");
      }
    }
    assertThatThrownBy(() -> Imports.run(p, WriteOptions.defaults(), 100, 10))
        .isInstanceOf(SchemaException.class).hasMessageContaining("line 1501")
        .hasMessageContaining("mixes integers (from line 1) with booleans");
  }
}
