package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.ColumnType;
import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import org.optstore.DatasetNotFoundException;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.InvalidConfigException;
import org.optstore.Query;
import org.optstore.SchemaException;
import org.optstore.TimeRange;
import org.optstore.WriteOptions;

/** importFile through a store: the normal commit protocol, raw copy, manifest, and failures. */
class ImportFileTest {
  @TempDir Path dir;

  private DataStore open() {
    return TestStores.open(TestStores.config(dir.resolve("s")).format("serial").build());
  }

  private Path ticksCsv(String name, int n, int decimalAt) throws IOException {
    Path p = dir.resolve(name);
    try (Writer w = Files.newBufferedWriter(p)) {
      w.write("ts,symbol,volume\n");
      for (int i = 0; i < n; i++) {
        w.write(Instant.ofEpochSecond(1_672_531_200L + i) + ",SYM" + (i % 7) + ","
            + (i == decimalAt ? "0.5" : Integer.toString(i)) + "\n");
      }
    }
    return p;
  }

  private long filesUnder(String sub) throws IOException {
    Path p = dir.resolve("s").resolve(sub);
    if (!Files.exists(p)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void aCsvFileBecomesAVersionWithItsRawCopyAndSource() throws IOException {
    Path csv = ticksCsv("ticks.csv", 1000, -1);
    try (DataStore s = open()) {
      DatasetInfo info = s.importFile("ticks", csv);
      assertThat(info.rowCount()).isEqualTo(1000);
      assertThat(info.format()).isEqualTo("serial");
      assertThat(info.schema().fields()).containsExactly(Field.of("ts", ColumnType.TIMESTAMP),
          Field.of("symbol", ColumnType.STRING), Field.of("volume", ColumnType.INT64));
      assertThat(info.schema().timeColumn()).contains("ts");
      assertThat(info.metadata()).containsEntry("importKind", "csv")
          .containsEntry("importedFrom", csv.toAbsolutePath().normalize().toString());
      Frame f = s.retrieve("ticks", Query.builder().timeRange(TimeRange.between(
          Instant.parse("2023-01-01T00:01:00Z"), Instant.parse("2023-01-01T00:02:00Z")))
          .build()).frame();
      assertThat(f.rowCount()).isEqualTo(60);
      assertThat(f.longs("volume").get(0)).isEqualTo(60);
    }
    assertThat(filesUnder("raw")).isEqualTo(1);
    assertThat(filesUnder("tmp")).isZero();
  }

  @Test
  void aLateDecimalIsImportedAgainInTheWidenedTypeLeavingNothingBehind() throws IOException {
    // the default sample is the first 10,000 rows; the decimal comes long after
    Path csv = ticksCsv("late.csv", 30_000, 25_000);
    try (DataStore s = open()) {
      s.storeRecords("late", List.of(Map.of("v", 1)), Map.of());
      DatasetInfo info = s.importFile("late", csv);
      assertThat(info.version()).isEqualTo(2); // the abandoned first reading took no version
      assertThat(info.schema().field("volume").type()).isEqualTo(ColumnType.FLOAT64);
      Frame f = s.retrieve("late").frame();
      assertThat(f.rowCount()).isEqualTo(30_000);
      assertThat(f.doubles("volume").get(25_000)).isEqualTo(0.5);
      assertThat(f.doubles("volume").get(29_999)).isEqualTo(29_999.0);
    }
    assertThat(filesUnder("tmp")).isZero();
    // one raw copy per kept version: the abandoned first reading left none
    assertThat(filesUnder("raw")).isEqualTo(2);
  }

  @Test
  void aBadRowFailsTheImportAndKeepsThePreviousVersion() throws IOException {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "timestamp,v\n2023-01-01,1\n2023-01-02,2\nyesterday,3\n");
    try (DataStore s = open()) {
      s.storeRecords("d", List.of(Map.of("v", 1)), Map.of());
      assertThatThrownBy(() -> s.importFile("d", csv)).isInstanceOf(SchemaException.class)
          .hasMessageContaining(csv.toString()).hasMessageContaining("line 4")
          .hasMessageContaining("'timestamp'").hasMessageContaining("'yesterday'");
      assertThat(s.info("d").version()).isEqualTo(1);
      assertThatThrownBy(() -> s.importFile("fresh", csv)).isInstanceOf(SchemaException.class);
      assertThatThrownBy(() -> s.info("fresh")).isInstanceOf(DatasetNotFoundException.class);
    }
    assertThat(filesUnder("tmp")).isZero();
  }

  @Test
  void jsonLinesAndAFormatOverrideGoThroughTheSamePath() throws IOException {
    Path json = dir.resolve("e.jsonl");
    Files.writeString(json, "{\"t\": 1672531200, \"v\": 1.5}\n{\"t\": 1672531260, \"v\": null}\n");
    try (DataStore s = open()) {
      DatasetInfo info = s.importFile("e", json, WriteOptions.builder().timeColumn("t")
          .epochUnit(TimeUnit.SECONDS).format(org.optstore.core.testing.ColumnarTestFormat.NAME)
          .build());
      assertThat(info.format()).isEqualTo(org.optstore.core.testing.ColumnarTestFormat.NAME);
      assertThat(info.metadata()).containsEntry("importKind", "jsonl");
      assertThat(info.minTime()).contains(Instant.parse("2023-01-01T00:00:00Z"));
      assertThat(s.retrieve("e").frame().column("v").isNull(1)).isTrue();
    }
  }

  @Test
  void aHeaderOnlyFileIsAnEmptyVersion() throws IOException {
    Path csv = dir.resolve("empty.csv");
    Files.writeString(csv, "ts,v\n");
    try (DataStore s = open()) {
      DatasetInfo info = s.importFile("empty", csv);
      assertThat(info.rowCount()).isZero();
      assertThat(info.schema().names()).containsExactly("ts", "v");
      assertThat(s.retrieve("empty").frame().rowCount()).isZero();
    }
  }

  @Test
  void aReadOnlyStoreRefusesImports() throws IOException {
    Path csv = ticksCsv("t.csv", 3, -1);
    try (DataStore s = open()) {
      s.importFile("t", csv);
    }
    try (DataStore ro = TestStores.open(TestStores.config(dir.resolve("s")).format("serial")
        .readOnly(true).build())) {
      assertThatThrownBy(() -> ro.importFile("t2", csv)).isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("read-only");
      assertThat(ro.info("t").rowCount()).isEqualTo(3);
    }
  }

  @Test
  void aPickleIsRefusedByTheEngineEvenWithAFormatThatClaimsPickleNames() throws IOException {
    Path pkl = dir.resolve("frame.pkl");
    Files.write(pkl, new byte[] {(byte) 0x80, 4, (byte) 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0});
    try (DataStore s = open()) {
      assertThatThrownBy(() -> s.importFile("p", pkl)).isInstanceOf(SchemaException.class)
          .hasMessageContaining(pkl.toString())
          .hasMessageContaining("Python pickle, an unsafe format")
          .hasMessageContaining("pd.read_pickle('frame.pkl').to_csv('data.csv', index=False)");
      assertThat(s.list()).isEmpty();
    }
  }

  @Test
  void aFileThatDoesNotExistIsNamed() {
    Path missing = dir.resolve("missing.csv");
    try (DataStore s = open()) {
      assertThatThrownBy(() -> s.importFile("m", missing))
          .isInstanceOf(org.optstore.DataStoreException.class)
          .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");
    }
  }
}
