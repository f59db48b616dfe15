package org.optstore.format.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The integrity record a file of this format carries in its own footer, so that it defends itself
 * even when no manifest checksums are at hand (a file copied out of a store, a recovery).
 *
 * <p>The footer's key-value metadata holds {@value #KEY}:
 * {@code optstore-integrity-v1:FOOTER:TAILOFFSET:INDEXES:N:HEADERS...}: CRC32C of the footer with
 * the footer length and magic (computed while the first three fields are all {@code 0}), the
 * offset where the page indexes start, CRC32C of the page indexes, the number of column chunks and
 * a CRC32C of the page headers of each chunk (row group major, eight hex digits each). The writer
 * writes the first three fields as zeros, then patches them in place once the file is complete.
 * The reader finds the record in the raw footer bytes and checks the footer and indexes before
 * parsing them, and a chunk's page headers before using them.
 */
final class FileIntegrity {
  static final String KEY = "optstore.integrity";
  private static final String MARKER = "optstore-integrity-v1:";
  private static final String ZEROS = "00000000:0000000000000000:00000000:";
  private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);
  private static final int PATCHED = ZEROS.length();
  private static final int MAX_CHUNKS = 10_000_000;

  /** What a verified record says: where the indexes start, and each chunk's header checksum. */
  record Record(long indexesOffset, int[] headerCrcs) {}

  /** The record as first written: the patched fields zero, the chunks' header checksums final. */
  static String placeholder(int[] headerCrcs) {
    StringBuilder sb = new StringBuilder(MARKER.length() + PATCHED + 12 + 8 * headerCrcs.length);
    sb.append(MARKER).append(ZEROS).append(headerCrcs.length).append(':');
    for (int c : headerCrcs) {
      sb.append(String.format(Locale.ROOT, "%08x", c));
    }
    return sb.toString();
  }

  private FileIntegrity() {}

  /**
   * Patches the placeholder in a finished file. {@code tail} holds the bytes from {@code tailOffset}
   * (where the page indexes start) to the end of the file; it is patched too.
   */
  static void patch(SeekableByteChannel ch, long tailOffset, byte[] tail, int tailLength) throws IOException {
    int footerLen = ByteBuffer.wrap(tail, tailLength - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int footerStart = tailLength - 8 - footerLen;
    int at = indexOf(tail, footerStart, tailLength - 8, MARKER_BYTES);
    if (footerStart < 0 || at < 0) {
      throw new IOException("integrity placeholder not found in the footer just written");
    }
    int footerCrc = crc(tail, footerStart, tailLength);
    int indexesCrc = crc(tail, 0, footerStart);
    String value = String.format(Locale.ROOT, "%08x:%016x:%08x:", footerCrc, tailOffset, indexesCrc);
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    int into = at + MARKER_BYTES.length;
    System.arraycopy(v, 0, tail, into, v.length);
    long end = ch.position();
    ch.position(tailOffset + into);
    ByteBuffer b = ByteBuffer.wrap(v);
    while (b.hasRemaining()) {
      ch.write(b);
    }
    ch.position(end);
  }

  /**
   * Checks the footer and page indexes of a file against its integrity record, before anything
   * parses them.
   *
   * @return the record, or null when the footer has none (a file written by another tool)
   * @throws ParquetFileIndex.CorruptFile on a mismatch or a malformed tail
   */
  static Record verify(FileInput in) throws IOException {
    return verify(in, null);
  }

  /**
   * As {@link #verify(FileInput)}; {@code footerDigest[0]} receives a CRC32C of the footer as
   * stored (with its length and magic), also for files without a record.
   */
  static Record verify(FileInput in, long[] footerDigest) throws IOException {
    long len = in.getLength();
    ByteBuffer last = in.range(len - 8, 8);
    int footerLen = last.getInt(0);
    if (last.get(4) != 'P' || last.get(5) != 'A' || last.get(6) != 'R' || last.get(7) != '1') {
      throw new ParquetFileIndex.CorruptFile(in.path() + " is not a parquet file: it does not end with the magic"
          + " bytes PAR1 (truncated or another format)", null);
    }
    if (footerLen <= 0 || footerLen > len - 12) {
      throw new ParquetFileIndex.CorruptFile(in.path() + " is not a readable parquet file: its footer length "
          + footerLen + " does not fit its " + len + " bytes", null);
    }
    long footerStart = len - 8 - footerLen;
    byte[] footer = new byte[footerLen + 8];
    in.copy(footerStart, footer, 0, footerLen + 8);
    if (footerDigest != null) {
      footerDigest[0] = crc(footer, 0, footer.length) & 0xFFFFFFFFL;
    }
    int at = indexOf(footer, 0, footerLen, MARKER_BYTES);
    if (at < 0) {
      return null;
    }
    int fields = at + MARKER.length();
    // the count ends at the first ':' after the patched fields
    int countEnd = fields + PATCHED;
    while (countEnd < footerLen && footer[countEnd] != ':' && countEnd - fields - PATCHED < 9) {
      countEnd++;
    }
    if (countEnd >= footerLen || footer[countEnd] != ':') {
      throw new ParquetFileIndex.CorruptFile("malformed integrity record in the footer of " + in.path(), null);
    }
    long footerCrc;
    long indexesOffset;
    long indexesCrc;
    int[] headerCrcs;
    try {
      String head = new String(footer, fields, countEnd - fields, StandardCharsets.US_ASCII);
      String[] p = head.split(":", -1);
      if (p.length != 4 || p[0].length() != 8 || p[1].length() != 16 || p[2].length() != 8) {
        throw new NumberFormatException(head);
      }
      footerCrc = Long.parseLong(p[0], 16);
      indexesOffset = Long.parseLong(p[1], 16);
      indexesCrc = Long.parseLong(p[2], 16);
      int chunks = Integer.parseInt(p[3]);
      if (chunks < 0 || chunks > MAX_CHUNKS || countEnd + 1 + 8L * chunks > footerLen) {
        throw new NumberFormatException("chunk count " + chunks);
      }
      headerCrcs = new int[chunks];
      for (int k = 0; k < chunks; k++) {
        headerCrcs[k] = (int) Long.parseLong(new String(footer, countEnd + 1 + 8 * k, 8, StandardCharsets.US_ASCII),
            16);
      }
    } catch (NumberFormatException e) {
      throw new ParquetFileIndex.CorruptFile("malformed integrity record in the footer of " + in.path(), e);
    }
    for (int k = 0; k < PATCHED; k++) {
      byte c = footer[fields + k];
      footer[fields + k] = c == ':' ? c : (byte) '0';
    }
    if (crc(footer, 0, footer.length) != (int) footerCrc) {
      throw new ParquetFileIndex.CorruptFile("checksum mismatch in the footer of " + in.path(), null);
    }
    if (indexesOffset < 4 || indexesOffset > footerStart) {
      throw new ParquetFileIndex.CorruptFile("the page index offset " + indexesOffset + " of " + in.path()
          + " lies outside the file", null);
    }
    if (ParquetFileIndex.crc32c(in, indexesOffset, footerStart - indexesOffset) != (int) indexesCrc) {
      throw new ParquetFileIndex.CorruptFile("checksum mismatch in the page indexes of " + in.path(), null);
    }
    return new Record(indexesOffset, headerCrcs);
  }

  private static int crc(byte[] b, int from, int to) {
    CRC32C c = new CRC32C();
    c.update(b, from, to - from);
    return (int) c.getValue();
  }

  private static int indexOf(byte[] hay, int from, int to, byte[] needle) {
    outer:
    for (int i = Math.max(0, from); i + needle.length <= to; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
