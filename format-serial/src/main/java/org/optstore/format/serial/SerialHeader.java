package org.optstore.format.serial;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.Field;
import org.optstore.FormatUnavailableException;
import org.optstore.Schema;

/**
 * The header at offset 0: magic, layout version, header length, block rows, the schema with its
 * time column, and a CRC32C of all of it.
 *
 * @param schema the file's schema
 * @param blockRows rows per checksummed block
 * @param length the header's length in bytes, CRC included (before padding)
 * @param crc the header's CRC32C
 */
record SerialHeader(Schema schema, int blockRows, int length, int crc) {

  /** The header's bytes, zero-padded to the alignment. */
  static byte[] encode(Schema schema, int blockRows) {
    List<byte[]> names = new ArrayList<>();
    int len = SerialLayout.HEADER_FIXED;
    for (Field f : schema.fields()) {
      byte[] n = f.name().getBytes(StandardCharsets.UTF_8);
      names.add(n);
      len += 3 + n.length;
    }
    len += 4;
    ByteBuffer b = ByteBuffer.allocate((int) SerialLayout.align(len)).order(SerialLayout.ORDER);
    b.put(SerialLayout.MAGIC);
    b.putInt(SerialLayout.VERSION);
    b.putInt(len);
    b.putInt(blockRows);
    b.putInt(schema.size());
    b.putInt(schema.timeColumnIndex());
    b.putInt(0); // flags, reserved
    for (int i = 0; i < schema.size(); i++) {
      b.put(SerialLayout.typeCode(schema.field(i).type()));
      b.putShort((short) names.get(i).length);
      b.put(names.get(i));
    }
    b.putInt(SerialLayout.crc(b.array(), 0, len - 4));
    return b.array();
  }

  /** The version field of a header whose magic was checked, refusing newer layouts by name. */
  static void checkVersion(ByteBuffer first, String file) {
    int version = first.getInt(8);
    if (version > SerialLayout.VERSION) {
      throw new FormatUnavailableException(file + " was written by format 'serial' layout "
          + "version " + version + ", but this build reads versions up to " + SerialLayout.VERSION
          + "; upgrade optstore's format-serial to read it");
    }
    if (version < 1) {
      throw new CorruptDataException(file + " declares layout version " + version
          + " in its header; the file is damaged");
    }
  }

  static boolean hasMagic(ByteBuffer first) {
    if (first.limit() < SerialLayout.MAGIC.length) {
      return false;
    }
    byte[] m = new byte[SerialLayout.MAGIC.length];
    first.get(0, m);
    return Arrays.equals(m, SerialLayout.MAGIC);
  }

  /** The header length field (not yet checked). */
  static int declaredLength(ByteBuffer first) {
    return first.getInt(12);
  }

  /**
   * Checks the CRC32C at the end of a header (every layout version ends its header so).
   *
   * @param b the header bytes, at least {@link #declaredLength} of them
   * @param file the file, for messages
   * @return the CRC
   */
  static int checkCrc(ByteBuffer b, String file) {
    int len = declaredLength(b);
    int stored = b.getInt(len - 4);
    byte[] bytes = new byte[len - 4];
    b.get(0, bytes);
    int crc = SerialLayout.crc(bytes, 0, bytes.length);
    if (crc != stored) {
      throw new CorruptDataException("header of " + file + " fails its checksum (CRC32C "
          + SerialLayout.hex(crc) + ", stored " + SerialLayout.hex(stored)
          + "); the file is damaged: rebuild it from the raw copy");
    }
    return crc;
  }

  /**
   * Decodes a header whose bytes are all in {@code b} (position 0), after checking its CRC.
   *
   * @param b the header bytes, at least {@link #declaredLength} of them
   * @param file the file, for messages
   * @return the header
   */
  static SerialHeader decode(ByteBuffer b, String file) {
    int len = declaredLength(b);
    int crc = checkCrc(b, file);
    int blockRows = b.getInt(16);
    int n = b.getInt(20);
    int time = b.getInt(24);
    if (blockRows < SerialLayout.MIN_BLOCK_ROWS || blockRows > SerialLayout.MAX_BLOCK_ROWS
        || blockRows % 64 != 0 || n < 0 || n > (len - SerialLayout.HEADER_FIXED) / 3
        || time < -1 || time >= n) {
      throw inconsistent(file, "block rows " + blockRows + ", " + n + " columns, time column "
          + time);
    }
    List<Field> fields = new ArrayList<>(n);
    int p = SerialLayout.HEADER_FIXED;
    try {
      for (int i = 0; i < n; i++) {
        int code = b.get(p);
        int nameLen = Short.toUnsignedInt(b.getShort(p + 1));
        if (p + 3 + nameLen > len - 4) {
          throw inconsistent(file, "column " + i + " runs past the header");
        }
        byte[] name = new byte[nameLen];
        b.get(p + 3, name);
        fields.add(Field.of(new String(name, StandardCharsets.UTF_8),
            SerialLayout.typeOf(code, file)));
        p += 3 + nameLen;
      }
      if (p != len - 4) {
        throw inconsistent(file, "column descriptors end at " + p + ", not at " + (len - 4));
      }
      Schema schema = time < 0 ? Schema.withoutTimeColumn(fields)
          : Schema.of(fields, fields.get(time).name());
      return new SerialHeader(schema, blockRows, len, crc);
    } catch (CorruptDataException e) {
      throw e;
    } catch (DataStoreException e) {
      throw inconsistent(file, e.getMessage());
    }
  }

  private static CorruptDataException inconsistent(String file, String what) {
    return new CorruptDataException("header of " + file + " passes its checksum but is "
        + "inconsistent (" + what + "); the file is damaged: rebuild it from the raw copy");
  }
}
