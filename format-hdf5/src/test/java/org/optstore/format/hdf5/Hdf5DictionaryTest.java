package org.optstore.format.hdf5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.Frame;
import org.optstore.Query;
import org.optstore.SchemaException;
import org.optstore.StringColumn;
import org.optstore.spi.FormatReader;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteSummary;

/** String dictionaries are UTF-8 bytes plus offsets: each entry takes its own size. */
class Hdf5DictionaryTest {

  @TempDir Path dir;

  @Test
  void manyDistinctStringsAndOneLongOneTakeTheirOwnSize() throws IOException {
    int n = 50_001;
    String[] s = new String[n];
    for (int i = 0; i < n - 1; i++) {
      s[i] = "v" + i;
    }
    s[n / 2] = "x".repeat(1 << 20);
    s[n - 1] = null;
    Frame f = Frame.builder().column("s", StringColumn.of(s)).noTimeColumn().build();
    Path p = dir.resolve("wide.h5");
    WriteSummary summary = Hdf5Files.write(p, f, 20_000, 16_384, "deflate-1");
    // fixed-width entries would take 50,000 x 1 MiB; here the file holds about what the strings take
    assertThat(Files.size(p)).isLessThan(2L << 20);
    try (FormatReader r = Hdf5Files.open(p, summary)) {
      assertThat(r.read(Query.all().bind(r.schema())).strings("s").toArray()).isEqualTo(s);
    }
  }

  @Test
  void stringsWithNulCharactersAnywhereRoundTrip() {
    String[] s = {"ok", "bad\0", "\0", "a\0\0", "", null, "\0mid\0dle\0", "😀\0"};
    Frame f = Frame.builder().column("s", StringColumn.of(s)).noTimeColumn().build();
    Path p = dir.resolve("nul.h5");
    WriteSummary summary = Hdf5Files.write(p, f, 3, 4, "deflate-1");
    try (FormatReader r = Hdf5Files.open(p, summary)) {
      assertThat(r.read(Query.all().bind(r.schema())).strings("s").toArray()).containsExactly(s);
    }
  }

  @Test
  void aDictionaryBeyondItsLimitIsRefusedWhileTheColumnIsWritten() {
    String[] s = new String[40];
    for (int i = 0; i < s.length; i++) {
      s[i] = "entry-" + (i % 20); // 20 distinct entries of 7 or 8 bytes: 150 bytes in all
    }
    Frame f = Frame.builder().column("s", StringColumn.of(s)).noTimeColumn().build();
    WriteSpec spec = new WriteSpec(f.schema(), "deflate-1", 40, "dataset 'labels'", Map.of());
    try (Hdf5FileWriter w = new Hdf5FileWriter(dir.resolve("limit.h5"), spec, 1, 64, 100)) {
      w.write(f.slice(0, 10)); // 10 entries, 70 bytes
      assertThatThrownBy(() -> w.write(f.slice(10, 40)))
          .isInstanceOf(SchemaException.class)
          .hasMessageContaining("column 's' of dataset 'labels'")
          .hasMessageContaining("13 entries take 94 bytes of UTF-8 and the next one 8 more")
          .hasMessageContaining("limit of 100 bytes");
    }
  }
}
