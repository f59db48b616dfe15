package org.optstore.core.catalog;

import com.google.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.optstore.InvalidArgumentException;

/**
 * The rule that turns a dataset or item name into a file name (documented in {@code DataStore}'s
 * Javadoc): a name is 1 to 200 characters of valid Unicode (no unpaired surrogates) without control
 * characters (U+0000 to U+001F, U+007F to U+009F); every character outside {@code [A-Za-z0-9_-]} is
 * written as {@code %XX} for each of its UTF-8 bytes (upper-case hex). So no name reaches outside
 * the base path ({@code "../x"} becomes {@code %2E%2E%2Fx}) and distinct names never share a file.
 *
 * <p>File systems limit a name to 255 bytes, which 200 non-ASCII characters exceed once encoded. An
 * encoding longer than {@value #MAX_ENCODED_LENGTH} characters is therefore shortened to its first
 * {@value #KEPT_PREFIX} characters (never cutting an escape), {@code ~}, and the 64 hex digits of
 * the SHA-256 of the name's UTF-8 bytes; {@code ~} never occurs in a plain encoding, and the
 * manifests inside keep the full name.
 */
public final class DatasetNames {
  /** The longest name accepted, in UTF-16 characters. */
  public static final int MAX_LENGTH = 200;
  /** The longest encoding used as is. */
  public static final int MAX_ENCODED_LENGTH = 240;
  /** The characters of a long encoding kept before its hash. */
  public static final int KEPT_PREFIX = 160;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private DatasetNames() {}

  /**
   * @param name a dataset or item name
   * @param what "dataset" or "item", for messages
   * @return the file-system-safe encoding
   * @throws InvalidArgumentException when the name breaks the rule, naming why
   */
  public static String encode(String name, String what) {
    byte[] utf8 = validate(name, what);
    StringBuilder sb = new StringBuilder(utf8.length * 3);
    for (byte b : utf8) {
      int c = b & 0xFF;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
          || c == '-') {
        sb.append((char) c);
      } else {
        sb.append('%').append(HEX[c >>> 4]).append(HEX[c & 15]);
      }
    }
    if (sb.length() <= MAX_ENCODED_LENGTH) {
      return sb.toString();
    }
    int cut = KEPT_PREFIX;
    int pct = sb.lastIndexOf("%", cut - 1);
    if (pct >= 0 && pct > cut - 3) {
      cut = pct;
    }
    return sb.substring(0, cut) + "~" + Hashing.sha256().hashBytes(utf8);
  }

  /**
   * @param name a dataset name
   * @return its encoding
   */
  public static String encode(String name) {
    return encode(name, "dataset");
  }

  /**
   * Decodes a plain encoding (one without a hash suffix).
   *
   * @param encoded an encoding made by {@link #encode}
   * @return the name, or null when the encoding is hashed or not one this class makes
   */
  public static String decode(String encoded) {
    if (encoded.isEmpty() || encoded.indexOf('~') >= 0) {
      return null;
    }
    ByteBuffer out = ByteBuffer.allocate(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length()) {
          return null;
        }
        int hi = Character.digit(encoded.charAt(i + 1), 16);
        int lo = Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.put((byte) (hi << 4 | lo));
        i += 2;
      } else {
        out.put((byte) c);
      }
    }
    out.flip();
    try {
      String name = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(out).toString();
      return encoded.equals(encode(name)) ? name : null;
    } catch (CharacterCodingException | InvalidArgumentException e) {
      return null;
    }
  }

  private static byte[] validate(String name, String what) {
    if (name == null) {
      throw new InvalidArgumentException(what + " name must not be null");
    }
    if (name.isEmpty() || name.length() > MAX_LENGTH) {
      throw new InvalidArgumentException(what + " name of " + name.length()
          + " characters is not allowed: a name has 1 to " + MAX_LENGTH + " characters"
          + (name.isEmpty() ? "" : " (it starts with '" + printable(name, 40) + "')"));
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x1F || (c >= 0x7F && c <= 0x9F)) {
        throw new InvalidArgumentException(what + " name '" + printable(name, 80)
            + "' contains the control character U+" + String.format("%04X", (int) c)
            + " at index " + i + "; use printable characters");
      }
    }
    CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      ByteBuffer b = enc.encode(CharBuffer.wrap(name));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new InvalidArgumentException(what + " name '" + printable(name, 80)
          + "' is not valid Unicode (it holds an unpaired surrogate); use well-formed strings");
    }
  }

  private static String printable(String s, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < max; i++) {
      char c = s.charAt(i);
      sb.append(c <= 0x1F || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate(c) ? '?' : c);
    }
    return s.length() > max ? sb + "..." : sb.toString();
  }
}
