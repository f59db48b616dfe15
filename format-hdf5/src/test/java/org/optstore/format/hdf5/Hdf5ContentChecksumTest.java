package org.optstore.format.hdf5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.Column;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.DoubleColumn;
import org.optstore.Frame;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Query;
import org.optstore.StringColumn;
import org.optstore.spi.FormatReader;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.WriteSummary;

/**
 * The manifest checksum covers everything that can change a result: a file replaced by another
 * valid file with the same schema, row count and time statistics but other rows is refused when
 * it is opened, and one replaced while a reader has it open is caught when its chunks are read.
 */
class Hdf5ContentChecksumTest {

  private static final int ROWS = 3000;
  private static final int CHUNK_ROWS = 512;

  @TempDir Path dir;

  private static Frame with(Frame f, String column, Column replacement) {
    Frame.Builder b = Frame.builder();
    for (String name : f.schema().names()) {
      b.column(name, name.equals(column) ? replacement : f.column(name));
    }
    return b.timeColumn("ts").build();
  }

  /** An earlier version of the file: the same metadata, one price not yet corrected. */
  private static Frame earlierPrices(Frame f) {
    double[] price = f.doubles("price").toArray();
    price[1234] -= 0.01;
    return with(f, "price", DoubleColumn.wrap(ColumnType.FLOAT64, price, NullMask.none(price.length)));
  }

  /** The same codes in every chunk over a dictionary with one entry spelled differently. */
  private static Frame otherSpelling(Frame f) {
    String[] sym = f.strings("symbol").toArray();
    for (int i = 0; i < sym.length; i++) {
      if (sym[i].equals("SYM042")) {
        sym[i] = "SYM-42";
      }
    }
    return with(f, "symbol", StringColumn.of(sym));
  }

  /** A value 0 instead of a null: the same data chunks, only the null mask differs. */
  private static Frame[] nullOrZero(Frame f) {
    long[] volume = f.longs("volume").toArray();
    volume[700] = 0;
    boolean[] nul = new boolean[volume.length];
    nul[700] = true;
    return new Frame[] {
        with(f, "volume", LongColumn.wrap(ColumnType.INT64, volume, NullMask.of(nul))),
        with(f, "volume", LongColumn.wrap(ColumnType.INT64, volume.clone(), NullMask.none(volume.length)))};
  }

  private Path write(String name, Frame f, Map<String, WriteSummary> summaries) {
    Path p = dir.resolve(name + ".h5");
    summaries.put(name, Hdf5Files.write(p, f, 1000, CHUNK_ROWS, "deflate-1"));
    return p;
  }

  private static FormatReader open(Path p, Map<String, String> checksums) {
    return Hdf5Files.FORMAT.openReader(new ReadSpec(p, checksums, false, "dataset 'prices' version 2"));
  }

  @Test
  void anotherValidFileWithTheSameMetadataIsRefusedAtOpen() throws IOException {
    Frame current = TicksFrames.ticks(ROWS);
    Frame[] masks = nullOrZero(current);
    Frame[][] pairs = {{current, earlierPrices(current)}, {current, otherSpelling(current)}, masks};
    String[] what = {"price", "dictionary", "null mask"};
    for (int k = 0; k < pairs.length; k++) {
      Map<String, WriteSummary> s = new java.util.HashMap<>();
      Path written = write("written-" + k, pairs[k][0], s);
      Path other = write("other-" + k, pairs[k][1], s);
      // the two files agree on everything the layout attributes say, and differ in their rows
      try (FormatReader a = open(written, Map.of()); FormatReader b = open(other, Map.of())) {
        assertThat(b.schema()).isEqualTo(a.schema());
        assertThat(b.rowCount()).isEqualTo(a.rowCount());
        assertThat(b.blocks()).isEqualTo(a.blocks());
        assertThat(b.read(Query.all().bind(b.schema()))).as(what[k])
            .isNotEqualTo(a.read(Query.all().bind(a.schema())));
      }
      assertThat(s.get("other-" + k).checksums()).as(what[k]).isNotEqualTo(s.get("written-" + k).checksums());
      Files.copy(other, written, StandardCopyOption.REPLACE_EXISTING);
      Map<String, String> recorded = s.get("written-" + k).checksums();
      assertThatThrownBy(() -> open(written, recorded)).as(what[k])
          .isInstanceOf(CorruptDataException.class)
          .hasMessageContaining(written.toString())
          .hasMessageContaining("dataset 'prices' version 2")
          .hasMessageContaining("the manifest recorded " + recorded.get(Hdf5Layout.CHECKSUM_KEY));
      // with its own checksum the other file is fine
      try (FormatReader b = open(other, s.get("other-" + k).checksums())) {
        assertThat(b.read(Query.all().bind(b.schema()))).isEqualTo(pairs[k][1]);
      }
    }
  }

  @Test
  void aFileReplacedWhileOpenIsCaughtWhenAReopenedChannelReadsIt() throws Exception {
    Frame current = TicksFrames.ticks(ROWS);
    Map<String, WriteSummary> s = new java.util.HashMap<>();
    Path written = write("written", current, s);
    Path other = write("other", earlierPrices(current), s);
    try (FormatReader r = open(written, s.get("written").checksums())) {
      Files.move(other, written, StandardCopyOption.REPLACE_EXISTING);
      // the open channel still reads the file that was checked
      assertThat(r.readBlock(2, "price")).isEqualTo(current.column("price").slice(1024, 1536));
      // an interrupted read closes that channel; the reader reopens the path, now the other file
      ExecutorService one = Executors.newSingleThreadExecutor();
      try {
        Future<Throwable> interrupted = one.submit(() -> {
          Thread.currentThread().interrupt();
          try {
            r.readBlock(0, "price");
            return null;
          } catch (DataStoreException e) {
            return e;
          } finally {
            Thread.interrupted();
          }
        });
        assertThat(interrupted.get(60, TimeUnit.SECONDS)).isNotNull().hasMessageContaining("interrupted");
      } finally {
        one.shutdownNow();
      }
      assertThatThrownBy(() -> r.readBlock(2, "price"))
          .isInstanceOf(CorruptDataException.class)
          .hasMessageContaining(written.toString())
          .hasMessageContaining("column 'price' rows 1024..1536")
          .hasMessageContaining("changed while it was open");
    }
  }

  @Test
  void aDictionaryThatDisagreesWithItsChecksumIsRefused() {
    Frame current = TicksFrames.ticks(ROWS);
    Map<String, WriteSummary> s = new java.util.HashMap<>();
    Path p = write("dict", current, s);
    // a valid HDF5 file whose dictionary attribute no longer matches its bytes
    modify(p, "data/_dictionaries/symbol", g -> {
      H5.H5Adelete(g, Hdf5Layout.ATTR_CRC32C);
      Hdf5Io.writeLong(g, Hdf5Layout.ATTR_CRC32C, 12345);
    });
    assertThatThrownBy(() -> open(p, s.get("dict").checksums()))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("the manifest recorded");
    try (FormatReader r = open(p, Map.of())) {
      assertThat(r.read(Query.builder().columns("price").build().bind(r.schema())))
          .isEqualTo(current.project("price"));
      assertThatThrownBy(() -> r.read(Query.all().bind(r.schema())))
          .isInstanceOf(CorruptDataException.class)
          .hasMessageContaining(p.toString())
          .hasMessageContaining("dictionary of column 'symbol'")
          .hasMessageContaining("its attribute says 3039");
    }
  }

  @Test
  void aFileOfLayoutVersionOneIsRefusedWithTheWayOut() {
    Map<String, WriteSummary> s = new java.util.HashMap<>();
    Path p = write("v1", TicksFrames.ticks(10), s);
    modify(p, "data", g -> {
      H5.H5Adelete(g, Hdf5Layout.ATTR_LAYOUT_VERSION);
      Hdf5Io.writeLong(g, Hdf5Layout.ATTR_LAYOUT_VERSION, 1);
    });
    assertThatThrownBy(() -> open(p, Map.of()))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(p.toString())
        .hasMessageContaining("layout version 1")
        .hasMessageContaining("rebuilds it from the raw copy");
  }

  /** Opens object {@code path} of the file read-write and hands it to {@code change}. */
  private static void modify(Path file, String path, LongConsumer change) {
    synchronized (NativeHdf5.LOCK) {
      long f = H5.H5Fopen(file.toString(), HDF5Constants.H5F_ACC_RDWR, HDF5Constants.H5P_DEFAULT);
      try {
        long o = H5.H5Oopen(f, path, HDF5Constants.H5P_DEFAULT);
        try {
          change.accept(o);
        } finally {
          H5.H5Oclose(o);
        }
      } finally {
        H5.H5Fclose(f);
      }
    }
  }
}
