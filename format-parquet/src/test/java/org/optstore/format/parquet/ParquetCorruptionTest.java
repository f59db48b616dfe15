package org.optstore.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.CorruptDataException;
import org.optstore.Frame;
import org.optstore.Query;
import org.optstore.spi.FormatReader;
import org.optstore.spi.ReadSpec;

/** Every byte that can change a result is checked: flips and truncations fail loudly, naming the file. */
class ParquetCorruptionTest {
  @TempDir Path dir;
  private Frame frame;
  private TestFiles.Written file;

  @BeforeEach
  void write() {
    frame = TestFiles.ticks(0, 20_000);
    file = TestFiles.write(dir.resolve("c.parquet"), "snappy", Map.of("row-group-rows", "8000", "page-rows", "1000"),
        frame);
    try (FormatReader r = file.open()) {
      assertThat(r.read(Query.all().bind(r.schema()))).isEqualTo(frame);
    }
  }

  private void flip(long offset) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.path().toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ 0x10);
    }
  }

  private ColumnChunkMetaData chunk(int group, String column) throws IOException {
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file.path()),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      for (ColumnChunkMetaData c : r.getFooter().getBlocks().get(group).getColumns()) {
        if (c.getPath().toDotString().equals(column)) {
          return c;
        }
      }
    }
    throw new AssertionError("no column " + column);
  }

  private ParquetFileIndex index() throws Exception {
    return ParquetFileIndex.open(file.path(), true, null);
  }

  private void readFailsNamingTheFile(ReadSpec spec) {
    assertThatThrownBy(() -> {
      try (FormatReader r = TestFiles.FORMAT.openReader(spec)) {
        r.read(Query.all().bind(r.schema()));
      }
    }).isInstanceOf(CorruptDataException.class).hasMessageContaining(file.path().getFileName().toString());
  }

  @Test
  void flippedByteInsideADataPageFailsThePageChecksum() throws Exception {
    long offset;
    try (ParquetFileIndex idx = index()) {
      PageTable t = idx.pages(1, 2); // price, row group 1
      offset = t.dataOffset[3] + t.compressedSize[3] / 2;
    }
    flip(offset);
    readFailsNamingTheFile(file.spec(true));
    readFailsNamingTheFile(file.spec(false));
    // without the manifest's checksums the page CRC still catches it
    readFailsNamingTheFile(new ReadSpec(file.path(), Map.of(), true, "no manifest"));
  }

  @Test
  void flippedByteInsideADictionaryPageFails() throws Exception {
    long offset;
    try (ParquetFileIndex idx = index()) {
      PageTable t = idx.pages(0, 1); // symbol
      assertThat(t.dictOffset).isPositive();
      offset = t.dictOffset + 1;
    }
    flip(offset);
    readFailsNamingTheFile(file.spec(true));
  }

  @Test
  void flippedFooterByteFailsAtOpen() throws Exception {
    long len = Files.size(file.path());
    int footerLen;
    try (RandomAccessFile raf = new RandomAccessFile(file.path().toFile(), "r")) {
      raf.seek(len - 8);
      byte[] b = new byte[4];
      raf.readFully(b);
      footerLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
    flip(len - 8 - footerLen + footerLen / 3);
    assertThatThrownBy(file::open).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("footer").hasMessageContaining("c.parquet");
  }

  @Test
  void flippedColumnIndexByteFailsAtOpen() throws Exception {
    ColumnChunkMetaData c = chunk(1, "price");
    flip(c.getColumnIndexReference().getOffset() + c.getColumnIndexReference().getLength() / 2);
    assertThatThrownBy(file::open).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("page index").hasMessageContaining("c.parquet");
  }

  @Test
  void flippedOffsetIndexByteFailsAtOpen() throws Exception {
    ColumnChunkMetaData c = chunk(0, "ts");
    flip(c.getOffsetIndexReference().getOffset() + 3);
    assertThatThrownBy(file::open).isInstanceOf(CorruptDataException.class).hasMessageContaining("c.parquet");
  }

  @Test
  void flippedStatisticsValueFailsAtOpen() throws Exception {
    // the largest timestamp of the last row group, as stored in the footer's statistics
    long max = frame.longs("ts").get(frame.rowCount() - 1);
    byte[] file = Files.readAllBytes(this.file.path());
    byte[] needle = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(max).array();
    long tail = RegionChecksums.decode(this.file.summary().checksums().get(RegionChecksums.KEY)).tailOffset();
    int at = -1;
    for (int i = file.length - 9; i >= tail; i--) {
      if (java.util.Arrays.equals(file, i, i + 8, needle, 0, 8)) {
        at = i;
        break;
      }
    }
    assertThat(at).as("statistics value found in the footer").isPositive();
    flip(at + 1);
    assertThatThrownBy(this.file::open).isInstanceOf(CorruptDataException.class).hasMessageContaining("c.parquet");
    // the file's own integrity record catches it without the manifest too
    assertThatThrownBy(() -> TestFiles.FORMAT.openReader(new ReadSpec(this.file.path(), Map.of(), true, "bare")))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("footer");
  }

  @Test
  void withoutTheManifestTheFileStillDefendsEveryRegion() throws Exception {
    ReadSpec bare = new ReadSpec(file.path(), Map.of(), true, "bare");
    ColumnChunkMetaData price = chunk(1, "price");
    long[] offsets;
    try (ParquetFileIndex idx = index()) {
      offsets = new long[] {
        price.getColumnIndexReference().getOffset() + 1, // column index
        price.getOffsetIndexReference().getOffset() + 1, // offset index
        idx.pages(2, 3).dataOffset[0] - 2, // a page header
        Files.size(file.path()) - 20 // the footer
      };
    }
    byte[] original = Files.readAllBytes(file.path());
    for (long at : offsets) {
      Files.write(file.path(), original);
      flip(at);
      assertThatThrownBy(() -> {
        try (FormatReader r = TestFiles.FORMAT.openReader(bare)) {
          r.read(Query.all().bind(r.schema()));
        }
      }).as("flip at %d", at).isInstanceOf(CorruptDataException.class).hasMessageContaining("c.parquet");
    }
  }

  @Test
  void flippedPageHeaderFailsBeforeThePageIsUsed() throws Exception {
    long offset;
    try (ParquetFileIndex idx = index()) {
      ColumnChunkMetaData c = chunk(2, "volume");
      PageTable t = idx.pages(2, 3);
      // the header of the second page ends where its data starts; flip inside it
      long headerStart = c.getStartingPos();
      offset = t.dataOffset[0] - 2;
      assertThat(offset).isGreaterThan(headerStart);
    }
    flip(offset);
    // headers are checked, chunk by chunk, when a read first needs them
    readFailsNamingTheFile(file.spec(true));
    readFailsNamingTheFile(new ReadSpec(file.path(), Map.of(), false, "no manifest"));
  }

  @Test
  void truncatedFileFailsAtOpen() throws Exception {
    long len = Files.size(file.path());
    try (RandomAccessFile raf = new RandomAccessFile(file.path().toFile(), "rw")) {
      raf.setLength(len - 1);
    }
    assertThatThrownBy(file::open).isInstanceOf(CorruptDataException.class).hasMessageContaining("truncated");
    try (RandomAccessFile raf = new RandomAccessFile(file.path().toFile(), "rw")) {
      raf.setLength(len / 2);
    }
    assertThatThrownBy(file::open).isInstanceOf(CorruptDataException.class).hasMessageContaining("c.parquet");
    // without recorded checksums the broken footer is still detected
    assertThatThrownBy(() -> TestFiles.FORMAT.openReader(new ReadSpec(file.path(), Map.of(), true, "bare")))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("c.parquet");
    try (RandomAccessFile raf = new RandomAccessFile(file.path().toFile(), "rw")) {
      raf.setLength(5);
    }
    assertThatThrownBy(file::open).isInstanceOf(CorruptDataException.class);
  }

  @Test
  void malformedChecksumRecordIsRejected() {
    assertThatThrownBy(() -> TestFiles.FORMAT.openReader(new ReadSpec(file.path(),
        Map.of(RegionChecksums.KEY, "parquet-regions-v1:garbage"), true, "bad record")))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("malformed");
  }

  @Test
  void notAParquetFileIsCorrupt() throws Exception {
    Path p = dir.resolve("plain.txt");
    Files.writeString(p, "this is not a parquet file at all, just some text of some length");
    assertThatThrownBy(() -> TestFiles.FORMAT.openReader(ReadSpec.of(p))).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("plain.txt");
  }
}
