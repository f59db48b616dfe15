package org.optstore.core.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.optstore.CorruptDataException;
import org.optstore.InvalidArgumentException;

class ItemCodecTest {
  private static final Path FILE = Path.of("/data/items/items.dat");

  private static Map<String, Object> roundTrip(String id, Map<String, ?> item) {
    return ItemCodec.decode(id, ItemCodec.encode(id, item), FILE);
  }

  @Test
  void nestedValuesAndUnicodeRoundTripInKeyOrder() {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("zeta", "last key first");
    item.put("name", "Zürich – 東京 – \uD83D\uDE80 – مرحبا");
    item.put("", "empty key");
    item.put("nothing", null);
    item.put("flags", List.of(true, false));
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("prices", Arrays.asList(1.5, -0.0, null, 1e300));
    inner.put("deeper", Map.of("k/with~slash", List.of(List.of(), Map.of())));
    item.put("inner", inner);
    item.put("a", 1L);

    Map<String, Object> back = roundTrip("item-1", item);

    assertThat(back).isEqualTo(item);
    assertThat(back.keySet()).containsExactly("zeta", "name", "", "nothing", "flags", "inner", "a");
    assertThat(new ArrayList<Object>(((Map<?, ?>) back.get("inner")).keySet()))
        .containsExactly("prices", "deeper");
    assertThat((Double) ((List<?>) ((Map<?, ?>) back.get("inner")).get("prices")).get(1))
        .isEqualTo(-0.0).matches(d -> Double.doubleToRawLongBits(d) == Long.MIN_VALUE);
  }

  @Test
  void numbersAreNormalisedPredictably() {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("int", 7);
    item.put("short", (short) -3);
    item.put("byte", (byte) 5);
    item.put("long", Long.MIN_VALUE);
    item.put("maxLong", Long.MAX_VALUE);
    item.put("smallBig", BigInteger.valueOf(42));
    item.put("hugeBig", new BigInteger("123456789012345678901234567890"));
    item.put("float", 1.1f);
    item.put("double", 0.1 + 0.2);
    item.put("decimal", new BigDecimal("12345678901234567890.123456789000"));
    item.put("nan", Double.NaN);
    item.put("inf", Double.NEGATIVE_INFINITY);

    Map<String, Object> back = roundTrip("n", item);

    assertThat(back.get("int")).isEqualTo(7L);
    assertThat(back.get("short")).isEqualTo(-3L);
    assertThat(back.get("byte")).isEqualTo(5L);
    assertThat(back.get("long")).isEqualTo(Long.MIN_VALUE);
    assertThat(back.get("maxLong")).isEqualTo(Long.MAX_VALUE);
    assertThat(back.get("smallBig")).isEqualTo(42L);
    assertThat(back.get("hugeBig")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(back.get("float")).isEqualTo(1.1d);
    assertThat(back.get("double")).isEqualTo(0.1 + 0.2);
    assertThat(back.get("decimal"))
        .isEqualTo(new BigDecimal("12345678901234567890.123456789000"));
    assertThat(back.get("nan")).isEqualTo(Double.NaN);
    assertThat(back.get("inf")).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  @SuppressWarnings("unchecked")
  void decodedItemsAreUnmodifiable() {
    Map<String, Object> back = roundTrip("x", Map.of("list", List.of(1), "map", Map.of("a", 1)));

    assertThatThrownBy(() -> back.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<Object>) back.get("list")).add(3))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((Map<String, Object>) back.get("map")).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aValueThatIsNotJsonCompatibleIsRefusedNamingIdAndKey() {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("ok", 1);
    item.put("meta", Map.of("tags", List.of("a", Map.of("when", Instant.EPOCH))));

    assertThatThrownBy(() -> ItemCodec.encode("order-7", item))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("'order-7'")
        .hasMessageContaining("java.time.Instant")
        .hasMessageContaining("key 'when'")
        .hasMessageContaining("/meta/tags/1/when");
  }

  @Test
  void otherForeignTypesAreRefusedToo() {
    for (Object bad : new Object[] {new int[] {1}, new String[] {"a"}, Set.of(1), 'c',
        new AtomicLong(3), new Object(), Thread.State.NEW}) {
      assertThatThrownBy(() -> ItemCodec.encode("i", Map.of("v", bad)))
          .as("%s", bad.getClass())
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("'i'")
          .hasMessageContaining("key 'v'")
          .hasMessageContaining(bad.getClass().getName());
    }
  }

  @Test
  void nonStringAndNullKeysAreRefused() {
    Map<Object, Object> numberKey = new HashMap<>();
    numberKey.put(1, "x");
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("nested", numberKey);
    assertThatThrownBy(() -> ItemCodec.encode("k", item))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("'k'")
        .hasMessageContaining("java.lang.Integer")
        .hasMessageContaining("/nested");

    Map<String, Object> nullKey = new HashMap<>();
    nullKey.put(null, 1);
    assertThatThrownBy(() -> ItemCodec.encode("k", nullKey))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("null")
        .hasMessageContaining("the top level");
  }

  @Test
  void aNullItemIsRefused() {
    assertThatThrownBy(() -> ItemCodec.encode("k", null))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'k'");
  }

  @Test
  void aMapThatContainsItselfFailsCleanlyInsteadOfOverflowingTheStack() {
    Map<String, Object> loop = new HashMap<>();
    loop.put("self", loop);
    List<Object> list = new ArrayList<>();
    list.add(list);

    assertThatThrownBy(() -> ItemCodec.encode("cyc", loop))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("'cyc'")
        .hasMessageContaining("contain itself");
    assertThatThrownBy(() -> ItemCodec.encode("cyc", Map.of("l", list)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("contain itself");
  }

  @Test
  void nestingUpToTheLimitIsAccepted() {
    Map<String, Object> item = new LinkedHashMap<>();
    Map<String, Object> at = item;
    for (int depth = 1; depth < ItemCodec.MAX_DEPTH; depth++) {
      Map<String, Object> next = new LinkedHashMap<>();
      at.put("d", next);
      at = next;
    }
    at.put("leaf", "bottom");
    assertThat(roundTrip("deep", item)).isEqualTo(item);

    Map<String, Object> tooDeep = Map.of("d", item);
    assertThatThrownBy(() -> ItemCodec.encode("deep", tooDeep))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(Integer.toString(ItemCodec.MAX_DEPTH));
  }

  @Test
  void anUnpairedSurrogateInAStringIsRefused() {
    assertThatThrownBy(() -> ItemCodec.encode("s", Map.of("v", "bad \uD800 here")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("'s'");
  }

  @Test
  void everyFlippedBitIsDetected() {
    Map<String, Object> item = Map.of("price", 101.25, "symbol", "SYM042", "n", List.of(1, 2, 3));
    byte[] good = ItemCodec.encode("tick", item);
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        int at = i;
        assertThatThrownBy(() -> ItemCodec.decode("tick", bad, FILE))
            .as("byte %d bit %d", at, bit)
            .isInstanceOf(CorruptDataException.class)
            .hasMessageContaining("'tick'")
            .hasMessageContaining(FILE.toString());
      }
    }
  }

  @Test
  void aValueStoredUnderAnotherIdFailsItsChecksum() {
    byte[] bytes = ItemCodec.encode("a", Map.of("v", 1));

    assertThat(ItemCodec.decode("a", bytes, FILE)).isEqualTo(Map.of("v", 1L));
    assertThatThrownBy(() -> ItemCodec.decode("b", bytes, FILE))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("CRC32C");
  }

  @Test
  void truncatedBytesAreCorrupt() {
    byte[] bytes = ItemCodec.encode("a", Map.of("v", "some text"));
    assertThatThrownBy(() -> ItemCodec.decode("a", Arrays.copyOf(bytes, 6), FILE))
        .isInstanceOf(CorruptDataException.class);
    assertThatThrownBy(() -> ItemCodec.decode("a", new byte[0], FILE))
        .isInstanceOf(CorruptDataException.class);
  }

  /** The stored form the single-copy layout wrote: format 1, CRC32C, Smile; no generation. */
  static byte[] singleCopyLayoutBytes(String id, Map<String, Object> item) {
    byte[] current = ItemCodec.encode(id, item);
    byte[] smile = Arrays.copyOfRange(current, ItemCodec.HEADER_BYTES, current.length);
    byte[] old = new byte[5 + smile.length];
    old[0] = 1;
    System.arraycopy(smile, 0, old, 5, smile.length);
    CRC32C crc = new CRC32C();
    for (int i = 0; i < id.length(); i++) {
      crc.update(id.charAt(i) >>> 8);
      crc.update(id.charAt(i));
    }
    crc.update(old, 0, 1);
    crc.update(old, 5, smile.length);
    int value = (int) crc.getValue();
    old[1] = (byte) (value >>> 24);
    old[2] = (byte) (value >>> 16);
    old[3] = (byte) (value >>> 8);
    old[4] = (byte) value;
    return old;
  }

  @Test
  void theGenerationIsSealedIntoTheChecksumAndReadBack() {
    Map<String, Object> item = Map.of("v", 1);
    byte[] bytes = ItemCodec.encode("g", item);
    assertThat(ItemCodec.generation(bytes)).isZero();
    assertThat(ItemCodec.isIntact("g", bytes)).isTrue();

    for (long generation : new long[] {1, 2, 255, 256, 1L << 40, Long.MAX_VALUE}) {
      ItemCodec.setGeneration("g", bytes, generation);
      assertThat(ItemCodec.generation(bytes)).isEqualTo(generation);
      assertThat(ItemCodec.isIntact("g", bytes)).isTrue();
      assertThat(ItemCodec.decode("g", bytes, FILE)).isEqualTo(Map.of("v", 1L));
    }
    // a generation changed without sealing it again is caught like any other damage
    bytes[ItemCodec.HEADER_BYTES - 1] ^= 1;
    assertThat(ItemCodec.isIntact("g", bytes)).isFalse();
    assertThatThrownBy(() -> ItemCodec.decode("g", bytes, FILE))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("CRC32C");
  }

  @Test
  void theSingleCopyFormatIsReadAsGenerationZero() {
    Map<String, Object> item = Map.of("price", 101.25, "symbol", "SYM042", "n", List.of(1, 2));
    byte[] old = singleCopyLayoutBytes("tick", item);

    assertThat(ItemCodec.generation(old)).isZero();
    assertThat(ItemCodec.isIntact("tick", old)).isTrue();
    assertThat(ItemCodec.isIntact("tock", old)).isFalse();
    assertThat(ItemCodec.decode("tick", old, FILE))
        .isEqualTo(Map.of("price", 101.25, "symbol", "SYM042", "n", List.of(1L, 2L)));
    old[old.length - 1] ^= 2;
    assertThat(ItemCodec.isIntact("tick", old)).isFalse();
    assertThatThrownBy(() -> ItemCodec.decode("tick", old, FILE))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("'tick'");
  }

  @Test
  void bytesInNoKnownFormatHaveNoGenerationAndAreNotIntact() {
    byte[] good = ItemCodec.encode("a", Map.of("v", "text"));
    for (byte[] bad : new byte[][] {new byte[0], Arrays.copyOf(good, ItemCodec.HEADER_BYTES + 3),
        withFirst(good, (byte) 0), withFirst(good, (byte) 3), withFirst(good, (byte) -1)}) {
      assertThat(ItemCodec.generation(bad)).isEqualTo(-1);
      assertThat(ItemCodec.isIntact("a", bad)).isFalse();
      assertThatThrownBy(() -> ItemCodec.decode("a", bad, FILE))
          .isInstanceOf(CorruptDataException.class).hasMessageContaining("not in a known format");
    }
  }

  private static byte[] withFirst(byte[] bytes, byte first) {
    byte[] copy = bytes.clone();
    copy[0] = first;
    return copy;
  }
}
