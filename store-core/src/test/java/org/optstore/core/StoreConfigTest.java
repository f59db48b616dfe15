package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.InvalidConfigException;

class StoreConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsFollowTheOriginal() {
    StoreConfig c = StoreConfig.builder().basePath(dir).build();
    assertThat(c.format()).isEqualTo("parquet");
    assertThat(c.cacheMaxEntries()).isEqualTo(128);
    assertThat(c.cacheMaxBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
    assertThat(c.cacheTtl()).isEmpty();
    assertThat(c.batchSize()).isEqualTo(1000);
    assertThat(c.maxWorkers()).isEqualTo(Math.min(32, Runtime.getRuntime().availableProcessors()));
    assertThat(c.memoryMapping()).isTrue();
    assertThat(c.compression()).isEqualTo("default");
    assertThat(c.rawCopy()).isTrue();
    assertThat(c.readOnly()).isFalse();
    assertThat(c.keepVersions()).isEqualTo(2);
  }

  @Test
  void fromMapAcceptsTheOriginalKeysAndOurs() {
    Map<String, Object> m = new HashMap<>();
    m.put("storage_format", "hdf5");
    m.put("cache_size", 200);
    m.put("base_path", dir.toString());
    m.put("use_memory_mapping", false);
    m.put("batch_size", 50L);
    m.put("max_workers", 3);
    m.put("compression", "deflate-1");
    m.put("cache_max_bytes", 1L << 20);
    m.put("cache_ttl", "PT10M");
    m.put("raw_copy", false);
    m.put("read_only", true);
    m.put("keep_versions", 4);
    StoreConfig c = StoreConfig.fromMap(m);
    assertThat(c).isEqualTo(StoreConfig.builder().format("hdf5").cacheMaxEntries(200)
        .basePath(dir).memoryMapping(false).batchSize(50).maxWorkers(3).compression("deflate-1")
        .cacheMaxBytes(1L << 20).cacheTtl(Duration.ofMinutes(10)).rawCopy(false).readOnly(true)
        .keepVersions(4).build());
    assertThat(c.hashCode()).isEqualTo(c.toBuilder().build().hashCode());
    assertThat(StoreConfig.fromMap(Map.of("base_path", dir, "cache_ttl", 30)).cacheTtl())
        .contains(Duration.ofSeconds(30));
  }

  @Test
  void anUnknownKeyOrAWrongTypeNamesTheKey() {
    assertThatThrownBy(() -> StoreConfig.fromMap(Map.of("base_path", dir.toString(),
        "cache_sise", 3)))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'cache_sise'")
        .hasMessageContaining("cache_size");
    assertThatThrownBy(() -> StoreConfig.fromMap(Map.of("base_path", dir.toString(),
        "cache_size", "200")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'cache_size'")
        .hasMessageContaining("String").hasMessageContaining("integer");
    assertThatThrownBy(() -> StoreConfig.fromMap(Map.of("base_path", 7)))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'base_path'");
    assertThatThrownBy(() -> StoreConfig.fromMap(Map.of("base_path", dir.toString(),
        "use_memory_mapping", "yes")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("boolean");
    assertThatThrownBy(() -> StoreConfig.fromMap(Map.of("base_path", dir.toString(),
        "max_workers", 1L << 40)))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("too large");
    assertThatThrownBy(() -> StoreConfig.fromMap(Map.of("base_path", dir.toString(),
        "cache_ttl", "ten minutes")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("PT10M");
    assertThatThrownBy(() -> StoreConfig.fromMap(Map.of("storage_format", "serial")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("base path is not set");
  }

  @Test
  void everySetterRejectsABadValueAtOnceSayingWhatIsAccepted() {
    StoreConfig.Builder b = StoreConfig.builder();
    assertThatThrownBy(() -> b.cacheMaxEntries(-1)).isInstanceOf(InvalidConfigException.class)
        .hasMessage("cache size (cacheMaxEntries / 'cache_size') must not be negative, got -1; "
            + "use 0 to turn the cache off, or a positive number of datasets to hold");
    assertThatThrownBy(() -> b.cacheMaxBytes(-5)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("got -5").hasMessageContaining("use 0 to turn the cache off");
    assertThatThrownBy(() -> b.cacheTtl(Duration.ZERO)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("got PT0S").hasMessageContaining("such as PT10M")
        .hasMessageContaining("no expiry");
    assertThatThrownBy(() -> b.batchSize(0)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("got 0").hasMessageContaining("use a positive number");
    assertThatThrownBy(() -> b.maxWorkers(0)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("got 0").hasMessageContaining("between 1 and 1024");
    assertThatThrownBy(() -> b.maxWorkers(2000)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("got 2000");
    assertThatThrownBy(() -> b.keepVersions(0)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("got 0").hasMessageContaining("use 1 to keep only the current");
    assertThatThrownBy(() -> b.format("Parquet!")).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("Parquet!").hasMessageContaining("use lowercase letters");
    assertThatThrownBy(() -> b.compression("")).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("use 'default' or a codec");
    assertThatThrownBy(() -> b.basePath(null)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("give the directory holding the store");
    // the seed's keys meet the same checks, and the message names the key too
    assertThatThrownBy(() -> StoreConfig.fromMap(Map.of("cache_size", -3)))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'cache_size'")
        .hasMessageContaining("got -3");
    assertThatThrownBy(() -> StoreConfig.fromMap(Map.of("max_workers", 1L << 40)))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("at most 2147483647");
  }

  @Test
  void aWritableStoreNeedsAWritableBasePath() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertThatThrownBy(() -> StoreConfig.builder().basePath(file.resolve("store")).build())
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("a-file")
        .hasMessageContaining("is a file");
    assertThatThrownBy(() -> StoreConfig.builder().basePath(file).build())
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("not a directory");
    // a read-only store does not need to write there
    assertThat(StoreConfig.builder().basePath(file.resolve("store")).readOnly(true).build()
        .readOnly()).isTrue();
    // a missing directory under a writable one is fine: the store creates it
    assertThat(StoreConfig.builder().basePath(dir.resolve("new/sub")).build().basePath())
        .isEqualTo(dir.resolve("new/sub"));
  }

  @Test
  void aCodecTheChosenFormatLacksFailsAtOpenListingItsCodecs() {
    StoreConfig c = TestStores.config(dir).compression("zstd").build();
    assertThatThrownBy(() -> TestStores.open(c))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'zstd'")
        .hasMessageContaining("'testcol'").hasMessageContaining("fake, none");
    assertThat(dir.resolve("LOCK")).doesNotExist();
    TestStores.open(TestStores.config(dir).compression("FAKE").build()).close();
  }
}
