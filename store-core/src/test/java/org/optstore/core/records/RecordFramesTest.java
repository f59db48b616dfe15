package org.optstore.core.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractSequentialList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.WriteOptions;

/** Converting records batch by batch. */
class RecordFramesTest {

  /** A sequential list whose positional access fails: records must be read through iterators. */
  private static final class IteratorOnlyList extends AbstractSequentialList<Map<String, Object>> {
    private final LinkedList<Map<String, Object>> rows;

    IteratorOnlyList(List<Map<String, Object>> rows) {
      this.rows = new LinkedList<>(rows);
    }

    @Override
    public Map<String, Object> get(int index) {
      throw new AssertionError("get(" + index + ") walks the list from its start");
    }

    @Override
    public ListIterator<Map<String, Object>> listIterator(int index) {
      if (index != 0) {
        throw new AssertionError("listIterator(" + index + ") walks the list from its start");
      }
      return rows.listIterator(0);
    }

    @Override
    public int size() {
      return rows.size();
    }
  }

  private static List<Map<String, Object>> records(int n) {
    Random rnd = new Random(42);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("timestamp", 1_672_531_200_000_000L + i);
      r.put("v", rnd.nextInt(5) == 0 ? null : rnd.nextDouble());
      r.put("s", "k" + rnd.nextInt(7));
      out.add(r);
    }
    return out;
  }

  private static List<Frame> convert(List<Map<String, Object>> records, int batchRows) {
    WriteOptions options = WriteOptions.builder().epochUnit(java.util.concurrent.TimeUnit
        .MICROSECONDS).build();
    List<Frame> out = new ArrayList<>();
    try (FrameStream s = RecordFrames.convert(records, options, batchRows)) {
      while (s.hasNext()) {
        out.add(s.next());
      }
    }
    return out;
  }

  @Test
  void recordsAreReadInOrderThroughOneIteratorAcrossBatches() {
    List<Map<String, Object>> rows = records(2500);
    List<Frame> fromArray = convert(rows, 1000);
    List<Frame> fromSequential = convert(new IteratorOnlyList(rows), 1000);
    assertThat(fromSequential).extracting(Frame::rowCount).containsExactly(1000, 1000, 500);
    assertThat(fromSequential).isEqualTo(fromArray);
    Frame last = fromSequential.get(2);
    assertThat(last.longs("timestamp").get(499)).isEqualTo(1_672_531_200_000_000L + 2499);
    assertThat(last.toRecords().get(499).get("s")).isEqualTo(rows.get(2499).get("s"));
  }
}
