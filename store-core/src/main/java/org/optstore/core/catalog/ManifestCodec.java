package org.optstore.core.catalog;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.FormatUnavailableException;
import org.optstore.Schema;

/**
 * Writes and reads manifest files. A manifest file is one JSON object, {@code
 * {"crc32c":"XXXXXXXX","manifest":BODY}} followed by a newline, where the prefix up to {@code BODY}
 * has a fixed length and the 8 hex digits are the CRC32C of exactly the bytes of {@code BODY}. The
 * checksum therefore needs no canonical form, and the file stays plain JSON for any tool.
 */
public final class ManifestCodec {
  /** The manifest layout version this code writes and reads. */
  public static final int MANIFEST_VERSION = 1;

  private static final byte[] PREFIX = "{\"crc32c\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MIDDLE = "\",\"manifest\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUFFIX = "}\n".getBytes(StandardCharsets.US_ASCII);
  private static final int BODY_START = PREFIX.length + 8 + MIDDLE.length;

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private ManifestCodec() {}

  /**
   * @param m a manifest
   * @return the file's bytes
   */
  public static byte[] encode(Manifest m) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("manifestVersion", MANIFEST_VERSION);
    n.put("dataset", m.dataset());
    n.put("version", m.version());
    n.put("kind", m.kind() == Manifest.Kind.DATA ? "data" : "tombstone");
    n.put("createdAt", m.createdAt().toString());
    if (m.kind() == Manifest.Kind.DATA) {
      ObjectNode f = n.putObject("format");
      f.put("name", m.formatName());
      f.put("version", m.formatVersion());
      f.put("codec", m.codec());
      var files = n.putArray("files");
      for (Manifest.DataFile df : m.files()) {
        ObjectNode o = files.addObject();
        o.put("path", df.path());
        o.put("size", df.size());
        o.put("rows", df.rows());
        ObjectNode c = o.putObject("checksums");
        new java.util.TreeMap<>(df.checksums()).forEach(c::put);
      }
      if (m.raw() == null) {
        n.putNull("raw");
      } else {
        n.putObject("raw").put("path", m.raw().path()).put("size", m.raw().size())
            .put("crc32c", m.raw().crc32c());
      }
      n.set("schema", SchemaJson.toNode(m.schema()));
      n.put("rowCount", m.rowCount());
      n.put("minTime", m.minTime());
      n.put("maxTime", m.maxTime());
      n.put("timeSorted", m.timeSorted());
      n.set("metadata", MAPPER.valueToTree(MetadataValues.copy(m.metadata(), m.dataset())));
      n.put("generation", m.generation());
      if (m.rebuiltFrom() != null) {
        n.put("rebuiltFrom", m.rebuiltFrom());
      }
    }
    byte[] body;
    try {
      body = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new DataStoreException("cannot write the manifest of " + m.describe() + ": " + e, e);
    }
    CRC32C crc = new CRC32C();
    crc.update(body);
    byte[] out = new byte[BODY_START + body.length + SUFFIX.length];
    System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
    System.arraycopy(hex(crc.getValue()).getBytes(StandardCharsets.US_ASCII), 0, out,
        PREFIX.length, 8);
    System.arraycopy(MIDDLE, 0, out, PREFIX.length + 8, MIDDLE.length);
    System.arraycopy(body, 0, out, BODY_START, body.length);
    System.arraycopy(SUFFIX, 0, out, BODY_START + body.length, SUFFIX.length);
    return out;
  }

  /**
   * Checks metadata values without writing anything.
   *
   * @param metadata user metadata
   * @param dataset the dataset, for messages
   * @return a normalised copy
   */
  public static Map<String, Object> checkMetadata(Map<String, ?> metadata, String dataset) {
    return MetadataValues.copy(metadata, dataset);
  }

  /**
   * @param value a CRC value
   * @return it as 8 lower-case hex digits
   */
  public static String hex(long value) {
    return String.format("%08x", value & 0xFFFFFFFFL);
  }

  /**
   * Reads a manifest file after checking its layout and CRC32C.
   *
   * @param bytes the file's bytes
   * @param file the file, for messages
   * @return the manifest, with its checksum
   * @throws CorruptDataException when the layout, checksum or content is wrong
   * @throws FormatUnavailableException when a newer optstore wrote it
   */
  public static Manifest decode(byte[] bytes, String file) {
    String crcText = checkedCrc(bytes, file);
    JsonNode n;
    try {
      n = MAPPER.readTree(bytes, BODY_START, bytes.length - BODY_START - SUFFIX.length);
    } catch (IOException e) {
      throw new CorruptDataException("manifest " + file + " passes its CRC32C but is not valid "
          + "JSON (" + e.getMessage() + "); restore it from a backup or delete the dataset");
    }
    return fromNode(n, file).withChecksum(crcText);
  }

  /**
   * Reads the paths a manifest file names without trusting it: for the sweeper, which must not
   * delete a file that a damaged manifest may still name.
   *
   * @param bytes the file's bytes
   * @return the recorded paths found, or null when the body cannot be parsed
   */
  public static List<String> pathsIgnoringChecksum(byte[] bytes) {
    if (bytes.length < BODY_START + SUFFIX.length) {
      return null;
    }
    try {
      JsonNode n = MAPPER.readTree(bytes, BODY_START, bytes.length - BODY_START - SUFFIX.length);
      List<String> out = new ArrayList<>();
      for (JsonNode f : n.path("files")) {
        if (f.path("path").isTextual()) {
          out.add(f.get("path").asText());
        }
      }
      if (n.path("raw").path("path").isTextual()) {
        out.add(n.get("raw").get("path").asText());
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String checkedCrc(byte[] bytes, String file) {
    int n = bytes.length;
    boolean framed = n >= BODY_START + SUFFIX.length
        && regionEquals(bytes, 0, PREFIX)
        && regionEquals(bytes, PREFIX.length + 8, MIDDLE)
        && regionEquals(bytes, n - SUFFIX.length, SUFFIX);
    if (!framed) {
      throw new CorruptDataException("manifest " + file + " (" + n + " bytes) is truncated or not "
          + "a manifest: it must read {\"crc32c\":\"XXXXXXXX\",\"manifest\":{...}} and a newline; "
          + "restore it from a backup or delete the dataset");
    }
    String crcText = new String(bytes, PREFIX.length, 8, StandardCharsets.US_ASCII);
    long recorded;
    try {
      recorded = Long.parseLong(crcText, 16);
    } catch (NumberFormatException e) {
      throw new CorruptDataException("manifest " + file + " has a malformed checksum '" + crcText
          + "'; restore it from a backup or delete the dataset");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, BODY_START, n - BODY_START - SUFFIX.length);
    if (crc.getValue() != recorded) {
      throw new CorruptDataException("manifest " + file + " fails its CRC32C (recorded " + crcText
          + ", computed " + hex(crc.getValue()) + "); its dataset cannot be read until the "
          + "manifest is restored from a backup or the dataset is deleted or written anew");
    }
    return crcText;
  }

  private static boolean regionEquals(byte[] bytes, int offset, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (bytes[offset + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static Manifest fromNode(JsonNode n, String file) {
    Fields f = new Fields(n, file);
    long mv = f.longValue("manifestVersion");
    if (mv > MANIFEST_VERSION) {
      throw new FormatUnavailableException("manifest " + file + " has layout version " + mv
          + " but this optstore reads up to " + MANIFEST_VERSION + "; upgrade optstore");
    }
    String dataset = f.text("dataset");
    long version = f.longValue("version");
    String kind = f.text("kind");
    Instant createdAt = f.instant("createdAt");
    if (kind.equals("tombstone")) {
      return Manifest.tombstone(dataset, version, createdAt);
    }
    if (!kind.equals("data")) {
      throw f.corrupt("kind", "is '" + kind + "', not 'data' or 'tombstone'");
    }
    Fields format = f.object("format");
    List<Manifest.DataFile> files = new ArrayList<>();
    JsonNode fa = n.get("files");
    if (fa == null || !fa.isArray()) {
      throw f.corrupt("files", "is missing or not an array");
    }
    for (JsonNode x : fa) {
      Fields ff = new Fields(x, file);
      Map<String, String> sums = new LinkedHashMap<>();
      JsonNode c = x.get("checksums");
      if (c == null || !c.isObject()) {
        throw ff.corrupt("checksums", "is missing or not an object");
      }
      for (Map.Entry<String, JsonNode> e : c.properties()) {
        sums.put(e.getKey(), e.getValue().asText());
      }
      files.add(new Manifest.DataFile(ff.text("path"), ff.longValue("size"),
          ff.longValue("rows"), sums));
    }
    Manifest.RawFile raw = null;
    JsonNode r = n.get("raw");
    if (r != null && !r.isNull()) {
      Fields rf = new Fields(r, file);
      raw = new Manifest.RawFile(rf.text("path"), rf.longValue("size"), rf.text("crc32c"));
    }
    Schema schema = SchemaJson.fromNode(n.get("schema"), "manifest " + file);
    JsonNode md = n.get("metadata");
    if (md == null || !md.isObject()) {
      throw f.corrupt("metadata", "is missing or not an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = MAPPER.convertValue(md, LinkedHashMap.class);
    JsonNode rebuiltFrom = n.get("rebuiltFrom");
    return new Manifest(dataset, version, Manifest.Kind.DATA, createdAt, format.text("name"),
        (int) format.longValue("version"), format.text("codec"), files, raw, schema,
        f.longValue("rowCount"), f.nullableLong("minTime"), f.nullableLong("maxTime"),
        f.bool("timeSorted"), metadata, (int) f.longValue("generation"),
        rebuiltFrom == null || rebuiltFrom.isNull() ? null : rebuiltFrom.asText(), null);
  }

  /** Typed access to a manifest's fields, with messages naming the file and field. */
  private static final class Fields {
    private final JsonNode node;
    private final String file;

    Fields(JsonNode node, String file) {
      if (node == null || !node.isObject()) {
        throw new CorruptDataException("manifest " + file + " holds " + node
            + " where an object belongs; restore it from a backup or delete the dataset");
      }
      this.node = node;
      this.file = file;
    }

    CorruptDataException corrupt(String field, String what) {
      return new CorruptDataException("manifest " + file + ": field '" + field + "' " + what
          + "; restore it from a backup or delete the dataset");
    }

    String text(String field) {
      JsonNode v = node.get(field);
      if (v == null || !v.isTextual()) {
        throw corrupt(field, "is missing or not a string");
      }
      return v.asText();
    }

    long longValue(String field) {
      JsonNode v = node.get(field);
      if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
        throw corrupt(field, "is missing or not an integer");
      }
      return v.asLong();
    }

    Long nullableLong(String field) {
      JsonNode v = node.get(field);
      if (v == null) {
        throw corrupt(field, "is missing");
      }
      return v.isNull() ? null : longValue(field);
    }

    boolean bool(String field) {
      JsonNode v = node.get(field);
      if (v == null || !v.isBoolean()) {
        throw corrupt(field, "is missing or not a boolean");
      }
      return v.asBoolean();
    }

    Instant instant(String field) {
      String s = text(field);
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw corrupt(field, "is not an ISO-8601 instant: '" + s + "'");
      }
    }

    Fields object(String field) {
      JsonNode v = node.get(field);
      if (v == null || !v.isObject()) {
        throw corrupt(field, "is missing or not an object");
      }
      return new Fields(v, file);
    }
  }
}
