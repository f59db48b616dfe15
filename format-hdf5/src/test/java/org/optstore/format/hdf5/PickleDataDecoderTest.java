package org.optstore.format.hdf5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.optstore.SchemaException;

/**
 * The vectors are CPython 3.11 {@code pickle.dumps} output, written here as hex so the test needs no Python.
 * The sample value is {@code [('a',1), {'k':None,'x':[1.5,True,2**70,-3,-2**63,2**63-1,inf]}, (), (1,),
 * 'é\\n\n', [False,(1,2,3),(1,2),'ü€😀']]}.
 */
class PickleDataDecoderTest {

  private static final String[] SAMPLE_BY_PROTOCOL = {
    "286c70300a2856610a70310a49310a7470320a61286470330a566b0a70340a4e7356780a70350a286c70360a46312e350a614930310a614c313138303539313632303731373431313330333432344c0a61492d330a614c2d393232333337323033363835343737353830384c0a614c393232333337323033363835343737353830374c0a6146696e660a6173612874612849310a7470370a6156e95c75303035636e5c75303030610a70380a61286c70390a4930300a612849310a49320a49330a747031300a612849310a49320a747031310a6156fc5c75323061635c5530303031663630300a7031320a61612e",
    "5d7100282858010000006171014b017471027d71032858010000006b71044e58010000007871055d710628473ff80000000000004930310a4c313138303539313632303731373431313330333432344c0a4afdffffff4c2d393232333337323033363835343737353830384c0a4c393232333337323033363835343737353830374c0a477ff0000000000000657529284b017471075805000000c3a95c6e0a71085d7109284930300a284b014b024b0374710a284b014b0274710b5809000000c3bce282acf09f9880710c65652e",
    "80025d71002858010000006171014b018671027d71032858010000006b71044e58010000007871055d710628473ff8000000000000888a090000000000000000404afdffffff8a0800000000000000808a08ffffffffffffff7f477ff00000000000006575294b018571075805000000c3a95c6e0a71085d710928894b014b024b0387710a4b014b0286710b5809000000c3bce282acf09f9880710c65652e",
    "80035d71002858010000006171014b018671027d71032858010000006b71044e58010000007871055d710628473ff8000000000000888a090000000000000000404afdffffff8a0800000000000000808a08ffffffffffffff7f477ff00000000000006575294b018571075805000000c3a95c6e0a71085d710928894b014b024b0387710a4b014b0286710b5809000000c3bce282acf09f9880710c65652e",
    "80049581000000000000005d94288c0161944b0186947d94288c016b944e8c0178945d9428473ff8000000000000888a090000000000000000404afdffffff8a0800000000000000808a08ffffffffffffff7f477ff00000000000006575294b0185948c05c3a95c6e0a945d9428894b014b024b0387944b014b0286948c09c3bce282acf09f98809465652e",
    "80059581000000000000005d94288c0161944b0186947d94288c016b944e8c0178945d9428473ff8000000000000888a090000000000000000404afdffffff8a0800000000000000808a08ffffffffffffff7f477ff00000000000006575294b0185948c05c3a95c6e0a945d9428894b014b024b0387944b014b0286948c09c3bce282acf09f98809465652e",
  };

  private static Object decodeHex(String hex) {
    return PickleDataDecoder.decode(HexFormat.of().parseHex(hex), "test.h5:/data@attr");
  }

  private static Object decodeText(String text) {
    return PickleDataDecoder.decode(text.getBytes(StandardCharsets.ISO_8859_1), "test.h5:/data@attr");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5})
  void decodesTheSameDataFromEveryProtocol(int protocol) {
    Object v = decodeHex(SAMPLE_BY_PROTOCOL[protocol]);

    Map<Object, Object> dict = new LinkedHashMap<>();
    dict.put("k", null);
    dict.put("x", Arrays.asList(1.5, true, BigInteger.ONE.shiftLeft(70), -3L, Long.MIN_VALUE, Long.MAX_VALUE,
        Double.POSITIVE_INFINITY));
    assertThat(v).isEqualTo(Arrays.asList(
        List.of("a", 1L),
        dict,
        List.of(),
        List.of(1L),
        "é\\n\n",
        Arrays.asList(false, List.of(1L, 2L, 3L), List.of(1L, 2L), "ü€\uD83D\uDE00")));
    assertThat(((List<?>) v).get(0)).as("tuples are read-only").isNotInstanceOf(ArrayList.class);
    assertThat(((List<?>) v).get(5)).as("lists stay lists").isInstanceOf(ArrayList.class);
  }

  @Test
  void decodesTheAttributesPandasWritesForTables() {
    assertThat(decodeText("(lp0\nVts\np1\na.")).isEqualTo(List.of("ts"));
    assertThat(decodeText("(lp0\n(I1\n(lp1\nVts\np2\naVi\np3\natp4\na."))
        .isEqualTo(List.of(List.of(1L, List.of("ts", "i"))));
    assertThat(decodeText("(lp0\n(I0\nVindex\np1\ntp2\na.")).isEqualTo(List.of(List.of(0L, "index")));
    Object info = decodeText("(dp0\nI1\n(dp1\nVnames\np2\n(lp3\nNasVtype\np4\nVIndex\np5\nssVindex\np6\n(dp7\n"
        + "Vindex_name\np8\nVtimestamp\np9\nss.");
    assertThat(info).isInstanceOf(Map.class);
    Map<?, ?> axis = (Map<?, ?>) ((Map<?, ?>) info).get(1L);
    assertThat(axis.get("names")).isEqualTo(Arrays.asList((Object) null));
    assertThat(axis.get("type")).isEqualTo("Index");
    assertThat(((Map<?, ?>) ((Map<?, ?>) info).get("index")).get("index_name")).isEqualTo("timestamp");
  }

  @Test
  void decodesProtocolZeroUnicodeEscapesAndPython2Strings() {
    assertThat(decodeText("V\\u00e9\\u005c\\U0001f600x\np0\n.")).isEqualTo("é\\\uD83D\uDE00x");
    assertThat(decodeHex("286c70300a5327615c27625c5c635c7834315c6e270a70310a61532271220a70320a612e")).isEqualTo(List.of("a'b\\cA\n", "q"));
  }

  @Test
  void keepsBytesAndSharedReferences() {
    Object bytes = ((List<?>) decodeHex("8004950a000000000000005d94430361620094612e")).get(0);
    assertThat((byte[]) bytes).containsExactly('a', 'b', 0);
    List<?> shared = (List<?>) decodeHex("80025d7100285d71014b01616801652e");
    assertThat(shared).hasSize(2);
    assertThat(shared.get(0)).isSameAs(shared.get(1)).isEqualTo(List.of(1L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"63706f7369780a73797374656d0a70300a28566563686f2070776e65640a70310a7470320a5270330a2e", "800263706f7369780a73797374656d0a7100580a0000006563686f2070776e656471018571025271032e", "80049525000000000000008c05706f736978948c0673797374656d9493948c0a6563686f2070776e656494859452942e"})
  void refusesPicklesThatCallFunctions(String hex) {
    assertThatThrownBy(() -> decodeHex(hex))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("test.h5:/data@attr")
        .hasMessageContaining("GLOBAL")
        .hasMessageContaining("refused");
  }

  @Test
  void refusesBytesThatProtocolTwoBuildsThroughACodecCall() {
    assertThatThrownBy(() -> decodeHex("80025d7100635f636f646563730a656e636f64650a710158020000006162710258060000006c6174696e317103867104527105612e")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("GLOBAL (0x63) at byte 5");
  }

  @Test
  void refusesSetsAndObjectOpcodes() {
    assertThatThrownBy(() -> decodeHex("80049509000000000000008f94284b014b02902e")).isInstanceOf(SchemaException.class).hasMessageContaining("EMPTY_SET");
    assertThatThrownBy(() -> decodeText("(lp0\nb.")).isInstanceOf(SchemaException.class).hasMessageContaining("BUILD");
    assertThatThrownBy(() -> decodeText("(i__main__\nX\n.")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("INST");
    assertThatThrownBy(() -> decodeHex("80027d71008151")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("NEWOBJ");
  }

  @Test
  void rejectsMalformedPickles() {
    assertThatThrownBy(() -> decodeText("(lp0\nVts\np1\na")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("missing STOP");
    assertThatThrownBy(() -> decodeText("a.")).isInstanceOf(SchemaException.class).hasMessageContaining("underflow");
    assertThatThrownBy(() -> decodeText("g7\n.")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("memo index 7");
    assertThatThrownBy(() -> decodeHex("580a000000616263")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("runs past the end");
    assertThatThrownBy(() -> decodeText("Vab")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("unterminated");
    assertThatThrownBy(() -> decodeText("N(.")).isInstanceOf(SchemaException.class).hasMessageContaining("STOP with");
    assertThatThrownBy(() -> decodeText("Ixyz\n.")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("bad integer");
    assertThatThrownBy(() -> decodeText("NNNs.")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("not a dict");
    assertThatThrownBy(() -> decodeHex("8006")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("protocol 6");
    assertThatThrownBy(() -> decodeText("S'abc\n.")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("not quoted");
  }

  @Test
  void decodesScalarsAndSpecialFloats() {
    assertThat(decodeText("Fnan\n.")).isEqualTo(Double.NaN);
    assertThat(decodeText("F-inf\n.")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(decodeText("I00\n.")).isEqualTo(false);
    assertThat(decodeText("I-42\n.")).isEqualTo(-42L);
    assertThat(decodeText("L-5L\n.")).isEqualTo(-5L);
    assertThat(decodeText("N.")).isNull();
    assertThat(decodeHex("80028a00.".replace(".", "2e"))).isEqualTo(0L);
    assertThat(decodeHex("80024aff0000ff2e")).isEqualTo((long) 0xff0000ff);
    assertThat(decodeHex("80024dffff2e")).isEqualTo(65535L);
  }
}
