package org.optstore.format.hdf5;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optstore.SchemaException;

/**
 * Decodes the small pickled attributes that pandas and PyTables keep in HDF5 files (column lists such
 * as {@code values_block_0_kind}, {@code non_index_axes}, {@code info}) without running any of
 * pickle's object machinery.
 *
 * <p>Only data opcodes are accepted: marks, lists, tuples, dicts, text and byte strings, integers,
 * floats, booleans, {@code None}, the memo and framing. Every opcode that looks up a class, calls a
 * function or builds an object ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code REDUCE}, {@code BUILD},
 * {@code INST}, {@code OBJ}, {@code NEWOBJ}, extension codes, persistent ids, sets, out-of-band
 * buffers) is refused with a {@link SchemaException}; nothing is ever constructed from a name found in
 * the input.
 *
 * <p>Results: Python lists become mutable {@link ArrayList}s, tuples unmodifiable lists, dicts
 * {@link LinkedHashMap}s, {@code str} a {@link String}, {@code bytes} a {@code byte[]}, ints a
 * {@link Long} (a {@link BigInteger} when they do not fit), floats a {@link Double}, booleans a
 * {@link Boolean} and {@code None} {@code null}. Instances are not thread-safe; {@link #decode} is.
 */
final class PickleDataDecoder {

  /** Attributes are small; this bounds the work done on a hostile file. */
  static final int MAX_INPUT_BYTES = 16 << 20;

  private static final Object MARK = new Object() {
    @Override
    public String toString() {
      return "MARK";
    }
  };

  private final byte[] in;
  private final String source;
  private int pos;
  private final ArrayList<Object> stack = new ArrayList<>();
  private final ArrayList<Integer> marks = new ArrayList<>();
  private final Map<Long, Object> memo = new HashMap<>();

  private PickleDataDecoder(byte[] in, String source) {
    this.in = in;
    this.source = source;
  }

  /**
   * Decodes one pickle.
   *
   * @param pickle the pickled bytes (protocol 0 to 5)
   * @param source what the bytes are, for error messages (file and attribute name)
   * @return the decoded value, see the class comment for the mapping
   * @throws SchemaException if the pickle is malformed or uses an opcode that is not data-only
   */
  static Object decode(byte[] pickle, String source) {
    if (pickle.length > MAX_INPUT_BYTES) {
      throw new SchemaException(source + ": pickled attribute of " + pickle.length
          + " bytes exceeds the limit of " + MAX_INPUT_BYTES + " bytes; it is not a pandas/PyTables metadata attribute");
    }
    return new PickleDataDecoder(pickle, source).run();
  }

  private Object run() {
    while (pos < in.length) {
      int at = pos;
      int op = in[pos++] & 0xff;
      switch (op) {
        case '(' -> {
          marks.add(stack.size());
          stack.add(MARK);
        }
        case '.' -> {
          if (stack.size() != 1 || !marks.isEmpty()) {
            throw malformed(at, "STOP with " + stack.size() + " values on the stack");
          }
          return stack.get(0);
        }
        case '0' -> pop(at);
        case '1' -> popToMark(at);
        case '2' -> push(peek(at));
        case 'F' -> push(parseFloat(readLine(at), at));
        case 'I' -> push(parseInt(readLine(at), at));
        case 'J' -> push((long) readIntLe(4, at));
        case 'K' -> push((long) readUnsigned(1, at));
        case 'M' -> push((long) readUnsigned(2, at));
        case 'L' -> push(parseLong(readLine(at), at));
        case 'N' -> push(null);
        case 'S' -> push(parseQuotedString(readLine(at), at));
        case 'T' -> push(latin1(readBytes(readLength(4, at), at)));
        case 'U' -> push(latin1(readBytes(readUnsigned(1, at), at)));
        case 'V' -> push(rawUnicodeEscape(readLine(at), at));
        case 'X' -> push(utf8(readBytes(readLength(4, at), at)));
        case 'B' -> push(readBytes(readLength(4, at), at));
        case 'C' -> push(readBytes(readUnsigned(1, at), at));
        case 0x8c -> push(utf8(readBytes(readUnsigned(1, at), at)));
        case 0x8d -> push(utf8(readBytes(readLength(8, at), at)));
        case 0x8e -> push(readBytes(readLength(8, at), at));
        case 'G' -> push(Double.longBitsToDouble(readLongBe(at)));
        case ']' -> push(new ArrayList<>());
        case ')' -> push(Collections.unmodifiableList(new ArrayList<>()));
        case '}' -> push(new LinkedHashMap<>());
        case 'l' -> push(new ArrayList<>(popToMark(at)));
        case 't' -> push(Collections.unmodifiableList(new ArrayList<>(popToMark(at))));
        case 'd' -> {
          List<Object> items = popToMark(at);
          Map<Object, Object> map = new LinkedHashMap<>();
          putPairs(map, items, at);
          push(map);
        }
        case 'a' -> {
          Object value = pop(at);
          list(peek(at), at).add(value);
        }
        case 'e' -> {
          List<Object> items = popToMark(at);
          list(peek(at), at).addAll(items);
        }
        case 's' -> {
          Object value = pop(at);
          Object key = pop(at);
          dict(peek(at), at).put(key, value);
        }
        case 'u' -> {
          List<Object> items = popToMark(at);
          putPairs(dict(peek(at), at), items, at);
        }
        case 0x85 -> push(tuple(1, at));
        case 0x86 -> push(tuple(2, at));
        case 0x87 -> push(tuple(3, at));
        case 0x88 -> push(Boolean.TRUE);
        case 0x89 -> push(Boolean.FALSE);
        case 0x8a -> push(twosComplement(readBytes(readUnsigned(1, at), at)));
        case 0x8b -> push(twosComplement(readBytes(readLength(4, at), at)));
        case 'p' -> memo.put(parseMemoIndex(readLine(at), at), peek(at));
        case 'q' -> memo.put((long) readUnsigned(1, at), peek(at));
        case 'r' -> memo.put(readUnsigned(4, at), peek(at));
        case 0x94 -> memo.put((long) memo.size(), peek(at));
        case 'g' -> push(memoGet(parseMemoIndex(readLine(at), at), at));
        case 'h' -> push(memoGet(readUnsigned(1, at), at));
        case 'j' -> push(memoGet(readUnsigned(4, at), at));
        case 0x80 -> {
          int protocol = (int) readUnsigned(1, at);
          if (protocol > 5) {
            throw malformed(at, "unsupported pickle protocol " + protocol);
          }
        }
        case 0x95 -> readUnsigned(8, at); // frame length: a hint only, the content follows inline
        default -> throw refused(at, op);
      }
    }
    throw malformed(pos, "missing STOP opcode");
  }

  // ---- stack ----

  private void push(Object value) {
    stack.add(value);
  }

  private Object pop(int at) {
    if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
      throw malformed(at, "stack underflow");
    }
    return stack.remove(stack.size() - 1);
  }

  private Object peek(int at) {
    if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
      throw malformed(at, "stack underflow");
    }
    return stack.get(stack.size() - 1);
  }

  private List<Object> popToMark(int at) {
    if (marks.isEmpty()) {
      throw malformed(at, "no MARK on the stack");
    }
    int mark = marks.remove(marks.size() - 1);
    List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
    stack.subList(mark, stack.size()).clear();
    return items;
  }

  private List<Object> tuple(int n, int at) {
    Object[] items = new Object[n];
    for (int i = n - 1; i >= 0; i--) {
      items[i] = pop(at);
    }
    return Collections.unmodifiableList(Arrays.asList(items));
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object target, int at) {
    if (target instanceof ArrayList<?>) {
      return (List<Object>) target;
    }
    throw malformed(at, "APPEND to a " + typeName(target) + ", not a list");
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict(Object target, int at) {
    if (target instanceof LinkedHashMap<?, ?>) {
      return (Map<Object, Object>) target;
    }
    throw malformed(at, "SETITEM on a " + typeName(target) + ", not a dict");
  }

  private void putPairs(Map<Object, Object> map, List<Object> items, int at) {
    if (items.size() % 2 != 0) {
      throw malformed(at, "odd number of items for a dict");
    }
    for (int i = 0; i < items.size(); i += 2) {
      map.put(items.get(i), items.get(i + 1));
    }
  }

  private Object memoGet(long index, int at) {
    if (!memo.containsKey(index)) {
      throw malformed(at, "memo index " + index + " was never stored");
    }
    return memo.get(index);
  }

  // ---- reading ----

  private byte[] readLine(int at) {
    int start = pos;
    while (pos < in.length && in[pos] != '\n') {
      pos++;
    }
    if (pos >= in.length) {
      throw malformed(at, "unterminated text argument");
    }
    byte[] line = Arrays.copyOfRange(in, start, pos);
    pos++;
    return line;
  }

  private byte[] readBytes(long n, int at) {
    if (n < 0 || n > in.length - pos) {
      throw malformed(at, "length " + n + " runs past the end of the data");
    }
    byte[] out = Arrays.copyOfRange(in, pos, pos + (int) n);
    pos += (int) n;
    return out;
  }

  private long readUnsigned(int n, int at) {
    if (n > in.length - pos) {
      throw malformed(at, "truncated argument");
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      v |= (long) (in[pos + i] & 0xff) << (8 * i);
    }
    pos += n;
    if (v < 0) {
      throw malformed(at, "argument out of range");
    }
    return v;
  }

  private long readLength(int n, int at) {
    return readUnsigned(n, at);
  }

  private int readIntLe(int n, int at) {
    return (int) readUnsigned(n, at);
  }

  private long readLongBe(int at) {
    if (8 > in.length - pos) {
      throw malformed(at, "truncated BINFLOAT");
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (in[pos + i] & 0xff);
    }
    pos += 8;
    return v;
  }

  // ---- text arguments ----

  private Object parseInt(byte[] line, int at) {
    String s = ascii(line, at).trim();
    if (s.equals("00")) {
      return Boolean.FALSE;
    }
    if (s.equals("01")) {
      return Boolean.TRUE;
    }
    return narrow(parseBig(s, at));
  }

  private Object parseLong(byte[] line, int at) {
    String s = ascii(line, at).trim();
    if (s.endsWith("L")) {
      s = s.substring(0, s.length() - 1);
    }
    return narrow(parseBig(s, at));
  }

  private BigInteger parseBig(String s, int at) {
    try {
      return new BigInteger(s);
    } catch (NumberFormatException e) {
      throw malformed(at, "bad integer '" + shorten(s) + "'");
    }
  }

  private Double parseFloat(byte[] line, int at) {
    String s = ascii(line, at).trim();
    switch (s) {
      case "nan", "-nan" -> {
        return Double.NaN;
      }
      case "inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        try {
          return Double.valueOf(s);
        } catch (NumberFormatException e) {
          throw malformed(at, "bad float '" + shorten(s) + "'");
        }
      }
    }
  }

  private long parseMemoIndex(byte[] line, int at) {
    BigInteger v = parseBig(ascii(line, at).trim(), at);
    if (v.signum() < 0 || v.bitLength() > 62) {
      throw malformed(at, "bad memo index " + v);
    }
    return v.longValue();
  }

  /** Protocol 0 {@code STRING}: a Python repr of a byte string, quoted, with backslash escapes. */
  private String parseQuotedString(byte[] line, int at) {
    int n = line.length;
    if (n < 2 || (line[0] != '\'' && line[0] != '"') || line[n - 1] != line[0]) {
      throw malformed(at, "STRING argument is not quoted");
    }
    StringBuilder sb = new StringBuilder(n);
    for (int i = 1; i < n - 1; i++) {
      char c = (char) (line[i] & 0xff);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (++i >= n - 1) {
        throw malformed(at, "dangling backslash in STRING");
      }
      char e = (char) (line[i] & 0xff);
      switch (e) {
        case '\\', '\'', '"' -> sb.append(e);
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'a' -> sb.append('\u0007');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'v' -> sb.append('\u000b');
        case 'x' -> {
          if (i + 2 > n - 2) {
            throw malformed(at, "short \\x escape in STRING");
          }
          sb.append((char) hex(line, i + 1, 2, at));
          i += 2;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int v = 0;
            int k = 0;
            while (k < 3 && i < n - 1 && line[i] >= '0' && line[i] <= '7') {
              v = v * 8 + (line[i] - '0');
              i++;
              k++;
            }
            i--;
            sb.append((char) (v & 0xff));
          } else {
            sb.append('\\').append(e);
          }
        }
      }
    }
    return sb.toString();
  }

  /** Protocol 0 {@code UNICODE}: Latin-1 text where only {@code \\uXXXX} and {@code \\UXXXXXXXX} are escapes. */
  private String rawUnicodeEscape(byte[] line, int at) {
    StringBuilder sb = new StringBuilder(line.length);
    int i = 0;
    while (i < line.length) {
      int c = line[i] & 0xff;
      if (c == '\\' && i + 1 < line.length && (line[i + 1] == 'u' || line[i + 1] == 'U')) {
        int digits = line[i + 1] == 'u' ? 4 : 8;
        if (i + 2 + digits > line.length) {
          throw malformed(at, "truncated \\u escape in UNICODE");
        }
        long cp = hex(line, i + 2, digits, at);
        if (cp > Character.MAX_CODE_POINT) {
          throw malformed(at, "code point " + cp + " out of range in UNICODE");
        }
        sb.appendCodePoint((int) cp);
        i += 2 + digits;
      } else {
        sb.append((char) c);
        i++;
      }
    }
    return sb.toString();
  }

  private long hex(byte[] b, int from, int digits, int at) {
    long v = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(b[from + k] & 0xff, 16);
      if (d < 0) {
        throw malformed(at, "bad hex digit in escape");
      }
      v = v * 16 + d;
    }
    return v;
  }

  private static Object twosComplement(byte[] littleEndian) {
    if (littleEndian.length == 0) {
      return 0L;
    }
    byte[] be = new byte[littleEndian.length];
    for (int i = 0; i < be.length; i++) {
      be[i] = littleEndian[littleEndian.length - 1 - i];
    }
    return narrow(new BigInteger(be));
  }

  private static Object narrow(BigInteger v) {
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  private String ascii(byte[] line, int at) {
    for (byte b : line) {
      if (b < 0 || (b < 0x20 && b != '\t' && b != '\r')) {
        throw malformed(at, "non-ASCII text argument");
      }
    }
    return new String(line, StandardCharsets.US_ASCII);
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static String typeName(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof List<?>) {
      return "tuple";
    }
    return o.getClass().getSimpleName();
  }

  // ---- errors ----

  private SchemaException malformed(int at, String what) {
    return new SchemaException(source + ": malformed pickle at byte " + at + ": " + what
        + "; the attribute is not a pandas/PyTables metadata pickle, re-export the data with pandas to_hdf(format='table')");
  }

  private SchemaException refused(int at, int op) {
    return new SchemaException(source + ": pickle opcode " + opcodeName(op) + " (0x" + Integer.toHexString(op)
        + ") at byte " + at + " is refused: only data-only pickles (lists, tuples, dicts, strings, numbers) are decoded, "
        + "never objects, classes or functions; re-export the data with pandas to_hdf(format='table') and plain column names");
  }

  private static String opcodeName(int op) {
    return switch (op) {
      case 'c' -> "GLOBAL";
      case 0x93 -> "STACK_GLOBAL";
      case 'R' -> "REDUCE";
      case 'b' -> "BUILD";
      case 'i' -> "INST";
      case 'o' -> "OBJ";
      case 0x81 -> "NEWOBJ";
      case 0x92 -> "NEWOBJ_EX";
      case 0x82, 0x83, 0x84 -> "EXT";
      case 'P', 'Q' -> "PERSID";
      case 0x8f -> "EMPTY_SET";
      case 0x90 -> "ADDITEMS";
      case 0x91 -> "FROZENSET";
      case 0x96 -> "BYTEARRAY8";
      case 0x97 -> "NEXT_BUFFER";
      case 0x98 -> "READONLY_BUFFER";
      default -> "unknown";
    };
  }
}
