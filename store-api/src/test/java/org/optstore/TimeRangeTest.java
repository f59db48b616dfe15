package org.optstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimeRangeTest {
  private static final Instant T = Instant.parse("2023-01-10T00:00:00Z");
  private static final long M = TimeRange.toMicros(T);

  @Test
  void subMicrosecondInstantsNeverWidenTheRange() {
    TimeRange r = TimeRange.between(T.plusNanos(1), T.plusNanos(2_500));
    // [t + 1ns, t + 2.5us) holds exactly the stored micros t + 1us and t + 2us
    assertThat(r.fromMicros()).isEqualTo(M + 1);
    assertThat(r.toMicros()).isEqualTo(M + 3);
    assertThat(r.contains(M)).isFalse();
    assertThat(r.contains(M + 1)).isTrue();
    assertThat(r.contains(M + 2)).isTrue();
    assertThat(r.contains(M + 3)).isFalse();
    assertThat(TimeRange.between(T, T.plusNanos(999)).contains(M)).isTrue();
    assertThat(TimeRange.between(T.plusNanos(999), T.plusNanos(1000)).isEmpty()).isTrue();
    Instant before = Instant.parse("1969-12-31T23:59:59.999999500Z");
    assertThat(TimeRange.toMicros(before)).isEqualTo(-1);
    assertThat(TimeRange.from(before).fromMicros()).isZero();
    assertThat(TimeRange.toInstant(-1)).isEqualTo(Instant.parse("1969-12-31T23:59:59.999999Z"));
  }

  @Test
  void daysCoverWholeDaysInTheirZone() {
    TimeRange utc = TimeRange.days(LocalDate.of(2023, 1, 5), LocalDate.of(2023, 1, 9),
        ZoneOffset.UTC);
    assertThat(utc).isEqualTo(TimeRange.between(Instant.parse("2023-01-05T00:00:00Z"),
        Instant.parse("2023-01-10T00:00:00Z")));
    // the spring-forward day in Berlin has 23 hours
    TimeRange berlin = TimeRange.days(LocalDate.of(2023, 3, 26), LocalDate.of(2023, 3, 26),
        ZoneId.of("Europe/Berlin"));
    assertThat(berlin.toMicros() - berlin.fromMicros()).isEqualTo(23L * 3600 * 1_000_000);
    assertThat(berlin.fromMicros()).isEqualTo(
        TimeRange.toMicros(Instant.parse("2023-03-25T23:00:00Z")));
    assertThatThrownBy(() -> TimeRange.days(LocalDate.of(2023, 1, 2), LocalDate.of(2023, 1, 1),
        ZoneOffset.UTC)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("2023-01-01");
  }

  @Test
  void boundsOverlapsAndContains() {
    assertThat(TimeRange.all().isAll()).isTrue();
    assertThat(TimeRange.all().contains(Long.MAX_VALUE)).isTrue();
    assertThat(TimeRange.all().contains(Long.MIN_VALUE)).isTrue();
    TimeRange upTo = TimeRange.until(T);
    assertThat(upTo.hasFrom()).isFalse();
    assertThat(upTo.contains(M - 1)).isTrue();
    assertThat(upTo.contains(M)).isFalse();
    TimeRange r = TimeRange.ofMicros(10, 20);
    assertThat(r.overlaps(0, 10)).isTrue();
    assertThat(r.overlaps(20, 30)).isFalse();
    assertThat(r.overlaps(0, 9)).isFalse();
    assertThat(TimeRange.ofMicros(5, 5).overlaps(0, 10)).isFalse();
    assertThat(TimeRange.ofMicros(5, 5).isEmpty()).isTrue();
    assertThat(TimeRange.ofMicros(0, Long.MAX_VALUE).contains(Long.MAX_VALUE)).isFalse();
  }

  @Test
  void anEndBeforeTheStartIsRefusedWithBothInstants() {
    assertThatThrownBy(() -> TimeRange.between(T, T.minusSeconds(1)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("2023-01-09T23:59:59Z")
        .hasMessageContaining("2023-01-10T00:00:00Z");
    assertThatThrownBy(() -> TimeRange.ofMicros(2, 1)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> TimeRange.from(Instant.MAX))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("epoch microseconds");
  }

  @Test
  void parseInstantReadsEveryIsoFormAndOffsetlessTimesAsUtc() {
    assertThat(TimeRange.parseInstant("2023-01-10T09:30:00Z"))
        .isEqualTo(Instant.parse("2023-01-10T09:30:00Z"));
    assertThat(TimeRange.parseInstant("2023-01-10T10:30+01:00"))
        .isEqualTo(Instant.parse("2023-01-10T09:30:00Z"));
    assertThat(TimeRange.parseInstant("2023-01-10T09:30:00.5"))
        .isEqualTo(Instant.parse("2023-01-10T09:30:00.500Z"));
    assertThat(TimeRange.parseInstant(" 2023-01-10 09:30 "))
        .isEqualTo(Instant.parse("2023-01-10T09:30:00Z"));
    assertThat(TimeRange.parseInstant("2023-01-10"))
        .isEqualTo(Instant.parse("2023-01-10T00:00:00Z"));
    assertThatThrownBy(() -> TimeRange.parseInstant("2023-01-1009:30"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'2023-01-1009:30'")
        .hasMessageContaining("ISO-8601");
  }
}
