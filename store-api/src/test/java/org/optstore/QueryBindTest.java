package org.optstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryBindTest {
  private static final Schema SCHEMA = Schema.of(Field.of("ts", ColumnType.TIMESTAMP),
      Field.of("volume", ColumnType.INT64), Field.of("n", ColumnType.INT32),
      Field.of("price", ColumnType.FLOAT64), Field.of("symbol", ColumnType.STRING),
      Field.of("flag", ColumnType.BOOL));

  private static BoundPredicate bind(Predicate p) {
    return Query.builder().where(p).build().bind(SCHEMA).predicate().orElseThrow();
  }

  @Test
  void aDecimalAgainstAnIntegerColumnComparesExactly() {
    assertThat(bind(Predicates.eq("volume", 10.5)))
        .isEqualTo(new BoundPredicate.Constant("volume", false));
    assertThat(bind(Predicates.ne("volume", 10.5)))
        .isEqualTo(new BoundPredicate.Constant("volume", true));
    assertThat(bind(Predicates.lt("volume", 10.5)))
        .isEqualTo(new BoundPredicate.LongComparison("volume", Op.LE, 10));
    assertThat(bind(Predicates.ge("volume", -0.5)))
        .isEqualTo(new BoundPredicate.LongComparison("volume", Op.GT, -1));
    assertThat(bind(Predicates.eq("volume", 10.0)))
        .isEqualTo(new BoundPredicate.LongComparison("volume", Op.EQ, 10));
    // 2^63 is above every long, although (long) 2^63 would clamp to Long.MAX_VALUE
    assertThat(bind(Predicates.lt("volume", 0x1p63)))
        .isEqualTo(new BoundPredicate.Constant("volume", true));
    assertThat(bind(Predicates.eq("volume", 0x1p63)))
        .isEqualTo(new BoundPredicate.Constant("volume", false));
    assertThat(bind(Predicates.gt("n", -1e300)))
        .isEqualTo(new BoundPredicate.Constant("n", true));
    assertThat(bind(Predicates.ge("volume", -0x1p63)))
        .isEqualTo(new BoundPredicate.LongComparison("volume", Op.GE, Long.MIN_VALUE));
  }

  @Test
  void nanFollowsIeee() {
    assertThat(bind(Predicates.eq("volume", Double.NaN)))
        .isEqualTo(new BoundPredicate.Constant("volume", false));
    assertThat(bind(Predicates.ne("volume", Double.NaN)))
        .isEqualTo(new BoundPredicate.Constant("volume", true));
    assertThat(bind(Predicates.lt("price", Double.NaN)))
        .isEqualTo(new BoundPredicate.DoubleComparison("price", Op.LT, Double.NaN));
    Frame f = Frame.builder().column("price", DoubleColumn.of(Double.NaN, 1.0)).build();
    BoundPredicate ne = new BoundPredicate.DoubleComparison("price", Op.NE, Double.NaN);
    BoundPredicate eq = new BoundPredicate.DoubleComparison("price", Op.EQ, Double.NaN);
    assertThat(ne.evaluate(f, 0)).isTrue();
    assertThat(ne.evaluate(f, 1)).isTrue();
    assertThat(eq.evaluate(f, 0)).isFalse();
    assertThat(new BoundPredicate.DoubleComparison("price", Op.GE, 0.0).evaluate(f, 0)).isFalse();
  }

  @Test
  void anIntegerAgainstAFloatColumnAndInstantsAgainstTimestamps() {
    assertThat(bind(Predicates.gt("price", 105)))
        .isEqualTo(new BoundPredicate.DoubleComparison("price", Op.GT, 105.0));
    Instant t = Instant.parse("2023-01-10T00:00:00.000000500Z");
    long m = TimeRange.toMicros(t);
    assertThat(bind(Predicates.ge("ts", t)))
        .isEqualTo(new BoundPredicate.LongComparison("ts", Op.GT, m));
    assertThat(bind(Predicates.eq("ts", t))).isEqualTo(new BoundPredicate.Constant("ts", false));
    assertThat(bind(Predicates.lt("ts", "2023-01-10T00:00:00Z")))
        .isEqualTo(new BoundPredicate.LongComparison("ts", Op.LT, m));
    assertThat(bind(Predicates.lt("ts", "2023-01-10")))
        .isEqualTo(new BoundPredicate.LongComparison("ts", Op.LT, m));
    assertThat(bind(Predicates.between("n", 1, 3))).isEqualTo(new BoundPredicate.And(List.of(
        new BoundPredicate.LongComparison("n", Op.GE, 1),
        new BoundPredicate.LongComparison("n", Op.LE, 3))));
    assertThat(bind(Predicates.in("symbol"))).isEqualTo(new BoundPredicate.Constant("symbol",
        false));
  }

  @Test
  void incompatibleLiteralsAreSchemaErrorsNamingTheColumnAndValue() {
    assertThatThrownBy(() -> bind(Predicates.eq("price", "abc")))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'price'")
        .hasMessageContaining("'abc'");
    assertThatThrownBy(() -> bind(Predicates.eq("symbol", 42)))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'symbol'")
        .hasMessageContaining("42");
    assertThatThrownBy(() -> bind(Predicates.gt("flag", true)))
        .isInstanceOf(SchemaException.class).hasMessageContaining("BOOL");
    assertThatThrownBy(() -> bind(Predicates.eq("flag", 1)))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'flag'");
    assertThatThrownBy(() -> bind(Predicates.eq("ts", 1.5)))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'ts'");
    assertThatThrownBy(() -> bind(Predicates.lt("ts", "yesterday")))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'yesterday'");
    assertThatThrownBy(() -> bind(Predicates.eq("nope", 1)))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'nope'");
  }

  @Test
  void aTimeRangeNeedsATimeColumn() {
    Schema noTime = Schema.withoutTimeColumn(List.of(Field.of("ts", ColumnType.TIMESTAMP)));
    Query q = Query.builder().timeRange(TimeRange.ofMicros(0, 10)).build();
    assertThatThrownBy(() -> q.bind(noTime)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("no time column");
    assertThat(Query.all().bind(noTime).hasTimeRange()).isFalse();
  }

  @Test
  void readColumnsAddWhatFilteringNeeds() {
    BoundQuery q = Query.builder().timeRange(TimeRange.ofMicros(0, 10)).columns("symbol")
        .where(Predicates.gt("price", 1.0)).build().bind(SCHEMA);
    assertThat(q.outputColumns()).containsExactly("symbol");
    assertThat(q.readColumns()).containsExactly("symbol", "ts", "price");
    assertThat(q.outputSchema().names()).containsExactly("symbol");
    assertThatThrownBy(() -> Query.builder().columns("symbol", "nope").build().bind(SCHEMA))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'nope'");
  }
}
