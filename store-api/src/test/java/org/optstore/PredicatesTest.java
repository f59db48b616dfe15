package org.optstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredicatesTest {

  @Test
  void parseRoundTripsThroughToString() {
    List<Predicate> all = List.of(
        Predicates.eq("symbol", "SYM042"),
        Predicates.and(Predicates.eq("symbol", "it's"), Predicates.gt("price", 105.0)),
        Predicates.or(Predicates.lt("a", -3L), Predicates.not(Predicates.isNull("b"))),
        Predicates.not(Predicates.and(Predicates.ge("x", 1e-5), Predicates.le("x", 1.0E10))),
        Predicates.ne("flag", true),
        Predicates.eq("p", Double.NaN),
        Predicates.gt("p", Double.NEGATIVE_INFINITY),
        Predicates.isNotNull("col.with.dots"),
        Predicates.eq("s", "back\\slash"));
    for (Predicate p : all) {
      assertThat(Predicates.parse(p.toString())).as("parse of %s", p).isEqualTo(p);
    }
  }

  @Test
  void parseKnowsPrecedenceKeywordsAndLiterals() {
    assertThat(Predicates.parse("a = 1 or b == 2 and not c < 3")).isEqualTo(Predicates.or(
        Predicates.eq("a", 1L),
        Predicates.and(Predicates.eq("b", 2L), Predicates.not(Predicates.lt("c", 3L)))));
    assertThat(Predicates.parse("(a <> 1) AND `odd name` >= \"x\"")).isEqualTo(Predicates.and(
        Predicates.ne("a", 1L), Predicates.ge("odd name", "x")));
    assertThat(Predicates.parse("x is not null")).isEqualTo(Predicates.isNotNull("x"));
    assertThat(Predicates.parse("price>105")).isEqualTo(Predicates.gt("price", 105L));
    assertThat(Predicates.parse("f == FALSE")).isEqualTo(Predicates.eq("f", false));
    assertThat(Predicates.parse("v <= .5")).isEqualTo(Predicates.le("v", 0.5));
  }

  @Test
  void parseErrorsNameThePosition() {
    assertThatThrownBy(() -> Predicates.parse("price >"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("position 7")
        .hasMessageContaining("expected a literal");
    assertThatThrownBy(() -> Predicates.parse("(a == 1"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("expected ')'");
    assertThatThrownBy(() -> Predicates.parse("a == 'abc"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("unterminated");
    assertThatThrownBy(() -> Predicates.parse("a ~ 1"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("position 2");
    assertThatThrownBy(() -> Predicates.parse("a == foo"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'foo'");
    assertThatThrownBy(() -> Predicates.parse("a == 1 b"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("unexpected 'b'");
    assertThatThrownBy(() -> Predicates.parse(""))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("column name");
    assertThatThrownBy(() -> Predicates.parse("x is 3"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'null'");
  }

  @Test
  void literalsAreCheckedWhenThePredicateIsBuilt() {
    assertThatThrownBy(() -> Predicates.eq("x", null))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("isNull(\"x\")");
    assertThatThrownBy(() -> Predicates.eq("x", new BigDecimal("1.5")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("BigDecimal");
    assertThatThrownBy(() -> Predicates.in("x", 1, null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Predicates.and())
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("and()");
    assertThat(Predicates.eq("x", 3).equals(Predicates.eq("x", 3L))).isTrue();
    assertThat(Predicates.eq("x", 0.5f)).isEqualTo(Predicates.eq("x", 0.5));
  }

  @Test
  void threeValuedLogicFollowsKleene() {
    Frame f = Frame.builder()
        .column("p", DoubleColumn.wrap(ColumnType.FLOAT64, new double[] {110, 0, 90},
            NullMask.of(new boolean[] {false, true, false})))
        .build();
    Schema s = f.schema();
    BoundPredicate notGt = Query.builder().where(Predicates.not(Predicates.gt("p", 105.0)))
        .build().bind(s).predicate().orElseThrow();
    assertThat(notGt.evaluate(f, 0)).isFalse();
    assertThat(notGt.evaluate(f, 1)).isNull();
    assertThat(notGt.evaluate(f, 2)).isTrue();
    BoundPredicate orTrue = Query.builder().where(Predicates.or(Predicates.gt("p", 105.0),
        Predicates.isNull("p"))).build().bind(s).predicate().orElseThrow();
    assertThat(orTrue.evaluate(f, 1)).isTrue();
    BoundPredicate andFalse = Query.builder().where(Predicates.and(Predicates.gt("p", 105.0),
        Predicates.lt("p", 0.0))).build().bind(s).predicate().orElseThrow();
    assertThat(andFalse.evaluate(f, 1)).isNull();
    assertThat(andFalse.evaluate(f, 0)).isFalse();
  }
}
