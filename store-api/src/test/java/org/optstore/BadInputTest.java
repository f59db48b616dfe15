package org.optstore;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bad input of the foundation issue: each is a DataStoreException naming the bad value. */
class BadInputTest {

  @Test
  void nullOrBlankNames() {
    assertThatThrownBy(() -> Field.of(null, ColumnType.INT64))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("null");
    assertThatThrownBy(() -> Field.of("  ", ColumnType.INT64))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'  '");
    assertThatThrownBy(() -> Field.of("a\u0001b", ColumnType.INT64))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("a?b");
    assertThatThrownBy(() -> Query.builder().columns("ok", ""))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Predicates.isNull(" "))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void aNullInTheTimeColumnNamesTheRow() {
    LongColumn ts = LongColumn.wrap(ColumnType.TIMESTAMP, new long[] {1, 2, 3},
        NullMask.of(new boolean[] {false, false, true}));
    assertThatThrownBy(() -> Frame.builder().column("ts", ts).build())
        .isInstanceOf(SchemaException.class).hasMessageContaining("'ts'")
        .hasMessageContaining("row 2");
  }

  @Test
  void unknownColumnsInAProjection() {
    Frame f = Frame.builder().column("a", LongColumn.of(1)).build();
    assertThatThrownBy(() -> f.project("a", "zz")).isInstanceOf(SchemaException.class)
        .hasMessageContaining("'zz'").hasMessageContaining("[a]");
    assertThatThrownBy(() -> Query.builder().columns("zz").build().bind(f.schema()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'zz'");
    assertThatThrownBy(() -> Query.builder().columns("a", "a"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'a'");
  }

  @Test
  void aPredicateOfAnIncompatibleType() {
    Schema s = Schema.of(Field.of("price", ColumnType.FLOAT64));
    assertThatThrownBy(() -> Query.builder().where(Predicates.gt("price", "high")).build().bind(s))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'high'");
  }

  @Test
  void aTimeRangeEndingBeforeItStarts() {
    Instant t = Instant.parse("2023-01-02T00:00:00Z");
    assertThatThrownBy(() -> TimeRange.between(t, t.minusMillis(1)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("2023-01-01T23:59:59.999Z");
  }

  @Test
  void duplicateColumnNames() {
    assertThatThrownBy(() -> Schema.of(Field.of("x", ColumnType.INT64),
        Field.of("x", ColumnType.BOOL))).isInstanceOf(SchemaException.class)
        .hasMessageContaining("'x'");
    assertThatThrownBy(() -> Frame.builder().column("x", LongColumn.of(1))
        .column("x", LongColumn.of(2)).build()).isInstanceOf(SchemaException.class);
  }

  @Test
  void columnsOfDifferentLengths() {
    assertThatThrownBy(() -> Frame.builder().column("a", LongColumn.of(1, 2))
        .column("b", DoubleColumn.of(1.0)).build())
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'b' has 1 rows")
        .hasMessageContaining("'a' has 2");
    Schema s = Schema.of(Field.of("a", ColumnType.INT64));
    assertThatThrownBy(() -> Frame.of(s, List.of(DoubleColumn.of(1.0))))
        .isInstanceOf(SchemaException.class).hasMessageContaining("FLOAT64");
  }

  @Test
  void aTimeColumnThatIsNotATimestamp() {
    assertThatThrownBy(() -> Schema.of(List.of(Field.of("t", ColumnType.INT64)), "t"))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'t'")
        .hasMessageContaining("INT64");
  }
}
