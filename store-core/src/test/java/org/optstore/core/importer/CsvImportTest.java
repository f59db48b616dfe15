package org.optstore.core.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.optstore.core.importer.Imports.micros;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.ColumnType;
import org.optstore.DataStoreException;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;

/** CSV: parsing, nulls, inference, time columns, bad rows, widening after the sample, batches. */
class CsvImportTest {
  @TempDir Path dir;

  private Path csv(String name, String text) throws IOException {
    return Imports.write(dir, name, text);
  }

  @Test
  void quotesSeparatorsLineBreaksUnicodeAndNullsAreRead() throws IOException {
    Path p = csv("q.csv", "id,name,note\r\n"
        + "1,\"Smith, John\",\"said \"\"hi\"\"\"\r\n"
        + "2,Zoë 日本 🎉,\"two\nlines\"\r\n"
        + "3,,\"\"\r\n"
        + "4,\" padded \"\r\n");
    Frame f = Imports.read(p);
    assertThat(f.schema().fields()).containsExactly(Field.of("id", ColumnType.INT64),
        Field.of("name", ColumnType.STRING), Field.of("note", ColumnType.STRING));
    assertThat(f.schema().timeColumn()).isEmpty();
    assertThat(f.longs("id").toArray()).containsExactly(1, 2, 3, 4);
    assertThat(Arrays.asList(f.strings("name").toArray()))
        .containsExactly("Smith, John", "Zoë 日本 🎉", null, " padded ");
    // an empty unquoted field is null, a quoted empty one an empty string, a missing one null
    assertThat(Arrays.asList(f.strings("note").toArray()))
        .containsExactly("said \"hi\"", "two\nlines", "", null);
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstColumnName() throws IOException {
    Path p = dir.resolve("bom.csv");
    byte[] body = "a,b\n1,x\n".getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xef;
    withBom[1] = (byte) 0xbb;
    withBom[2] = (byte) 0xbf;
    System.arraycopy(body, 0, withBom, 3, body.length);
    Files.write(p, withBom);
    Frame f = Imports.read(p);
    assertThat(f.schema().names()).containsExactly("a", "b");
    assertThat(f.longs("a").get(0)).isEqualTo(1);
  }

  @Test
  void utf16WithItsByteOrderMarkIsRead() throws IOException {
    Path p = dir.resolve("utf16.csv");
    Files.write(p, "\ufeffname,n\nZoë,1\n".getBytes(StandardCharsets.UTF_16LE));
    Frame f = Imports.read(p);
    assertThat(f.schema().names()).containsExactly("name", "n");
    assertThat(f.strings("name").get(0)).isEqualTo("Zoë");
  }

  @Test
  void eachColumnGetsTheTypeOfItsValues() throws IOException {
    Path p = csv("types.csv", "i,d,mixed,b,s,empty,big,special,spaced\n"
        + "1,1.5,1,true,a,,9223372036854775807,nan, 7 \n"
        + "-2,2,2.5,False,b,,-9223372036854775808,-inf,8\n"
        + "+3,1e3,x,TRUE,c,,99999999999999999999,Infinity,9\n"
        + "\n"
        + "4,.5,4,false,d,,0,2,10\n");
    Frame f = Imports.read(p);
    assertThat(f.schema().fields()).containsExactly(Field.of("i", ColumnType.INT64),
        Field.of("d", ColumnType.FLOAT64), Field.of("mixed", ColumnType.STRING),
        Field.of("b", ColumnType.BOOL), Field.of("s", ColumnType.STRING),
        Field.of("empty", ColumnType.STRING), Field.of("big", ColumnType.STRING),
        Field.of("special", ColumnType.FLOAT64), Field.of("spaced", ColumnType.INT64));
    assertThat(f.rowCount()).isEqualTo(4); // the blank line is skipped
    assertThat(f.longs("i").toArray()).containsExactly(1, -2, 3, 4);
    assertThat(f.doubles("d").toArray()).containsExactly(1.5, 2, 1000, 0.5);
    // numbers among text stay as written
    assertThat(f.strings("mixed").toArray()).containsExactly("1", "2.5", "x", "4");
    assertThat(f.bools("b").get(0)).isTrue();
    assertThat(f.bools("b").get(1)).isFalse();
    assertThat(f.bools("b").get(2)).isTrue();
    assertThat(f.column("empty").nullCount()).isEqualTo(4);
    // an integer beyond INT64 is never rounded: the column stays text
    assertThat(f.strings("big").get(2)).isEqualTo("99999999999999999999");
    assertThat(f.doubles("special").toArray()).containsExactly(Double.NaN,
        Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 2.0);
    assertThat(f.longs("spaced").toArray()).containsExactly(7, 8, 9, 10);
  }

  @Test
  void theOnlyIsoTimeColumnBecomesTheTimeColumnUnlessItHasAnEmptyValue() throws IOException {
    Path p = csv("rule.csv", "when,price\n2023-01-01T00:00:00Z,1.5\n2023-01-01 00:00:01,2\n"
        + "2023-01-02,3\n");
    Frame f = Imports.read(p);
    assertThat(f.schema().timeColumn()).contains("when");
    assertThat(f.longs("when").toArray()).containsExactly(micros("2023-01-01T00:00:00Z"),
        micros("2023-01-01T00:00:01Z"), micros("2023-01-02T00:00:00Z"));

    Path gap = csv("gap.csv", "when,price\n2023-01-01T00:00:00Z,1\n,2\n");
    Frame g = Imports.read(gap);
    assertThat(g.schema().field("when").type()).isEqualTo(ColumnType.TIMESTAMP);
    assertThat(g.schema().timeColumn()).isEmpty();
    assertThat(g.column("when").isNull(1)).isTrue();

    Path two = csv("two.csv", "a,b\n2023-01-01,2023-01-02\n");
    assertThat(Imports.read(two).schema().timeColumn()).isEmpty();
  }

  @Test
  void aColumnNamedTimestampIsTheTimeColumnReadInTheOptionsZone() throws IOException {
    Path p = csv("ts.csv", "timestamp,v\n2023-03-01 09:30:00,1\n2023-03-01T10:00:00+01:00,2\n");
    Frame f = Imports.read(p, WriteOptions.builder().zone(ZoneId.of("Europe/Paris")).build());
    assertThat(f.schema().timeColumn()).contains("timestamp");
    assertThat(f.longs("timestamp").toArray()).containsExactly(micros("2023-03-01T08:30:00Z"),
        micros("2023-03-01T09:00:00Z"));
  }

  @Test
  void aNamedTimeColumnIsReadWithItsPatternOrEpochUnit() throws IOException {
    Path p = csv("days.csv", "day,close\n20230105,1.5\n20230106,2.5\n");
    Frame f = Imports.read(p, WriteOptions.builder().timeColumn("day").timePattern("yyyyMMdd")
        .build());
    assertThat(f.schema().timeColumn()).contains("day");
    assertThat(f.longs("day").toArray()).containsExactly(micros("2023-01-05T00:00:00Z"),
        micros("2023-01-06T00:00:00Z"));
    // without the options the same column is an integer and there is no time column
    Frame plain = Imports.read(p);
    assertThat(plain.schema().field("day").type()).isEqualTo(ColumnType.INT64);
    assertThat(plain.schema().timeColumn()).isEmpty();

    Path epoch = csv("epoch.csv", "t,v\n1672531200,1\n1672531201,2\n");
    Frame s = Imports.read(epoch, WriteOptions.builder().timeColumn("t")
        .epochUnit(TimeUnit.SECONDS).build());
    assertThat(s.longs("t").toArray()).containsExactly(micros("2023-01-01T00:00:00Z"),
        micros("2023-01-01T00:00:01Z"));
    Path ms = csv("ms.csv", "t,v\n1672531200123,1\n");
    assertThat(Imports.read(ms, WriteOptions.builder().timeColumn("t")
        .epochUnit(TimeUnit.MILLISECONDS).build()).longs("t").get(0))
        .isEqualTo(micros("2023-01-01T00:00:00.123Z"));
    Path ns = csv("ns.csv", "t,v\n1672531200123456789,1\n");
    assertThat(Imports.read(ns, WriteOptions.builder().timeColumn("t")
        .epochUnit(TimeUnit.NANOSECONDS).build()).longs("t").get(0))
        .isEqualTo(micros("2023-01-01T00:00:00.123456Z"));
  }

  @Test
  void noTimeColumnKeepsATimestampColumnAsAnOrdinaryColumn() throws IOException {
    Path p = csv("nt.csv", "timestamp,v\nnot a time,1\n");
    Frame f = Imports.read(p, WriteOptions.builder().noTimeColumn().build());
    assertThat(f.schema().timeColumn()).isEmpty();
    assertThat(f.strings("timestamp").get(0)).isEqualTo("not a time");
  }

  @Test
  void timeOptionsWithoutAColumnToApplyThemToAreRefused() throws IOException {
    Path p = csv("x.csv", "day,v\n20230105,1\n");
    assertThatThrownBy(() -> Imports.read(p, WriteOptions.builder().timePattern("yyyyMMdd")
        .build())).isInstanceOf(SchemaException.class)
        .hasMessageContaining("pattern 'yyyyMMdd'").hasMessageContaining(p.toString())
        .hasMessageContaining("WriteOptions.timeColumn");
    assertThatThrownBy(() -> Imports.read(p, WriteOptions.builder().timeColumn("when").build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'when'")
        .hasMessageContaining("[day, v]");
  }

  @Test
  void aBadTimeValueNamesFileLineColumnAndValue() throws IOException {
    Path p = csv("bad.csv", "v,day\na,20230105\n\"b\nc\",20230106\nd,2023-01-07\n");
    assertThatThrownBy(() -> Imports.read(p, WriteOptions.builder().timeColumn("day")
        .timePattern("yyyyMMdd").build()))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining(p.toString())
        .hasMessageContaining("line 5") // the quoted line break counts
        .hasMessageContaining("column 'day' (2)")
        .hasMessageContaining("'2023-01-07'");
    Path empty = csv("empty-time.csv", "timestamp,v\n2023-01-01,1\n,2\n");
    assertThatThrownBy(() -> Imports.read(empty)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("line 3").hasMessageContaining("'timestamp'")
        .hasMessageContaining("empty or missing");
  }

  @Test
  void aRowWithMoreFieldsThanTheHeaderIsABadRow() throws IOException {
    Path p = csv("wide.csv", "a,b\n1,2\n3,4,surplus\n");
    assertThatThrownBy(() -> Imports.read(p)).isInstanceOf(SchemaException.class)
        .hasMessageContaining(p.toString()).hasMessageContaining("line 3")
        .hasMessageContaining("field 3").hasMessageContaining("'surplus'");
  }

  @Test
  void malformedQuotingNamesTheLine() throws IOException {
    Path p = csv("quote.csv", "a,b\n1,2\n3,\"x\"y\n");
    assertThatThrownBy(() -> Imports.read(p)).isInstanceOf(SchemaException.class)
        .hasMessageContaining(p.toString()).hasMessageContaining("line 3, character")
        .hasMessageContaining("not valid CSV");
    Path open = csv("open.csv", "a,b\n1,\"never closed\n2,3\n");
    assertThatThrownBy(() -> Imports.read(open)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("not valid CSV").hasMessageContaining("closing quote");
  }

  @Test
  void headersAreCheckedAndEmptyNamesAreNamedAsPandasDoes() throws IOException {
    Path dup = csv("dup.csv", "a,b,a\n1,2,3\n");
    assertThatThrownBy(() -> Imports.read(dup)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("'a' twice").hasMessageContaining("columns 1 and 3");
    Path empty = csv("empty.csv", "");
    assertThatThrownBy(() -> Imports.read(empty)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("is empty").hasMessageContaining("header");
    Path index = csv("index.csv", ",x\n0,a\n1,b\n");
    assertThat(Imports.read(index).schema().names()).containsExactly("Unnamed: 0", "x");
    Path headerOnly = csv("header.csv", "a,b\n");
    Frame none = Imports.read(headerOnly);
    assertThat(none.rowCount()).isZero();
    assertThat(none.schema().names()).containsExactly("a", "b");
  }

  @Test
  void invalidUtf8IsNamed() throws IOException {
    Path p = dir.resolve("latin1.csv");
    Files.write(p, "a,b\n1,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> Imports.read(p)).isInstanceOf(DataStoreException.class)
        .hasMessageContaining(p.toString()).hasMessageContaining("is not valid UTF-8 near line 2")
        .hasMessageContaining("save it as UTF-8");
  }

  @Test
  void tabSeparatedFilesAreReadByTheirExtension() throws IOException {
    Path p = csv("t.tsv", "a\tb\n1\tx,y\n");
    Frame f = Imports.read(p);
    assertThat(f.strings("b").get(0)).isEqualTo("x,y");
  }

  /**
   * Types decided from the first rows are corrected when a later row does not fit: the result
   * equals inferring over the whole file (here: a sample as large as the file).
   */
  @Test
  void aValueAfterTheSampleWidensTheColumnAsInferringOverTheWholeFileDoes() throws IOException {
    Path p = dir.resolve("widen.csv");
    int n = 5000;
    try (Writer w = Files.newBufferedWriter(p)) {
      w.write("ts,qty,late,flag,when\n");
      for (int i = 0; i < n; i++) {
        String qty = i == 4321 ? "2.5" : Integer.toString(i);
        String late = i < 3000 ? "" : Integer.toString(i);      // empty in the sample
        String when = i == 4999 ? "" : "2023-01-01";            // the rule's time column, until
        w.write("2023-01-01T00:00:" + String.format("%02d", i % 60) + "Z," + qty + "," + late
            + "," + (i % 2 == 0) + "," + when + "\n");
      }
    }
    Imports.Outcome sampled = Imports.run(p, WriteOptions.builder().timeColumn("ts").build(),
        1000, 100);
    Imports.Outcome whole = Imports.run(p, WriteOptions.builder().timeColumn("ts").build(),
        1000, 1_000_000);
    assertThat(sampled.writes()).isEqualTo(2); // guessed, then corrected
    assertThat(whole.writes()).isEqualTo(1);
    assertThat(sampled.frame()).isEqualTo(whole.frame());
    Frame f = sampled.frame();
    assertThat(f.schema().field("qty").type()).isEqualTo(ColumnType.FLOAT64);
    assertThat(f.schema().field("late").type()).isEqualTo(ColumnType.INT64);
    assertThat(f.schema().field("when").type()).isEqualTo(ColumnType.TIMESTAMP);
    assertThat(f.schema().timeColumn()).contains("ts");
    assertThat(f.doubles("qty").get(4321)).isEqualTo(2.5);
    assertThat(f.doubles("qty").get(4320)).isEqualTo(4320.0);
    assertThat(f.column("late").nullCount()).isEqualTo(3000);
    assertThat(f.longs("late").get(4999)).isEqualTo(4999);

    // the rule's time column loses its role when an empty value shows up after the sample
    Path q = dir.resolve("rule.csv");
    try (Writer w = Files.newBufferedWriter(q)) {
      w.write("when,v\n");
      for (int i = 0; i < n; i++) {
        w.write((i == 4999 ? "" : "2023-01-01") + "," + i + "\n");
      }
    }
    Imports.Outcome r = Imports.run(q, WriteOptions.defaults(), 1000, 100);
    assertThat(r.writes()).isEqualTo(2);
    assertThat(r.frame().schema().timeColumn()).isEmpty();
    assertThat(r.frame()).isEqualTo(Imports.run(q, WriteOptions.defaults(), 1000, n + 1).frame());
  }

  @Test
  void textAfterTheSampleTurnsANumberColumnIntoText() throws IOException {
    Path p = dir.resolve("text.csv");
    try (Writer w = Files.newBufferedWriter(p)) {
      w.write("code\n");
      for (int i = 0; i < 3000; i++) {
        w.write((i == 2500 ? "N/A" : Integer.toString(i)) + "\n");
      }
    }
    Imports.Outcome o = Imports.run(p, WriteOptions.defaults(), 500, 100);
    assertThat(o.writes()).isEqualTo(2);
    assertThat(o.frame().schema().field("code").type()).isEqualTo(ColumnType.STRING);
    assertThat(o.frame().strings("code").get(2500)).isEqualTo("N/A");
    assertThat(o.frame().strings("code").get(7)).isEqualTo("7");
  }

  @Test
  void aLargeFileIsImportedInBatchesNoLargerThanTheBatchSize() throws IOException {
    Path p = dir.resolve("large.csv");
    int n = 250_000;
    long volumeSum = 0;
    long tsSum = 0;
    long t0 = micros("2023-01-01T00:00:00Z") / 1_000_000L;
    try (Writer w = Files.newBufferedWriter(p)) {
      w.write("ts,symbol,price,volume,flag\n");
      for (long i = 0; i < n; i++) {
        double price = 100 + 10 * Math.sin(i / 1000.0) + (i % 17) * 0.01;
        long volume = (i * 31) % 10000;
        volumeSum += volume;
        tsSum += t0 + i;
        w.write((t0 + i) + ",SYM" + (100 + (i * 7919) % 100) + "," + price + ","
            + volume + "," + (i % 3 == 0) + "\n");
      }
    }
    int batch = 4096;
    Imports.Outcome o = Imports.run(p, WriteOptions.builder().timeColumn("ts")
        .epochUnit(TimeUnit.SECONDS).build(), batch, 1000);
    assertThat(o.writes()).isEqualTo(1);
    assertThat(o.batchRows()).allSatisfy(b -> assertThat(b).isBetween(1, batch));
    assertThat(o.batchRows()).hasSize((n + batch - 1) / batch);
    Frame f = o.frame();
    assertThat(f.rowCount()).isEqualTo(n);
    assertThat(f.schema().fields()).containsExactly(Field.of("ts", ColumnType.TIMESTAMP),
        Field.of("symbol", ColumnType.STRING), Field.of("price", ColumnType.FLOAT64),
        Field.of("volume", ColumnType.INT64), Field.of("flag", ColumnType.BOOL));
    long vs = 0;
    long ts = 0;
    long[] volume = f.longs("volume").toArray();
    long[] time = f.longs("ts").toArray();
    for (int i = 0; i < n; i++) {
      vs += volume[i];
      ts += time[i] / 1_000_000L;
    }
    assertThat(vs).isEqualTo(volumeSum);
    assertThat(ts).isEqualTo(tsSum);
    assertThat(f.doubles("price").get(12345))
        .isEqualTo(100 + 10 * Math.sin(12345 / 1000.0) + (12345 % 17) * 0.01);
    assertThat(f.strings("symbol").get(42)).isEqualTo("SYM" + (100 + (42L * 7919) % 100));
  }

  @Test
  void batchesCarryTheRowsInOrderAcrossBatchBoundaries() throws IOException {
    Path p = dir.resolve("order.csv");
    try (Writer w = Files.newBufferedWriter(p)) {
      w.write("i\n");
      for (int i = 0; i < 1001; i++) {
        w.write(i + "\n");
      }
    }
    Imports.Outcome o = Imports.run(p, WriteOptions.defaults(), 100, 10);
    assertThat(o.batchRows()).hasSize(11);
    assertThat(o.batchRows().get(10)).isEqualTo(1);
    long[] v = o.frame().longs("i").toArray();
    for (int i = 0; i < v.length; i++) {
      assertThat(v[i]).isEqualTo(i);
    }
    assertThat(List.of(o.kind())).containsExactly("csv");
  }
}
