package org.optstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FrameTest {

  private static Frame frame(long[] ts, String... s) {
    return Frame.builder().column("ts", LongColumn.timestamps(ts)).column("s", StringColumn.of(s))
        .build();
  }

  @Test
  void concatMergesDifferentStringDictionaries() {
    Frame a = frame(new long[] {1, 2, 3}, "x", null, "y");
    Frame b = frame(new long[] {4, 5}, "y", "z");
    Frame c = frame(new long[] {6}, (String) null);
    Frame all = Frame.concat(List.of(a, b, c));
    assertThat(all.rowCount()).isEqualTo(6);
    assertThat(all.strings("s").toArray()).containsExactly("x", null, "y", "y", "z", null);
    assertThat(all.strings("s").dictionary().toArray()).containsExactly("x", "y", "z");
    assertThat(all.longs("ts").toArray()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(all.column("s").nullCount()).isEqualTo(2);
    assertThat(all.schema()).isEqualTo(a.schema());
  }

  @Test
  void concatKeepsASharedDictionary() {
    Frame whole = frame(new long[] {1, 2, 3, 4}, "p", "q", "p", null);
    Frame joined = Frame.concat(List.of(whole.slice(0, 1), whole.slice(1, 4)));
    assertThat(joined).isEqualTo(whole);
    assertThat(joined.strings("s").dictionary()).isSameAs(whole.strings("s").dictionary());
  }

  @Test
  void concatRefusesMismatchedSchemasAndNothing() {
    Frame a = frame(new long[] {1}, "x");
    Frame b = a.project("s");
    assertThatThrownBy(() -> Frame.concat(List.of(a, b))).isInstanceOf(SchemaException.class);
    assertThatThrownBy(() -> Frame.concat(List.of())).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void projectSelectAndSliceCopyNothingForRanges() {
    Frame f = frame(new long[] {1, 2, 3, 4}, "a", "b", "c", "d");
    assertThat(f.project("s", "ts").schema().names()).containsExactly("s", "ts");
    assertThat(f.project("s").schema().timeColumn()).isEmpty();
    Frame r = f.select(Selection.range(4, 1, 3));
    assertThat(r.strings("s").toArray()).containsExactly("b", "c");
    assertThat(f.select(Selection.all(4))).isSameAs(f);
    Frame p = f.select(Selection.ofPositions(4, new int[] {0, 3}, 2));
    assertThat(p.toRecords()).hasSize(2);
    assertThat(p.get(1, "s")).isEqualTo("d");
    assertThatThrownBy(() -> f.select(Selection.all(3))).isInstanceOf(
        InvalidArgumentException.class).hasMessageContaining("3 rows");
    assertThatThrownBy(() -> f.slice(2, 5)).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void equalityComparesValuesNotStorage() {
    Frame a = frame(new long[] {1, 2}, "x", "y");
    Frame b = Frame.builder().column("ts", LongColumn.timestamps(1, 2))
        .column("s", StringColumn.ofCodes(IntColumn.of(1, 0), StringDictionary.of("y", "x"),
            NullMask.none(2))).build();
    assertThat(a).isEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
    assertThat(a).isNotEqualTo(frame(new long[] {1, 2}, "x", "z"));
  }
}
