package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.ColumnType;
import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import org.optstore.DatasetNotFoundException;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.InvalidArgumentException;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.StringColumn;
import org.optstore.TimeRange;
import org.optstore.WriteOptions;

/** storeRecords' inference, typed writes, metadata, and what the manifest reports. */
class WritePathTest {
  @TempDir Path dir;

  private DataStore open() {
    return TestStores.open(TestStores.config(dir.resolve("s")).build());
  }

  private static Map<String, Object> rec(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void recordsAreInferredAsTheOriginalDid() {
    List<Map<String, Object>> records = List.of(
        rec("timestamp", "2023-01-01T00:00:00Z", "n", 1, "x", 1, "ok", true, "s", "a"),
        rec("timestamp", "2023-01-01T00:00:01", "n", 2L, "x", 2.5, "ok", false),
        rec("timestamp", "2023-01-01 00:00:02", "x", 3f, "s", "b", "extra", null),
        rec("timestamp", Instant.parse("2023-01-01T00:00:03Z"), "n", null, "x", 4));
    try (DataStore s = open()) {
      DatasetInfo info = s.storeRecords("r", records, Map.of("source", "test_source"));
      assertThat(info.schema()).isEqualTo(Schema.of(List.of(
          Field.of("timestamp", ColumnType.TIMESTAMP), Field.of("n", ColumnType.INT64),
          Field.of("x", ColumnType.FLOAT64), Field.of("ok", ColumnType.BOOL),
          Field.of("s", ColumnType.STRING), Field.of("extra", ColumnType.STRING)), "timestamp"));
      assertThat(info.rowCount()).isEqualTo(4);
      assertThat(info.timeSorted()).isTrue();
      assertThat(info.minTime()).contains(TestStores.T0);
      assertThat(info.maxTime()).contains(TestStores.T0.plusSeconds(3));
      assertThat(info.metadata()).containsEntry("source", "test_source");
      List<Map<String, Object>> back = s.retrieve("r").frame().toRecords();
      assertThat(back.get(1)).containsEntry("timestamp", TestStores.T0.plusSeconds(1))
          .containsEntry("n", 2L).containsEntry("x", 2.5).containsEntry("ok", false)
          .containsEntry("s", null).containsEntry("extra", null);
      assertThat(back.get(3)).containsEntry("n", null).containsEntry("x", 4.0);
    }
  }

  @Test
  void timeValuesFollowTheWriteOptions() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    try (DataStore s = open()) {
      DatasetInfo d = s.storeRecords("d", List.of(rec("day", "20230102", "v", 1),
          rec("day", "20230101", "v", 2)), Map.of(),
          WriteOptions.builder().timeColumn("day").timePattern("yyyyMMdd").zone(paris).build());
      assertThat(d.timeColumn()).contains("day");
      assertThat(d.timeSorted()).isFalse();
      assertThat(d.minTime()).contains(LocalDate.of(2023, 1, 1).atStartOfDay(paris).toInstant());
      DatasetInfo e = s.storeRecords("e", List.of(rec("t", 1_672_531_200L), rec("t", 1.5),
          rec("t", "1672531201")), Map.of(),
          WriteOptions.builder().timeColumn("t").epochUnit(TimeUnit.SECONDS).build());
      assertThat(s.retrieve("e").frame().longs("t").toArray()).containsExactly(
          1_672_531_200_000_000L, 1_500_000L, 1_672_531_201_000_000L);
      assertThat(e.timeSorted()).isFalse();
      DatasetInfo ms = s.storeRecords("ms", List.of(rec("t", 1_672_531_200_123L)), Map.of(),
          WriteOptions.builder().timeColumn("t").epochUnit(TimeUnit.MILLISECONDS).build());
      assertThat(ms.minTimeMicros()).isEqualTo(1_672_531_200_123_000L);
      DatasetInfo none = s.storeRecords("none", List.of(rec("timestamp", "x", "v", 1)), Map.of(),
          WriteOptions.builder().noTimeColumn().build());
      assertThat(none.timeColumn()).isEmpty();
      assertThat(none.schema().field("timestamp").type()).isEqualTo(ColumnType.STRING);
      assertThatThrownBy(() -> s.retrieve("none", Query.builder().between(TestStores.T0,
          TestStores.T0.plusSeconds(1)).build()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("no time column")
          .hasMessageContaining("'none'");
    }
  }

  @Test
  void badRecordsNameTheFieldAndTheFirstBadRow() {
    try (DataStore s = open()) {
      assertThatThrownBy(() -> s.storeRecords("b", List.of(rec("a", 1), rec("a", 2),
          rec("a", "three")), Map.of()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("'a'")
          .hasMessageContaining("row 2").hasMessageContaining("integers");
      assertThatThrownBy(() -> s.storeRecords("b", List.of(rec("a", Map.of("x", 1))), Map.of()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("nested")
          .hasMessageContaining("row 0");
      assertThatThrownBy(() -> s.storeRecords("b", List.of(rec("a", List.of(1))), Map.of()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("nested");
      assertThatThrownBy(() -> s.storeRecords("b", List.of(rec("timestamp", "2023-01-01"),
          rec("timestamp", null)), Map.of()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("'timestamp'")
          .hasMessageContaining("row 1");
      assertThatThrownBy(() -> s.storeRecords("b", List.of(rec("timestamp", "yesterday")),
          Map.of()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("yesterday")
          .hasMessageContaining("ISO-8601");
      assertThatThrownBy(() -> s.storeRecords("b", List.of(rec("timestamp", 17L)), Map.of()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("epoch unit");
      assertThatThrownBy(() -> s.storeRecords("b", List.of(rec("a", 1)), Map.of(),
          WriteOptions.builder().timeColumn("ts").build()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("'ts'");
      assertThatThrownBy(() -> s.storeRecords("b", List.of(rec("a", new Object())), Map.of()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("java.lang.Object");
      assertThatThrownBy(() -> s.storeRecords("b", List.of(rec(), rec()), Map.of()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("2 records without any field");
      assertThatThrownBy(() -> s.retrieve("b")).isInstanceOf(DatasetNotFoundException.class);
      assertThat(s.storeRecords("none", List.of(), Map.of()).rowCount()).isZero();
      assertThat(s.retrieve("none").frame().columnCount()).isZero();
    }
  }

  @Test
  void metadataMustBeJson() {
    try (DataStore s = open()) {
      Map<String, Object> meta = new HashMap<>();
      meta.put("n", 10);
      meta.put("nested", Map.of("list", List.of(1, "two", true)));
      meta.put("none", null);
      meta.put("big", new BigDecimal("1.25"));
      DatasetInfo info = s.store("m", TestStores.ticks(2), meta);
      assertThat(info.metadata()).containsEntry("n", 10).containsEntry("none", null)
          .containsEntry("nested", Map.of("list", List.of(1, "two", true)))
          .containsEntry("big", 1.25);
      assertThat(s.info("m").metadata()).isEqualTo(info.metadata());
      assertThatThrownBy(() -> s.store("m", TestStores.ticks(2), Map.of("when", Instant.EPOCH)))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'when'")
          .hasMessageContaining("Instant");
      assertThatThrownBy(() -> s.store("m", TestStores.ticks(2), Map.of("x", Double.NaN)))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("NaN");
      assertThat(s.info("m").version()).isEqualTo(1);
    }
  }

  @Test
  void framesAndStreamsAreStoredAsNewVersions() {
    try (DataStore s = open()) {
      Frame empty = Frame.empty(TestStores.ticks(1).schema());
      DatasetInfo e = s.store("e", empty, Map.of());
      assertThat(e.rowCount()).isZero();
      assertThat(e.minTime()).isEmpty();
      assertThat(e.timeSorted()).isTrue();
      assertThat(s.retrieve("e").frame()).isEqualTo(empty);
      assertThat(s.retrieve("e", Query.builder().where(Predicates.gt("price", 1.0)).build())
          .frame().schema()).isEqualTo(empty.schema());
      Frame big = TestStores.ticks(150_000);
      DatasetInfo b = s.store("big", big, Map.of());
      assertThat(b.rowCount()).isEqualTo(150_000);
      assertThat(b.sizeBytes()).isPositive();
      assertThat(b.rawSizeBytes()).isPositive();
      assertThat(s.retrieve("big").frame()).isEqualTo(big);
      List<Frame> parts = new ArrayList<>();
      parts.add(big.slice(0, 10));
      parts.add(big.slice(10, 10));
      parts.add(big.slice(10, 25));
      DatasetInfo st = s.store("stream", FrameStream.of(big.schema(), parts), Map.of(),
          WriteOptions.defaults());
      assertThat(st.rowCount()).isEqualTo(25);
      assertThat(s.retrieve("stream").frame()).isEqualTo(big.slice(0, 25));
      Query r1 = Query.builder().timeRange(TimeRange.between(TestStores.T0.plusSeconds(86_400),
          TestStores.T0.plusSeconds(2 * 86_400))).columns("ts").build();
      assertThat(s.retrieve("big", r1).frame().rowCount()).isEqualTo(150_000 - 86_400);
    }
  }

  @Test
  void aNamedTimeColumnOverridesTheFramesAndMustHoldNoNull() {
    long[] t = {3, 1, 2};
    Frame f = Frame.builder().noTimeColumn()
        .column("a", LongColumn.wrap(ColumnType.TIMESTAMP, t.clone(), NullMask.none(3)))
        .column("b", LongColumn.wrap(ColumnType.TIMESTAMP, new long[] {1, 0, 5},
            NullMask.of(new boolean[] {false, true, false})))
        .column("s", StringColumn.of("x", "y", "z"))
        .build();
    try (DataStore s = open()) {
      assertThat(s.store("f", f, Map.of()).timeColumn()).isEmpty();
      DatasetInfo a = s.store("f", f, Map.of(), WriteOptions.builder().timeColumn("a").build());
      assertThat(a.timeColumn()).contains("a");
      assertThat(a.timeSorted()).isFalse();
      assertThat(a.minTimeMicros()).isEqualTo(1);
      assertThat(a.maxTimeMicros()).isEqualTo(3);
      assertThat(s.retrieve("f", Query.builder().timeRange(TimeRange.ofMicros(2, 4)).build())
          .frame().strings("s").toArray()).containsExactly("x", "z");
      assertThatThrownBy(() -> s.store("f", f, Map.of(),
          WriteOptions.builder().timeColumn("b").build()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("'b'")
          .hasMessageContaining("row 1");
      assertThatThrownBy(() -> s.store("f", f, Map.of(),
          WriteOptions.builder().timeColumn("s").build()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("TIMESTAMP");
      assertThat(s.info("f").version()).isEqualTo(2);
    }
  }

  @Test
  void aStreamWhoseBatchesDisagreeFailsAndLeavesNothing() {
    Frame a = TestStores.ticks(5);
    Frame other = a.project("ts", "price");
    FrameStream bad = new FrameStream() {
      int i;

      @Override
      public Schema schema() {
        return a.schema();
      }

      @Override
      public boolean hasNext() {
        return i < 2;
      }

      @Override
      public Frame next() {
        return i++ == 0 ? a : other;
      }

      @Override
      public void close() {}
    };
    try (DataStore s = open()) {
      assertThatThrownBy(() -> s.store("x", bad, Map.of(), WriteOptions.defaults()))
          .isInstanceOf(SchemaException.class).hasMessageContaining("row 5");
      assertThat(s.list()).isEmpty();
    }
  }
}
