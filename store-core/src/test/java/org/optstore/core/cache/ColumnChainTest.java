package org.optstore.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.optstore.Column;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Schema;
import org.optstore.StringColumn;
import org.optstore.StringDictionary;

/** Joining block columns end to end against {@link Frame#concat}, the copying reference. */
class ColumnChainTest {
  private static final int[] SIZES = {1, 63, 64, 65, 130, 7, 200};

  @Test
  void everyTypeJoinsLikeConcatWithNullsAtEveryOffset() {
    Random rnd = new Random(0xC0FFEE);
    for (ColumnType type : ColumnType.values()) {
      for (int trial = 0; trial < 20; trial++) {
        List<Column> parts = new ArrayList<>();
        int blocks = 1 + rnd.nextInt(6);
        for (int b = 0; b < blocks; b++) {
          parts.add(random(rnd, type, SIZES[rnd.nextInt(SIZES.length)], rnd.nextInt(3)));
        }
        Column joined = ColumnChain.join(type, parts);
        assertThat(joined).as(type + " trial " + trial).isEqualTo(concat(type, parts));
        assertThat(joined.nullCount()).isEqualTo(parts.stream().mapToInt(Column::nullCount).sum());
      }
    }
  }

  @Test
  void fixedWidthBlocksAreViewedNotCopied() {
    LongColumn a = LongColumn.of(1, 2, 3);
    LongColumn b = LongColumn.of(4, 5);
    Column joined = ColumnChain.join(ColumnType.INT64, List.of(a, b));
    assertThat(((LongColumn) joined).segmentCount()).isEqualTo(2);
    assertThat(((LongColumn) joined).toArray()).containsExactly(1, 2, 3, 4, 5);
    assertThat(ColumnChain.join(ColumnType.INT64, List.of(a))).isSameAs(a);
  }

  @Test
  void stringBlocksSharingADictionaryKeepItAndOthersAreMerged() {
    StringDictionary d = StringDictionary.of("x", "y", "z");
    StringColumn a = StringColumn.ofCodes(org.optstore.IntColumn.of(0, 2), d, NullMask.none(2));
    StringColumn b = StringColumn.ofCodes(org.optstore.IntColumn.of(1, 1, 0), d,
        NullMask.of(new boolean[] {false, true, false}));
    StringColumn shared = (StringColumn) ColumnChain.join(ColumnType.STRING, List.of(a, b));
    assertThat(shared.dictionary()).isSameAs(d);
    assertThat(shared.toArray()).containsExactly("x", "z", "y", null, "x");

    StringColumn c = StringColumn.of("z", null, "new");
    StringColumn merged = (StringColumn) ColumnChain.join(ColumnType.STRING, List.of(a, c));
    assertThat(merged.toArray()).containsExactly("x", "z", "z", null, "new");
  }

  private static Column concat(ColumnType type, List<Column> parts) {
    Schema s = Schema.withoutTimeColumn(List.of(Field.of("c", type)));
    List<Frame> frames = new ArrayList<>();
    for (Column c : parts) {
      frames.add(Frame.of(s, List.of(c)));
    }
    frames.add(Frame.empty(s)); // forces a copy even for one part
    return Frame.concat(frames).column(0);
  }

  private static Column random(Random rnd, ColumnType type, int n, int nullMode) {
    ColumnBuilder b = ColumnBuilder.of(type, n);
    for (int r = 0; r < n; r++) {
      boolean isNull = nullMode == 1 ? rnd.nextInt(4) == 0 : nullMode == 2 && r % 2 == 0;
      if (isNull) {
        b.appendNull();
        continue;
      }
      switch (type) {
        case TIMESTAMP, INT64 -> b.appendLong(rnd.nextLong());
        case INT32 -> b.appendInt(rnd.nextInt());
        case FLOAT64 -> b.appendDouble(rnd.nextInt(5) == 0 ? Double.NaN : rnd.nextGaussian());
        case FLOAT32 -> b.appendFloat((float) rnd.nextGaussian());
        case BOOL -> b.appendBoolean(rnd.nextBoolean());
        case STRING -> b.appendString("s" + rnd.nextInt(9));
        default -> throw new AssertionError(type);
      }
    }
    return b.build();
  }
}
