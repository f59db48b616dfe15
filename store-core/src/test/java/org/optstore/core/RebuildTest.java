package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.CorruptDataException;
import org.optstore.DataStore;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.FormatUnavailableException;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.TimeRange;
import org.optstore.WriteOptions;
import org.optstore.core.format.FormatRegistry;
import org.optstore.core.testing.ColumnarTestFormat;
import org.optstore.core.testing.LogCapture;
import org.optstore.core.testing.RowTestFormat;
import org.optstore.core.testing.UnavailableTestFormat;
import org.optstore.format.serial.SerialFormat;

/** The raw copy as the source of truth: fallback, rebuild, and what happens without it. */
class RebuildTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  @TempDir Path scratch;

  private Path base() {
    return dir.resolve("store");
  }

  private StoreConfig.Builder config() {
    return TestStores.config(base());
  }

  private Frame writeTicks(StoreConfig config, int n) {
    Frame ticks = TestStores.ticks(n);
    try (DataStore s = TestStores.openWith(config, scratch, ColumnarTestFormat.class,
        RowTestFormat.class)) {
      s.store("t", ticks, Map.of("k", "v"));
      assertThat(s.info("t").format()).isEqualTo(ColumnarTestFormat.NAME);
    }
    return ticks;
  }

  private JsonNode manifest(long version) throws IOException {
    byte[] b = Files.readAllBytes(base().resolve("catalog/t/" + version + ".json"));
    return JSON.readTree(b).get("manifest");
  }

  private List<String> files(String sub) throws IOException {
    try (Stream<Path> s = Files.walk(base().resolve(sub))) {
      return s.filter(Files::isRegularFile).map(p -> base().relativize(p).toString())
          .sorted().collect(Collectors.toList());
    }
  }

  private Path dataFile() {
    return base().resolve("optimized/t/1/part-0.tcol");
  }

  private static void flip(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x5A);
    }
  }

  @Test
  void aVersionWhoseFormatIsGoneIsRebuiltIntoTheBestAvailableOne() throws IOException {
    Frame ticks = writeTicks(config().build(), 5000);
    try (DataStore s = TestStores.openWith(config().build(), scratch, RowTestFormat.class)) {
      assertThat(s.retrieve("t").frame()).isEqualTo(ticks);
      assertThat(s.info("t").format()).isEqualTo(RowTestFormat.NAME);
      assertThat(s.info("t").metadata()).containsEntry("k", "v");
      Query q = Query.builder().where(Predicates.eq("symbol", "SYM042")).columns("volume").build();
      assertThat(s.retrieve("t", q).frame().rowCount()).isEqualTo(50);
    }
    JsonNode m = manifest(1);
    assertThat(m.get("format").get("name").asText()).isEqualTo(RowTestFormat.NAME);
    assertThat(m.get("generation").asInt()).isEqualTo(1);
    assertThat(m.get("rebuiltFrom").asText()).isEqualTo(ColumnarTestFormat.NAME);
    assertThat(files("optimized")).containsExactly("optimized/t/1/part-0.g1.trow");
    assertThat(files("raw")).containsExactly("raw/t/1.avro");
    // the rebuilt version now reads without the original format, and without another rebuild
    try (DataStore s = TestStores.openWith(config().build(), scratch, RowTestFormat.class)) {
      assertThat(s.retrieve("t").frame()).isEqualTo(ticks);
    }
    assertThat(manifest(1).get("generation").asInt()).isEqualTo(1);
  }

  @Test
  void aVersionWhoseFormatIsGoneIsRebuiltIntoTheSerialFallback() throws IOException {
    Frame ticks = writeTicks(config().build(), 70_000);
    try (DataStore s = TestStores.openWith(config().build(), scratch, SerialFormat.class)) {
      Query r2 = Query.builder().between(TestStores.T0.plusSeconds(1000),
          TestStores.T0.plusSeconds(66_000)).where(Predicates.eq("flag", true)).build();
      assertThat(s.retrieve("t", r2).frame()).isEqualTo(ReadPathPropertyTest.reference(ticks,
          r2));
      assertThat(s.info("t").format()).isEqualTo("serial");
    }
    assertThat(files("optimized")).containsExactly("optimized/t/1/part-0.g1.osr");
    try (DataStore s = TestStores.open(config().build())) {
      assertThat(s.retrieve("t").frame()).isEqualTo(ticks);
    }
  }

  @Test
  void aVersionWhoseFormatIsGoneWithoutRawCopyFailsListingTheFormats() {
    writeTicks(config().rawCopy(false).build(), 100);
    try (DataStore s = TestStores.openWith(config().build(), scratch, RowTestFormat.class)) {
      assertThatThrownBy(() -> s.retrieve("t"))
          .isInstanceOf(FormatUnavailableException.class)
          .hasMessageContaining("'testcol'")
          .hasMessageContaining("testrow (available)")
          .hasMessageContaining("no raw copy");
      assertThat(s.info("t").rawSizeBytes()).isZero();
    }
  }

  @Test
  void aMissingDataFileIsRebuiltAndTheReadAnswered() throws IOException {
    Frame ticks = writeTicks(config().build(), 3000);
    try (DataStore s = TestStores.open(config().build())) {
      Files.delete(dataFile());
      Query q = Query.builder().between(TestStores.T0.plusSeconds(10), TestStores.T0
          .plusSeconds(20)).build();
      assertThat(s.retrieve("t", q).frame()).isEqualTo(ticks.slice(10, 20));
      assertThat(files("optimized")).containsExactly("optimized/t/1/part-0.g1.tcol");
      assertThat(s.retrieve("t").frame()).isEqualTo(ticks);
    }
  }

  @Test
  void aDamagedBlockIsDetectedAndTheVersionRebuilt() throws IOException {
    Frame ticks = writeTicks(config().build(), 3000);
    flip(dataFile(), 2000);
    try (DataStore s = TestStores.open(config().memoryMapping(false).build())) {
      assertThat(s.retrieve("t").frame()).isEqualTo(ticks);
      assertThat(manifest(1).get("generation").asInt()).isEqualTo(1);
    }
  }

  @Test
  void aDamagedFooterIsDetectedWhenOpeningAndTheScanRebuilt() throws IOException {
    Frame ticks = writeTicks(config().build(), 3000);
    flip(dataFile(), Files.size(dataFile()) - 30);
    try (DataStore s = TestStores.open(config().build());
        FrameStream batches = s.scan("t", Query.builder().columns("ts", "volume").build())) {
      assertThat(batches.readAll()).isEqualTo(ticks.project("ts", "volume"));
    }
  }

  @Test
  void aTruncatedDataFileIsRebuilt() throws IOException {
    Frame ticks = writeTicks(config().build(), 500);
    try (RandomAccessFile f = new RandomAccessFile(dataFile().toFile(), "rw")) {
      f.setLength(f.length() - 1);
    }
    try (DataStore s = TestStores.open(config().build())) {
      assertThat(s.retrieve("t").frame()).isEqualTo(ticks);
    }
  }

  @Test
  void damageWithoutRawCopyIsACorruptDataExceptionNamingTheFile() throws IOException {
    writeTicks(config().rawCopy(false).build(), 3000);
    flip(dataFile(), 2000);
    try (DataStore s = TestStores.open(config().build())) {
      assertThatThrownBy(() -> s.retrieve("t"))
          .isInstanceOf(CorruptDataException.class)
          .hasMessageContaining("part-0.tcol")
          .hasMessageContaining("no raw copy");
    }
  }

  @Test
  void damageOfBothCopiesIsACorruptDataExceptionNamingTheRawCopy() throws IOException {
    writeTicks(config().build(), 3000);
    flip(dataFile(), 2000);
    flip(base().resolve("raw/t/1.avro"), 3000);
    try (DataStore s = TestStores.open(config().build())) {
      assertThatThrownBy(() -> s.retrieve("t"))
          .isInstanceOf(CorruptDataException.class)
          .hasMessageContaining("raw copy")
          .hasMessageContaining("1.avro")
          .hasMessageContaining("CRC32C");
    }
    // nothing was changed on disk by the failed rebuild
    assertThat(Files.exists(dataFile())).isTrue();
  }

  @Test
  void aReadOnlyStoreRebuildsInMemoryAndWritesNothing() throws IOException {
    Frame ticks = writeTicks(config().build(), 2000);
    Files.delete(dataFile());
    List<String> before = files("");
    try (DataStore s = TestStores.open(config().readOnly(true).build())) {
      assertThat(s.retrieve("t").frame()).isEqualTo(ticks);
      Query q = Query.builder().timeRange(TimeRange.from(TestStores.T0.plusSeconds(1990))).build();
      assertThat(s.retrieve("t", q).frame()).isEqualTo(ticks.slice(1990, 2000));
      try (FrameStream b = s.scan("t", q)) {
        assertThat(b.readAll()).isEqualTo(ticks.slice(1990, 2000));
      }
      assertThat(s.info("t").format()).isEqualTo(ColumnarTestFormat.NAME);
    }
    assertThat(files("")).isEqualTo(before);
  }

  @Test
  void anUnavailableConfiguredFormatFallsBackToTheBestAvailable() {
    String fallback = "configured storage format 'testgone' cannot be used because it is "
        + "unavailable: " + UnavailableTestFormat.REASON + "; falling back to 'testcol'";
    try (LogCapture log = LogCapture.of(FormatRegistry.class)) {
      try (DataStore s = TestStores.open(config().format(UnavailableTestFormat.NAME).build())) {
        assertThat(s.store("x", TestStores.ticks(3), Map.of()).format())
            .isEqualTo(ColumnarTestFormat.NAME);
      }
      assertThat(log.messages("WARN")).filteredOn(m -> m.startsWith(fallback)).hasSize(1);
      // the configured format gets no second WARN of its own
      assertThat(log.messages("WARN")).noneMatch(m -> m.startsWith("storage format 'testgone'"));
    }
    try (DataStore s = TestStores.openWith(config().format("parquet").build(), scratch,
        RowTestFormat.class)) {
      assertThat(s.store("y", TestStores.ticks(3), Map.of()).format())
          .isEqualTo(RowTestFormat.NAME);
    }
  }

  @Test
  void aReadOnlyStoreDoesNotWarnAboutAFallbackItNeverWritesWith() {
    Frame ticks = writeTicks(config().build(), 10);
    try (LogCapture log = LogCapture.of(FormatRegistry.class)) {
      try (DataStore s = TestStores.open(config().format(UnavailableTestFormat.NAME)
          .readOnly(true).build())) {
        assertThat(s.retrieve("t").frame()).isEqualTo(ticks);
      }
      assertThat(log.messages("WARN")).noneMatch(m -> m.contains("falling back"));
      assertThat(log.messages("DEBUG")).filteredOn(m -> m.startsWith("configured storage format "
          + "'testgone' cannot be used because it is unavailable: " + UnavailableTestFormat.REASON
          + "; a read-only store never writes")).hasSize(1);
      // the unavailable format still gets its one WARN line, naming why
      assertThat(log.messages("WARN")).containsOnlyOnce("storage format 'testgone' is "
          + "unavailable and is skipped: " + UnavailableTestFormat.REASON);
    }
    // configured format missing from the class path: nothing to warn about for a reader
    try (LogCapture log = LogCapture.of(FormatRegistry.class);
        DataStore s = TestStores.open(config().format("parquet").readOnly(true).build())) {
      assertThat(s.retrieve("t").frame()).isEqualTo(ticks);
      assertThat(log.messages("WARN")).noneMatch(m -> m.contains("parquet"));
    }
  }

  @Test
  void aClasspathWithoutFormatsCannotOpenAStore() {
    assertThatThrownBy(() -> TestStores.openWith(config().build(), scratch,
        UnavailableTestFormat.class))
        .isInstanceOf(FormatUnavailableException.class)
        .hasMessageContaining("no storage format is available")
        .hasMessageContaining(UnavailableTestFormat.REASON);
    assertThat(Files.exists(base().resolve("LOCK"))).isFalse();
  }

  @Test
  void aWriteCanNameItsFormat() {
    try (DataStore s = TestStores.open(config().build())) {
      assertThat(s.store("r", TestStores.ticks(10), Map.of(),
          WriteOptions.builder().format(RowTestFormat.NAME).build()).format())
          .isEqualTo(RowTestFormat.NAME);
      assertThat(s.retrieve("r").frame()).isEqualTo(TestStores.ticks(10));
      assertThatThrownBy(() -> s.store("r", TestStores.ticks(10), Map.of(),
          WriteOptions.builder().format(UnavailableTestFormat.NAME).build()))
          .isInstanceOf(FormatUnavailableException.class)
          .hasMessageContaining(UnavailableTestFormat.REASON)
          .hasMessageContaining("testcol (available)");
      assertThat(s.info("r").version()).isEqualTo(1);
    }
  }
}
