package org.optstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NullMaskTest {

  private static boolean[] randomFlags(Random rnd, int n, int oneIn) {
    boolean[] f = new boolean[n];
    for (int i = 0; i < n; i++) {
      f[i] = rnd.nextInt(oneIn) == 0;
    }
    return f;
  }

  @Test
  void sliceMatchesARowByRowReferenceAtEveryWordOffset() {
    Random rnd = new Random(1);
    boolean[] flags = randomFlags(rnd, 300, 3);
    NullMask m = NullMask.of(flags);
    for (int from = 0; from <= 300; from += 7) {
      for (int to = from; to <= 300; to += 13) {
        NullMask s = m.slice(from, to);
        assertThat(s.size()).isEqualTo(to - from);
        int count = 0;
        for (int r = from; r < to; r++) {
          assertThat(s.isNull(r - from)).as("row %d of slice [%d, %d)", r, from, to)
              .isEqualTo(flags[r]);
          count += flags[r] ? 1 : 0;
        }
        assertThat(s.nullCount()).isEqualTo(count);
      }
    }
    assertThat(m.slice(0, 300)).isSameAs(m);
  }

  @Test
  void gatherPicksTheGivenRowsInOrder() {
    Random rnd = new Random(2);
    boolean[] flags = randomFlags(rnd, 500, 4);
    NullMask m = NullMask.of(flags);
    int[] positions = {0, 3, 63, 64, 65, 127, 128, 200, 499};
    NullMask g = m.gather(positions, positions.length);
    assertThat(g.size()).isEqualTo(positions.length);
    for (int i = 0; i < positions.length; i++) {
      assertThat(g.isNull(i)).isEqualTo(flags[positions[i]]);
    }
    assertThat(m.gather(positions, 3).size()).isEqualTo(3);
    assertThat(NullMask.none(10).gather(positions, 2)).isEqualTo(NullMask.none(2));
  }

  @Test
  void bitmapWordAndFlagFormsAgree() {
    boolean[] flags = new boolean[70];
    flags[0] = flags[9] = flags[64] = flags[69] = true;
    NullMask a = NullMask.of(flags);
    ByteBuffer bytes = ByteBuffer.allocate(9);
    bytes.put(0, (byte) 1).put(1, (byte) 2).put(8, (byte) 0x21);
    NullMask b = NullMask.fromBitmap(bytes, 70);
    NullMask c = NullMask.fromWords(a.toWords(), 70);
    assertThat(b).isEqualTo(a).isEqualTo(c);
    assertThat(a.nullCount()).isEqualTo(4);
    assertThat(a.word(1)).isEqualTo(0x21L);
    // bits past the size are ignored
    NullMask d = NullMask.fromWords(new long[] {-1L, -1L}, 66);
    assertThat(d.nullCount()).isEqualTo(66);
    assertThat(NullMask.of(new boolean[5])).isEqualTo(NullMask.none(5));
    assertThat(NullMask.none(5).hasNulls()).isFalse();
  }

  @Test
  void badInputNamesTheProblem() {
    assertThatThrownBy(() -> NullMask.none(-1)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> NullMask.fromWords(new long[1], 65))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("65 rows");
    assertThatThrownBy(() -> NullMask.fromBitmap(ByteBuffer.allocate(1), 9))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("needs 2");
    assertThatThrownBy(() -> NullMask.none(3).slice(2, 4))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> NullMask.none(3).isNull(3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
