package org.optstore.core.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;
import org.optstore.core.records.TimeValues;

/** The fast path agrees with TimeValues on every value it handles (random near-ISO strings). */
class IsoTimeTest {
  private static final String[] PARTS = {"0", "1", "2", "9", "-", ":", "T", " ", "Z", "+", ".",
      "12", "31", "29", "02", "24", "60", "59", "2023", "1999", "2000", "1900", "z", "t"};

  private static String randomTime(Random r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%04d-%02d-%02d", r.nextInt(10_000), r.nextInt(14), r.nextInt(33)));
    if (r.nextInt(4) > 0) {
      b.append(r.nextBoolean() ? 'T' : ' ');
      b.append(String.format("%02d:%02d", r.nextInt(26), r.nextInt(62)));
      if (r.nextBoolean()) {
        b.append(String.format(":%02d", r.nextInt(62)));
        if (r.nextBoolean()) {
          b.append('.');
          int digits = r.nextInt(11);
          for (int i = 0; i < digits; i++) {
            b.append(r.nextInt(10));
          }
        }
      }
      switch (r.nextInt(4)) {
        case 0 -> b.append('Z');
        case 1 -> b.append(String.format("%s%02d:%02d", r.nextBoolean() ? "+" : "-",
            r.nextInt(20), r.nextInt(61)));
        default -> { }
      }
    }
    if (r.nextInt(10) == 0) { // damage it
      int at = r.nextInt(b.length());
      b.replace(at, at + 1, PARTS[r.nextInt(PARTS.length)]);
    }
    return b.toString();
  }

  @Test
  void agreesWithTimeValuesOnRandomValues() {
    Random r = new Random(20240611L);
    for (ZoneId zone : new ZoneId[] {ZoneOffset.UTC, ZoneOffset.ofHours(-5),
        ZoneId.of("Europe/Paris")}) {
      TimeValues reference = new TimeValues(WriteOptions.builder().zone(zone).build());
      int offset = IsoTime.fixedOffsetSeconds(zone);
      int handled = 0;
      for (int i = 0; i < 15_000; i++) {
        String s = randomTime(r);
        long fast = IsoTime.parse(s, 0, s.length(), offset);
        if (fast == IsoTime.NOT_HANDLED) {
          continue;
        }
        handled++;
        long ref;
        try {
          ref = reference.toMicros(s, "t", i);
        } catch (SchemaException e) {
          throw new AssertionError("fast path accepted '" + s + "' (" + fast + ") but TimeValues "
              + "refuses it: " + e.getMessage(), e);
        }
        assertThat(fast).as("'%s' in %s", s, zone).isEqualTo(ref);
      }
      if (zone.getRules().isFixedOffset()) {
        assertThat(handled).as("values handled in %s", zone).isGreaterThan(3_000);
      }
    }
  }

  @Test
  void epochDayMatchesJavaTime() {
    Random r = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      java.time.LocalDate d = java.time.LocalDate.ofEpochDay(r.nextInt(3_000_000) - 1_000_000);
      if (d.getYear() < 0 || d.getYear() > 9999) {
        continue;
      }
      assertThat(IsoTime.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth()))
          .isEqualTo(d.toEpochDay());
    }
  }
}
