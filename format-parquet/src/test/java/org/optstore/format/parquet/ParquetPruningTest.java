package org.optstore.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.Frame;

/** Statistics and the page index skip what cannot match: few pages are decoded for narrow queries. */
class ParquetPruningTest {
  @TempDir Path dir;

  private ParquetFileIndex index(Path p) throws Exception {
    return ParquetFileIndex.open(p, true, null);
  }

  @Test
  void oneHourOfTimeDecodesAHandfulOfPages() throws Exception {
    Frame f = TestFiles.ticks(0, 200_000);
    Path p = dir.resolve("t.parquet");
    TestFiles.write(p, "snappy", Map.of("row-group-rows", "50000", "page-rows", "1000"), f);
    try (ParquetFileIndex idx = index(p)) {
      long from = TestFiles.T0 + 100_500L * 1_000_000L;
      ParquetScan s = new ParquetScan(idx, new int[] {0}, 0, from, from + 3_600_000_000L, true, null);
      ReadColumn[] out = s.run(null);
      assertThat(out[0].size).isEqualTo(3600);
      // 200 pages of ts in the file; the hour spans 4-5 pages, plus up to 2 decoded for the binary search
      assertThat(s.pagesDecoded()).isBetween(4L, 7L);
    }
  }

  @Test
  void predicateOnAClusteredColumnSkipsPagesByTheColumnIndex() throws Exception {
    Frame f = TestFiles.ticks(0, 200_000);
    Path p = dir.resolve("v.parquet");
    TestFiles.write(p, "snappy", Map.of("row-group-rows", "50000", "page-rows", "1000"), f);
    try (ParquetFileIndex idx = index(p)) {
      // ts is sorted, so ts >= x is clustered: only the pages at and after x are read
      long x = TestFiles.T0 + 199_000L * 1_000_000L;
      ParquetScan s = new ParquetScan(idx, new int[] {3}, -1, Long.MIN_VALUE, Long.MAX_VALUE, false,
          LeafFilter.number(0, org.optstore.ColumnType.TIMESTAMP, RowFilter.Op.GE, x, x));
      ReadColumn[] out = s.run(null);
      assertThat(out[0].size).isEqualTo(1000);
      assertThat(s.pagesDecoded()).isEqualTo(2); // one ts page, one volume page
      // a string not in any dictionary range prunes everything
      ParquetScan none = new ParquetScan(idx, new int[] {1}, -1, Long.MIN_VALUE, Long.MAX_VALUE, false,
          LeafFilter.string(1, RowFilter.Op.EQ, "ZZZ".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(none.run(null)[0].size).isZero();
      assertThat(none.pagesDecoded()).isZero();
    }
  }
}
