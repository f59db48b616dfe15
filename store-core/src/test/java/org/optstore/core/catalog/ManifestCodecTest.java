package org.optstore.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.Field;
import org.optstore.FormatUnavailableException;
import org.optstore.Schema;

class ManifestCodecTest {
  private static final Schema SCHEMA = Schema.of(List.of(Field.of("ts", ColumnType.TIMESTAMP),
      Field.of("p", ColumnType.FLOAT64)), "ts");

  static Manifest sample() {
    return new Manifest("tick/s", 3, Manifest.Kind.DATA, Instant.parse("2024-05-01T10:00:00Z"),
        "serial", 2, "none",
        List.of(new Manifest.DataFile("optimized/tick%2Fs/3/part-0.osr", 1234, 10,
            Map.of("footer.crc32c", "0badf00d"))),
        new Manifest.RawFile("raw/tick%2Fs/3.avro", 99, "12345678"), SCHEMA, 10, 5L, 50L, true,
        Map.of("source", "feed", "n", 3), 0, null, null);
  }

  @Test
  void aManifestRoundTripsAndStaysPlainJson() throws Exception {
    byte[] bytes = ManifestCodec.encode(sample());
    Manifest back = ManifestCodec.decode(bytes, "3.json");
    assertThat(back.withChecksum(null)).isEqualTo(sample());
    JsonNode n = new ObjectMapper().readTree(bytes);
    assertThat(n.get("crc32c").asText()).isEqualTo(back.checksum()).hasSize(8);
    JsonNode m = n.get("manifest");
    assertThat(m.get("format").get("name").asText()).isEqualTo("serial");
    assertThat(m.get("files").get(0).get("checksums").get("footer.crc32c").asText())
        .isEqualTo("0badf00d");
    assertThat(m.get("schema").get("timeColumn").asText()).isEqualTo("ts");
    String text = new String(bytes, StandardCharsets.UTF_8);
    int body = text.indexOf("\"manifest\":") + "\"manifest\":".length();
    CRC32C crc = new CRC32C();
    crc.update(bytes, body, bytes.length - body - 2);
    assertThat(ManifestCodec.hex(crc.getValue())).isEqualTo(back.checksum());
    Manifest t = ManifestCodec.decode(ManifestCodec.encode(Manifest.tombstone("x", 4,
        Instant.EPOCH)), "4.json");
    assertThat(t.isTombstone()).isTrue();
    assertThat(t.version()).isEqualTo(4);
  }

  @Test
  void everyFlippedByteIsCaught() {
    byte[] bytes = ManifestCodec.encode(sample());
    for (int i = 0; i < bytes.length; i++) {
      byte[] bad = bytes.clone();
      bad[i] ^= 0x01;
      int at = i;
      assertThatThrownBy(() -> ManifestCodec.decode(bad, "3.json")).as("byte " + at)
          .isInstanceOf(CorruptDataException.class).hasMessageContaining("3.json");
    }
    assertThatThrownBy(() -> ManifestCodec.decode(Arrays.copyOf(bytes, bytes.length - 1),
        "3.json")).isInstanceOf(CorruptDataException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> ManifestCodec.decode(new byte[0], "3.json"))
        .isInstanceOf(CorruptDataException.class);
  }

  @Test
  void aManifestFromANewerOptstoreIsRefusedByVersion() {
    String body = "{\"manifestVersion\":2,\"dataset\":\"x\"}";
    CRC32C crc = new CRC32C();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    byte[] bytes = ("{\"crc32c\":\"" + ManifestCodec.hex(crc.getValue()) + "\",\"manifest\":"
        + body + "}\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ManifestCodec.decode(bytes, "1.json"))
        .isInstanceOf(FormatUnavailableException.class).hasMessageContaining("upgrade");
  }

  @Test
  void recordedPathsCannotLeaveTheDatasetsDirectories() {
    CatalogLayout layout = new CatalogLayout(Path.of("/data/store"));
    Path m = layout.manifest("t", 1);
    assertThat(layout.resolveRecorded("optimized/t/1/part-0.x", "t", m))
        .isEqualTo(Path.of("/data/store/optimized/t/1/part-0.x"));
    assertThat(layout.resolveRecorded("raw/t/1.avro", "t", m))
        .isEqualTo(Path.of("/data/store/raw/t/1.avro"));
    for (String bad : new String[] {"optimized/u/1/x", "../etc/passwd", "optimized/t/../u/1",
        "/etc/passwd", "optimized/t/1/../../../../x", "catalog/t/1.json", "optimized/t//x",
        "raw/t/./1.avro", "optimized\\t\\1\\x", "raw/t"}) {
      assertThatThrownBy(() -> layout.resolveRecorded(bad, "t", m)).as(bad)
          .isInstanceOf(CorruptDataException.class).hasMessageContaining("not inside");
    }
  }
}
