package org.optstore.core.items;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.optstore.CorruptDataException;
import org.optstore.InvalidArgumentException;

/**
 * Encodes an item (a JSON-compatible map) to the bytes stored in the map, and back.
 *
 * <p>Layout ({@link #FORMAT_SMILE_V2}, written since the item store keeps two copies per id): one
 * format byte, a big-endian CRC32C, the big-endian 64-bit generation of the copy, then the item as
 * Smile (Jackson's binary JSON, with its own header). The CRC covers the item id's UTF-16 code
 * units, the format byte, the generation and the Smile bytes, so a flipped bit, a torn write or a
 * value stored under the wrong id is caught on read, and a generation is only trusted when its copy
 * is intact. The older layout {@link #FORMAT_SMILE_V1} (no generation field; its CRC covers the
 * id, the format byte and the Smile bytes) is still read, as generation 0.
 *
 * <p>The encoder walks the value itself rather than handing it to a Jackson {@code ObjectMapper},
 * so that only JSON-compatible types get in (an ObjectMapper would serialise any bean) and the
 * error names the offending key. Numbers are normalised: integral types (and {@link BigInteger}s
 * that fit) become {@code Long}, {@code Float} becomes the {@code Double} of its decimal form,
 * {@link BigInteger} beyond 64 bits and {@link BigDecimal} keep their type.
 */
final class ItemCodec {
  /** The single-copy layout: format, CRC32C, Smile. Read only. */
  static final byte FORMAT_SMILE_V1 = 1;
  /** The layout written: format, CRC32C, generation, Smile. */
  static final byte FORMAT_SMILE_V2 = 2;
  static final int HEADER_BYTES_V1 = 5;
  /** The header this codec writes; the Smile document follows it. */
  static final int HEADER_BYTES = 13;
  private static final int GENERATION_OFFSET = 5;
  /** Smile's own header, the least any item's Smile form holds. */
  private static final int MIN_SMILE_BYTES = 4;
  /** Maps and lists nest fewer levels than this; deeper (or a map containing itself) is refused. */
  static final int MAX_DEPTH = 256;

  private static final SmileFactory SMILE = SmileFactory.builder()
      .enable(SmileGenerator.Feature.CHECK_SHARED_NAMES)
      .enable(SmileGenerator.Feature.CHECK_SHARED_STRING_VALUES)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH + 8)
          .maxNumberLength(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE)
          .maxNameLength(Integer.MAX_VALUE)
          .build())
      .streamWriteConstraints(StreamWriteConstraints.builder()
          .maxNestingDepth(MAX_DEPTH + 8)
          .build())
      .build();

  private static final String ALLOWED = "allowed are String, Boolean, null, Integer, Long, Short,"
      + " Byte, BigInteger, Double, Float, BigDecimal, and List or Map<String, ?> of them";

  private ItemCodec() {}

  /**
   * @param id the item id (already validated), part of the checksum
   * @param item the item
   * @return the stored form, of generation 0 (set the real one with {@link #setGeneration})
   * @throws InvalidArgumentException for a value that is not JSON-compatible, naming the id and key
   */
  static byte[] encode(String id, Map<String, ?> item) {
    if (item == null) {
      throw new InvalidArgumentException("item '" + id + "' is null; pass a map (it may be empty)");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.write(new byte[HEADER_BYTES], 0, HEADER_BYTES);
    try (JsonGenerator g = SMILE.createGenerator(out)) {
      writeMap(g, id, item, new Trail(), 0);
    } catch (IOException e) {
      // only the generator's own checks (e.g. an unpaired surrogate in a string) land here
      throw new InvalidArgumentException("item '" + id + "' cannot be encoded: " + e.getMessage()
          + "; use valid Unicode strings and " + ALLOWED, e);
    }
    byte[] bytes = out.toByteArray();
    bytes[0] = FORMAT_SMILE_V2;
    setGeneration(id, bytes, 0);
    return bytes;
  }

  /**
   * Sets the generation of bytes made by {@link #encode} (in place) and seals them with a new
   * CRC32C.
   *
   * @param id the id the bytes were encoded for
   * @param bytes a stored form made by {@link #encode}
   * @param generation the generation, at least 0
   */
  static void setGeneration(String id, byte[] bytes, long generation) {
    for (int i = 0; i < 8; i++) {
      bytes[GENERATION_OFFSET + i] = (byte) (generation >>> (56 - 8 * i));
    }
    int crc = crc(id, bytes);
    bytes[1] = (byte) (crc >>> 24);
    bytes[2] = (byte) (crc >>> 16);
    bytes[3] = (byte) (crc >>> 8);
    bytes[4] = (byte) crc;
  }

  /**
   * @return the generation the bytes claim (0 for {@link #FORMAT_SMILE_V1}), or -1 when they are
   *     in no known format; trust it only when {@link #isIntact} says so
   */
  static long generation(byte[] bytes) {
    int header = headerBytes(bytes);
    if (header < 0) {
      return -1;
    }
    if (header == HEADER_BYTES_V1) {
      return 0;
    }
    long generation = 0;
    for (int i = 0; i < 8; i++) {
      generation = (generation << 8) | (bytes[GENERATION_OFFSET + i] & 0xff);
    }
    return generation;
  }

  /** @return whether the bytes are in a known format and pass their CRC32C for {@code id} */
  static boolean isIntact(String id, byte[] bytes) {
    int header = headerBytes(bytes);
    return header >= 0 && storedCrc(bytes) == crc(id, bytes);
  }

  /** The header length of the bytes' format, or -1 when the format is unknown or they are short. */
  private static int headerBytes(byte[] bytes) {
    if (bytes.length == 0) {
      return -1;
    }
    int header = bytes[0] == FORMAT_SMILE_V2 ? HEADER_BYTES
        : bytes[0] == FORMAT_SMILE_V1 ? HEADER_BYTES_V1 : -1;
    return header < 0 || bytes.length < header + MIN_SMILE_BYTES ? -1 : header;
  }

  private static int storedCrc(byte[] bytes) {
    return ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8)
        | (bytes[4] & 0xff);
  }

  /**
   * @param id the id the bytes were stored under
   * @param bytes the stored form
   * @param file the map file, named in errors
   * @return the item: an unmodifiable map in the key order it was put with, nested maps and lists
   *     unmodifiable too
   * @throws CorruptDataException when the bytes fail their checksum or do not parse
   */
  static Map<String, Object> decode(String id, byte[] bytes, Path file) {
    int header = headerBytes(bytes);
    if (header < 0) {
      throw new CorruptDataException("item '" + id + "' in " + file + " is not in a known format ("
          + bytes.length + " bytes, format byte " + (bytes.length > 0 ? bytes[0] : -1)
          + "); delete the item and put it again");
    }
    int stored = storedCrc(bytes);
    int actual = crc(id, bytes);
    if (stored != actual) {
      throw new CorruptDataException("item '" + id + "' in " + file + " fails its CRC32C (stored "
          + Integer.toHexString(stored) + ", computed " + Integer.toHexString(actual)
          + "); the bytes are damaged: delete the item and put it again");
    }
    try (JsonParser p = SMILE.createParser(bytes, header, bytes.length - header)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new IOException("expected an object, found " + first);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> item = (Map<String, Object>) read(p, first);
      if (p.nextToken() != null) {
        throw new IOException("trailing data after the item");
      }
      return item;
    } catch (IOException | RuntimeException e) {
      throw new CorruptDataException("item '" + id + "' in " + file + " passed its checksum but"
          + " does not parse (" + e.getMessage() + "); delete the item and put it again", e);
    }
  }

  /**
   * The CRC32C of the id's UTF-16 code units, the format byte and everything after the CRC field
   * (the generation, if the format has one, and the Smile bytes).
   */
  private static int crc(String id, byte[] bytes) {
    CRC32C crc = new CRC32C();
    byte[] units = new byte[id.length() * 2];
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      units[2 * i] = (byte) (c >>> 8);
      units[2 * i + 1] = (byte) c;
    }
    crc.update(units, 0, units.length);
    crc.update(bytes, 0, 1);
    crc.update(bytes, HEADER_BYTES_V1, bytes.length - HEADER_BYTES_V1);
    return (int) crc.getValue();
  }

  /**
   * Where the walk is, for error messages only: the key or list index at each level, so that the
   * happy path builds no path strings.
   */
  private static final class Trail {
    final String[] keys = new String[MAX_DEPTH + 2];
    final int[] indexes = new int[MAX_DEPTH + 2];

    /** The JSON Pointer (RFC 6901) of the value at {@code depth}. */
    String pointer(int depth) {
      if (depth == 0) {
        return "the top level";
      }
      StringBuilder b = new StringBuilder();
      for (int i = 1; i <= depth && b.length() < 160; i++) {
        b.append('/');
        b.append(keys[i] != null ? keys[i].replace("~", "~0").replace("/", "~1")
            : Integer.toString(indexes[i]));
      }
      return b.length() >= 160 ? b.substring(0, 160) + "..." : b.toString();
    }

    /** The nearest map key at or above {@code depth}. */
    String key(int depth) {
      for (int i = depth; i > 0; i--) {
        if (keys[i] != null) {
          return keys[i];
        }
      }
      return "";
    }
  }

  private static void writeMap(JsonGenerator g, String id, Map<?, ?> map, Trail trail, int depth)
      throws IOException {
    checkDepth(id, trail, depth);
    g.writeStartObject();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object key = e.getKey();
      if (!(key instanceof String)) {
        throw new InvalidArgumentException("item '" + id + "' has a key that is "
            + (key == null ? "null" : "a " + key.getClass().getName() + " (" + key + ")")
            + " in the map at " + trail.pointer(depth) + "; map keys must be non-null Strings");
      }
      String name = (String) key;
      g.writeFieldName(name);
      trail.keys[depth + 1] = name;
      writeValue(g, id, e.getValue(), trail, depth + 1);
    }
    g.writeEndObject();
  }

  private static void writeValue(JsonGenerator g, String id, Object v, Trail trail, int depth)
      throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String) {
      g.writeString((String) v);
    } else if (v instanceof Boolean) {
      g.writeBoolean((Boolean) v);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short
        || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double) {
      g.writeNumber((double) (Double) v);
    } else if (v instanceof Float) {
      g.writeNumber(Double.parseDouble(Float.toString((Float) v)));
    } else if (v instanceof BigInteger) {
      BigInteger b = (BigInteger) v;
      if (b.bitLength() < 64) {
        g.writeNumber(b.longValue());
      } else {
        g.writeNumber(b);
      }
    } else if (v instanceof BigDecimal) {
      g.writeNumber((BigDecimal) v);
    } else if (v instanceof Map) {
      writeMap(g, id, (Map<?, ?>) v, trail, depth);
    } else if (v instanceof List) {
      checkDepth(id, trail, depth);
      g.writeStartArray();
      int i = 0;
      for (Object element : (List<?>) v) {
        trail.keys[depth + 1] = null;
        trail.indexes[depth + 1] = i++;
        writeValue(g, id, element, trail, depth + 1);
      }
      g.writeEndArray();
    } else {
      throw new InvalidArgumentException("item '" + id + "' has a value of type "
          + v.getClass().getName() + " at key '" + trail.key(depth) + "' ("
          + trail.pointer(depth) + "), which is not JSON-compatible; " + ALLOWED
          + " (convert times to ISO-8601 strings, arrays and sets to Lists)");
    }
  }

  private static void checkDepth(String id, Trail trail, int depth) {
    if (depth >= MAX_DEPTH) {
      throw new InvalidArgumentException("item '" + id + "' nests maps and lists " + MAX_DEPTH
          + " levels deep (at " + trail.pointer(depth) + "); the limit is " + MAX_DEPTH
          + " levels. Does a map or list contain itself?");
    }
  }

  private static Object read(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken n = p.nextToken(); n != JsonToken.END_OBJECT; n = p.nextToken()) {
          if (n != JsonToken.FIELD_NAME) {
            throw new IOException("expected a key, found " + n);
          }
          String name = p.currentName();
          map.put(name, read(p, p.nextToken()));
        }
        return Collections.unmodifiableMap(map);
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
          list.add(read(p, n));
        }
        return Collections.unmodifiableList(list);
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? p.getBigIntegerValue() : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
            ? p.getDecimalValue() : (Object) p.getDoubleValue();
      default:
        throw new IOException("unexpected token " + t);
    }
  }
}
