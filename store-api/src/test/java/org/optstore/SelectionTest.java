package org.optstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SelectionTest {

  @Test
  void theThreeFormsOfTheSameRowsAreEqual() {
    Selection range = Selection.range(200, 60, 70);
    Selection positions = Selection.ofPositions(200,
        new int[] {60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 999}, 10);
    long[] words = new long[4];
    for (int r = 60; r < 70; r++) {
      words[r >>> 6] |= 1L << r;
    }
    Selection bitmap = Selection.ofBitmap(200, words);
    assertThat(range.isRange()).isTrue();
    assertThat(positions.isRange()).isFalse();
    assertThat(bitmap.isRange()).isFalse();
    assertThat(range).isEqualTo(positions).isEqualTo(bitmap);
    assertThat(range.hashCode()).isEqualTo(bitmap.hashCode());
    assertThat(bitmap.toPositions()).containsExactly(positions.toPositions());
    assertThat(positions.toBitmap()).containsExactly(words);
    for (Selection s : new Selection[] {range, positions, bitmap}) {
      assertThat(s.count()).isEqualTo(10);
      assertThat(s.contains(60)).isTrue();
      assertThat(s.contains(70)).isFalse();
      assertThat(s.contains(-1)).isFalse();
      assertThat(s.contains(500)).isFalse();
    }
    assertThat(range.rangeFrom()).isEqualTo(60);
    assertThat(range.rangeTo()).isEqualTo(70);
    assertThatThrownBy(bitmap::rangeFrom).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void allNoneAndAFullBitmap() {
    assertThat(Selection.all(5).isAll()).isTrue();
    assertThat(Selection.none(5).count()).isZero();
    Selection full = Selection.ofBitmap(3, new long[] {-1L});
    assertThat(full.isAll()).isTrue();
    assertThat(full.isRange()).isTrue();
    assertThat(Selection.all(0).isAll()).isTrue();
  }

  @Test
  void andIntersectsEveryPairOfForms() {
    Selection a = Selection.range(100, 10, 50);
    Selection b = Selection.ofPositions(100, new int[] {5, 10, 49, 50, 99}, 5);
    assertThat(a.and(b).toPositions()).containsExactly(10, 49);
    assertThat(a.and(Selection.range(100, 40, 90))).isEqualTo(Selection.range(100, 40, 50));
    assertThat(a.and(Selection.range(100, 60, 90)).count()).isZero();
    assertThatThrownBy(() -> a.and(Selection.all(99))).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("99");
  }

  @Test
  void limitKeepsTheFirstRows() {
    assertThat(Selection.range(100, 10, 50).limit(3)).isEqualTo(Selection.range(100, 10, 13));
    Selection b = Selection.ofPositions(100, new int[] {1, 5, 9}, 3);
    assertThat(b.limit(2).toPositions()).containsExactly(1, 5);
    assertThat(b.limit(10)).isSameAs(b);
    assertThatThrownBy(() -> b.limit(-1)).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void badInputNamesTheProblem() {
    assertThatThrownBy(() -> Selection.range(10, 5, 11))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("[5, 11)");
    assertThatThrownBy(() -> Selection.ofPositions(10, new int[] {3, 3}, 2))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("position 3");
    assertThatThrownBy(() -> Selection.ofPositions(10, new int[] {10}, 1))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("position 10");
    assertThatThrownBy(() -> Selection.ofPositions(10, new int[] {1}, 2))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("count 2");
    assertThatThrownBy(() -> Selection.ofBitmap(65, new long[1]))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("65 rows");
  }
}
