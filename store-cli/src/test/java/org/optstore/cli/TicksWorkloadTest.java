package org.optstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.TimeRange;
import org.optstore.cli.TicksWorkload.Q;

/** The reference workload matches DESIGN.md's definition and its published answers. */
class TicksWorkloadTest {
  @Test
  void expectedAnswersAtOneMillionRowsAreTheDesignsNumbers() {
    TicksWorkload.Expected e = TicksWorkload.expected(1_000_000);
    assertThat(e.rows(Q.R0)).isEqualTo(1_000_000);
    assertThat(e.rows(Q.R1)).isEqualTo(86_400);
    assertThat(e.rows(Q.R2)).isEqualTo(432_000);
    assertThat(e.rows(Q.R3)).isEqualTo(3_362);
    // sum of epoch seconds over 2023-01-10T00:00:00Z .. +86,399 s
    long first = Instant.parse("2023-01-10T00:00:00Z").getEpochSecond();
    assertThat(e.check(Q.R1)).isEqualTo(86_400 * first + 86_399L * 86_400 / 2);
  }

  @Test
  void rowsFollowTheFormulas() {
    Frame f = TicksWorkload.rows(1_000_000, 3);
    assertThat(f.schema().timeColumn()).hasValue("ts");
    assertThat(TimeRange.toInstant(f.longs("ts").get(0)))
        .isEqualTo(Instant.parse("2023-01-01T00:00:00Z").plusSeconds(1_000_000));
    long i = 1_000_001;
    assertThat(f.strings("symbol").get(1)).isEqualTo(String.format("SYM%03d", (i * 7919) % 100));
    assertThat(f.doubles("price").get(1))
        .isEqualTo(100 + 10 * Math.sin(i / 1000.0) + (i % 17) * 0.01);
    assertThat(f.longs("volume").get(1)).isEqualTo((i * 31) % 10000);
    assertThat(f.bools("flag").get(1)).isEqualTo(i % 3 == 0);
  }

  @Test
  void theStreamCoversEveryRowOnceInBatches() {
    long n = 0;
    long volume = 0;
    int batches = 0;
    try (FrameStream s = TicksWorkload.stream(10_001, 1000)) {
      while (s.hasNext()) {
        Frame f = s.next();
        assertThat(f.rowCount()).isLessThanOrEqualTo(1000);
        n += f.rowCount();
        volume += Q.R0.check(f);
        batches++;
      }
    }
    assertThat(n).isEqualTo(10_001);
    assertThat(batches).isEqualTo(11);
    assertThat(volume).isEqualTo(TicksWorkload.expected(10_001).check(Q.R0));
  }
}
