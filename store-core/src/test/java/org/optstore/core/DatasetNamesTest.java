package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import org.optstore.InvalidArgumentException;
import org.optstore.core.catalog.DatasetNames;

class DatasetNamesTest {
  @TempDir Path dir;

  @Test
  void everythingOutsideTheSafeSetIsPercentEncoded() {
    assertThat(DatasetNames.encode("ticks_2023-01")).isEqualTo("ticks_2023-01");
    assertThat(DatasetNames.encode("a/b")).isEqualTo("a%2Fb");
    assertThat(DatasetNames.encode("..")).isEqualTo("%2E%2E");
    assertThat(DatasetNames.encode("../x")).isEqualTo("%2E%2E%2Fx");
    assertThat(DatasetNames.encode("a b\\c")).isEqualTo("a%20b%5Cc");
    assertThat(DatasetNames.encode("é")).isEqualTo("%C3%A9");
    assertThat(DatasetNames.encode("%")).isEqualTo("%25");
    assertThat(DatasetNames.encode("~")).isEqualTo("%7E");
    assertThat(DatasetNames.decode("a%2Fb")).isEqualTo("a/b");
    assertThat(DatasetNames.decode("a%2fb")).isNull(); // not an encoding we make
  }

  @Test
  void longEncodingsAreShortenedWithAHash() {
    String name = "é".repeat(200);
    String enc = DatasetNames.encode(name);
    assertThat(enc.length()).isLessThanOrEqualTo(DatasetNames.MAX_ENCODED_LENGTH);
    assertThat(enc).contains("~").startsWith("%C3%A9");
    assertThat(enc.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(256);
    assertThat(DatasetNames.decode(enc)).isNull();
    assertThat(DatasetNames.encode("é".repeat(199) + "e")).isNotEqualTo(enc);
  }

  @Test
  void badNamesAreRejected() {
    for (String bad : new String[] {"", "x".repeat(201), "x".repeat(10_000), "a\u0000b", "a\nb",
        "\u007F", "\u0085", "\uD800", "a\uDC00"}) {
      assertThatThrownBy(() -> DatasetNames.encode(bad)).as(bad)
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dataset name");
    }
    assertThatThrownBy(() -> DatasetNames.encode(null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(DatasetNames.encode("x".repeat(200))).hasSize(200);
  }

  @Test
  void distinctNamesNeverShareAnEncoding() {
    Random rnd = new Random(42);
    Set<String> names = new HashSet<>();
    Set<String> encodings = new HashSet<>();
    String alphabet = "aA0_-./\\ %~é名😀";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + rnd.nextInt(i % 50 == 0 ? 200 : 6);
      while (sb.length() < len) {
        int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0,
            rnd.nextInt(alphabet.codePointCount(0, alphabet.length()))));
        if (sb.length() + Character.charCount(cp) <= 200) {
          sb.appendCodePoint(cp);
        } else {
          break;
        }
      }
      String n = sb.toString();
      if (names.add(n)) {
        String e = DatasetNames.encode(n);
        assertThat(encodings.add(e)).as(n).isTrue();
        assertThat(e).matches("[A-Za-z0-9_%~-]+");
      }
    }
  }

  @Test
  void noNameReachesOutsideTheBasePath() throws Exception {
    Path base = dir.resolve("store");
    List<String> names = List.of("../x", "/etc/passwd", "a/b", "..", ".", "名前", "a b",
        "\uD83D\uDE00", "é".repeat(200), "C:\\temp", "%2E%2E", "x".repeat(200));
    try (DataStore s = TestStores.open(TestStores.config(base).build())) {
      for (String n : names) {
        DatasetInfo info = s.store(n, TestStores.ticks(2), Map.of());
        assertThat(info.name()).isEqualTo(n);
        assertThat(s.retrieve(n).frame()).isEqualTo(TestStores.ticks(2));
      }
      assertThat(s.list()).extracting(DatasetInfo::name)
          .containsExactlyInAnyOrderElementsOf(names);
      for (String bad : new String[] {"", "x".repeat(10_000), "a\u0000b"}) {
        assertThatThrownBy(() -> s.store(bad, TestStores.ticks(1), Map.of()))
            .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> s.retrieve(bad)).isInstanceOf(InvalidArgumentException.class);
      }
    }
    try (Stream<Path> all = Files.list(dir)) {
      assertThat(all.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
          .containsExactly("store");
    }
    List<String> top = new ArrayList<>();
    try (Stream<Path> all = Files.list(base)) {
      all.forEach(p -> top.add(p.getFileName().toString()));
    }
    assertThat(top).containsExactlyInAnyOrder("LOCK", "catalog", "optimized", "raw", "tmp");
    try (DataStore s = TestStores.open(TestStores.config(base).readOnly(true).build())) {
      assertThat(s.list()).hasSize(names.size());
    }
  }
}
