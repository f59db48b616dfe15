package org.optstore.core.importer;

import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A fast path for the ISO-8601 forms that fill most time columns: {@code yyyy-MM-dd}, optionally
 * followed by {@code T} or a space, {@code HH:mm}, optional {@code :ss} and a fraction of up to
 * nine digits, and optionally {@code Z} or {@code ±HH:mm}. It computes epoch microseconds with
 * integer arithmetic instead of {@link java.time.format.DateTimeFormatter}'s maps, and gives up
 * ({@link #NOT_HANDLED}) on anything else (other forms, invalid fields, a region zone for a value
 * without an offset), which the caller then reads with {@link
 * org.optstore.core.records.TimeValues}: every value it does handle, it handles as that does.
 */
final class IsoTime {
  /** What {@link #parse} returns for a value it leaves to the general parser. */
  static final long NOT_HANDLED = Long.MIN_VALUE;

  private IsoTime() {}

  /**
   * @param zone the zone of values without an offset
   * @return its fixed offset in seconds, or {@link Integer#MIN_VALUE} for a zone with rules
   */
  static int fixedOffsetSeconds(ZoneId zone) {
    if (zone instanceof ZoneOffset o) {
      return o.getTotalSeconds();
    }
    return zone.getRules().isFixedOffset()
        ? zone.getRules().getOffset(java.time.Instant.EPOCH).getTotalSeconds() : Integer.MIN_VALUE;
  }

  /**
   * @param s the text
   * @param from its first character
   * @param to past its last character
   * @param zoneOffsetSeconds the offset of values without one ({@link #fixedOffsetSeconds})
   * @return epoch microseconds, or {@link #NOT_HANDLED}
   */
  static long parse(String s, int from, int to, int zoneOffsetSeconds) {
    int len = to - from;
    if (len < 10 || s.charAt(from + 4) != '-' || s.charAt(from + 7) != '-') {
      return NOT_HANDLED;
    }
    int year = digits(s, from, 4);
    int month = digits(s, from + 5, 2);
    int day = digits(s, from + 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)) {
      return NOT_HANDLED;
    }
    long seconds = epochDay(year, month, day) * 86_400L;
    long micros = 0;
    int i = from + 10;
    int offset = zoneOffsetSeconds;
    if (i < to) {
      char sep = s.charAt(i);
      if ((sep != 'T' && sep != 't' && sep != ' ') || to - i < 6 || s.charAt(i + 3) != ':') {
        return NOT_HANDLED;
      }
      int hour = digits(s, i + 1, 2);
      int minute = digits(s, i + 4, 2);
      if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
        return NOT_HANDLED;
      }
      seconds += hour * 3600L + minute * 60L;
      i += 6;
      if (i < to && s.charAt(i) == ':') {
        int second = to - i >= 3 ? digits(s, i + 1, 2) : -1;
        if (second < 0 || second > 59) {
          return NOT_HANDLED;
        }
        seconds += second;
        i += 3;
        if (i < to && s.charAt(i) == '.') {
          int start = ++i;
          long nanos = 0;
          while (i < to && i - start < 9 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            nanos = nanos * 10 + (s.charAt(i) - '0');
            i++;
          }
          int n = i - start;
          if (n == 0 || (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9')) {
            return NOT_HANDLED;
          }
          for (int k = n; k < 9; k++) {
            nanos *= 10;
          }
          micros = nanos / 1000;
        }
      }
      if (i < to) {
        char z = s.charAt(i);
        if ((z == 'Z' || z == 'z') && i + 1 == to) {
          offset = 0;
        } else if ((z == '+' || z == '-') && to - i == 6 && s.charAt(i + 3) == ':') {
          int oh = digits(s, i + 1, 2);
          int om = digits(s, i + 4, 2);
          if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > 18 * 60) {
            return NOT_HANDLED;
          }
          offset = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
        } else {
          return NOT_HANDLED;
        }
      }
    }
    if (offset == Integer.MIN_VALUE) {
      return NOT_HANDLED;
    }
    return (seconds - offset) * 1_000_000L + micros;
  }

  private static int digits(String s, int at, int n) {
    int v = 0;
    for (int k = 0; k < n; k++) {
      char ch = s.charAt(at + k);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      v = v * 10 + (ch - '0');
    }
    return v;
  }

  private static int lengthOfMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }
}
