package org.optstore.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.zip.CRC32C;
import org.optstore.BoolColumn;
import org.optstore.BoundQuery;
import org.optstore.Column;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.DoubleColumn;
import org.optstore.Field;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Schema;
import org.optstore.StringColumn;
import org.optstore.StringDictionary;
import org.optstore.TimeRange;
import org.optstore.spi.Availability;
import org.optstore.spi.Capability;
import org.optstore.spi.FormatReader;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.Pushdown;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteSummary;
import org.optstore.spi.WriteTarget;

/**
 * A test-only columnar format: one checksummed block per written batch, read back (memory-mapped
 * when allowed) as columns of one buffer segment per block. It applies nothing exactly (pushdown
 * is empty) but prunes blocks by time, so the engine refines supersets of multi-segment columns.
 *
 * <p>Layout, little-endian: {@code "TCOL"}; blocks {@code [rows][per column: null words, values]
 * [crc32c]}; footer {@code [schema text][block index]}, its CRC32C, the footer offset, {@code
 * "TEND"}.
 */
public final class ColumnarTestFormat implements StorageFormat {
  public static final String NAME = "testcol";
  private static volatile Gate gate;

  /** Holds reads of one dataset inside the reader until released, for lifecycle tests. */
  public static final class Gate {
    final String dataset;
    public final java.util.concurrent.CountDownLatch entered =
        new java.util.concurrent.CountDownLatch(1);
    public final java.util.concurrent.CountDownLatch release =
        new java.util.concurrent.CountDownLatch(1);

    Gate(String dataset) {
      this.dataset = dataset;
    }
  }

  /**
   * @param dataset the dataset whose reads wait, or null to remove the gate
   * @return the gate
   */
  public static Gate gate(String dataset) {
    Gate g = dataset == null ? null : new Gate(dataset);
    gate = g;
    return g;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int formatVersion() {
    return 1;
  }

  @Override
  public String fileExtension() {
    return "tcol";
  }

  @Override
  public Availability availability() {
    return Availability.availableNow();
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.PROJECTION_PUSHDOWN, Capability.MEMORY_MAPPING);
  }

  @Override
  public Set<String> codecs() {
    return Set.of("none", "fake");
  }

  @Override
  public String defaultCodec() {
    return "none";
  }

  @Override
  public FormatWriter createWriter(WriteTarget target, WriteSpec spec) {
    return new Writer(target.channel(), spec.schema());
  }

  @Override
  public FormatReader openReader(ReadSpec spec) {
    return new Reader(spec);
  }

  private record BlockInfo(long offset, int length, int rows, long minTime, long maxTime) {}

  private static final class Writer implements FormatWriter {
    private final SeekableByteChannel ch;
    private final Schema schema;
    private final List<BlockInfo> blocks = new ArrayList<>();
    private long pos;
    private long rows;

    Writer(SeekableByteChannel ch, Schema schema) {
      this.ch = ch;
      this.schema = schema;
      write(ByteBuffer.wrap("TCOL".getBytes(StandardCharsets.US_ASCII)));
    }

    private void write(ByteBuffer b) {
      try {
        while (b.hasRemaining()) {
          pos += ch.write(b);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void write(Frame batch) {
      int n = batch.rowCount();
      int size = 4;
      for (int c = 0; c < batch.columnCount(); c++) {
        size += 8 * ((n + 63) / 64) + valueBytes(batch.column(c), n);
      }
      ByteBuffer b = ByteBuffer.allocate(size + 4).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(n);
      for (int c = 0; c < batch.columnCount(); c++) {
        Column col = batch.column(c);
        long[] words = col.nulls().toWords();
        for (long w : words) {
          b.putLong(w);
        }
        switch (col.type()) {
          case TIMESTAMP, INT64 -> {
            for (long v : ((LongColumn) col).toArray()) {
              b.putLong(v);
            }
          }
          case INT32 -> {
            for (int v : ((IntColumn) col).toArray()) {
              b.putInt(v);
            }
          }
          case FLOAT64 -> {
            for (double v : ((DoubleColumn) col).toArray()) {
              b.putDouble(v);
            }
          }
          case FLOAT32 -> {
            for (float v : ((FloatColumn) col).toArray()) {
              b.putFloat(v);
            }
          }
          case BOOL -> {
            for (boolean v : ((BoolColumn) col).toArray()) {
              b.put(v ? (byte) 1 : 0);
            }
          }
          case STRING -> {
            StringColumn s = (StringColumn) col;
            String[] dict = s.dictionary().toArray();
            b.putInt(dict.length);
            for (String d : dict) {
              byte[] u = d.getBytes(StandardCharsets.UTF_8);
              b.putInt(u.length).put(u);
            }
            for (int r = 0; r < n; r++) {
              b.putInt(s.isNull(r) ? -7 : s.code(r)); // junk at null rows, as allowed
            }
          }
          default -> throw new AssertionError(col.type());
        }
      }
      CRC32C crc = new CRC32C();
      crc.update(b.array(), 0, size);
      b.putInt((int) crc.getValue());
      b.flip();
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      int t = schema.timeColumnIndex();
      if (t >= 0) {
        for (long v : ((LongColumn) batch.column(t)).toArray()) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      blocks.add(new BlockInfo(pos, size, n, min, max));
      write(b);
      rows += n;
    }

    private static int valueBytes(Column col, int n) {
      if (col instanceof StringColumn s) {
        int bytes = 4 + 4 * n;
        for (String d : s.dictionary().toArray()) {
          bytes += 4 + d.getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes;
      }
      return n * col.type().byteWidth();
    }

    @Override
    public WriteSummary finish() {
      StringBuilder text = new StringBuilder();
      for (Field f : schema.fields()) {
        text.append(f.name()).append('\t').append(f.type()).append('\n');
      }
      text.append("\t").append(schema.timeColumn().orElse("")).append('\n');
      byte[] st = text.toString().getBytes(StandardCharsets.UTF_8);
      ByteBuffer f = ByteBuffer.allocate(4 + st.length + 4 + blocks.size() * 32)
          .order(ByteOrder.LITTLE_ENDIAN);
      f.putInt(st.length).put(st).putInt(blocks.size());
      for (BlockInfo b : blocks) {
        f.putLong(b.offset()).putInt(b.length()).putInt(b.rows()).putLong(b.minTime())
            .putLong(b.maxTime());
      }
      CRC32C crc = new CRC32C();
      crc.update(f.array(), 0, f.position());
      long footerOffset = pos;
      f.flip();
      write(f);
      ByteBuffer tail = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      tail.putInt((int) crc.getValue()).putLong(footerOffset).put("TEND".getBytes(
          StandardCharsets.US_ASCII));
      tail.flip();
      write(tail);
      return new WriteSummary(rows, Map.of("footer.crc32c",
          String.format("%08x", crc.getValue())));
    }

    @Override
    public void close() {}
  }

  private static final class Reader implements FormatReader {
    private final Path file;
    private final String description;
    private final ByteBuffer data;
    private final Schema schema;
    private final List<BlockInfo> blocks = new ArrayList<>();
    private final long rows;

    Reader(ReadSpec spec) {
      this.file = spec.file();
      this.description = spec.description();
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        long size = ch.size();
        if (size < 24) {
          throw corrupt("file", "only " + size + " bytes");
        }
        ByteBuffer d;
        if (spec.memoryMapping()) {
          d = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } else {
          d = ByteBuffer.allocate((int) size);
          while (d.hasRemaining() && ch.read(d) > 0) {
            // fill
          }
          d.flip();
        }
        this.data = d.order(ByteOrder.LITTLE_ENDIAN);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int n = data.limit();
      byte[] tend = new byte[4];
      data.get(n - 4, tend);
      byte[] tcol = new byte[4];
      data.get(0, tcol);
      if (!"TEND".equals(new String(tend, StandardCharsets.US_ASCII))
          || !"TCOL".equals(new String(tcol, StandardCharsets.US_ASCII))) {
        throw corrupt("magic", "missing");
      }
      long footerOffset = data.getLong(n - 12);
      int recorded = data.getInt(n - 16);
      if (footerOffset < 4 || footerOffset > n - 16) {
        throw corrupt("footer", "offset " + footerOffset + " out of range");
      }
      CRC32C crc = new CRC32C();
      crc.update(data.duplicate().position((int) footerOffset).limit(n - 16));
      if ((int) crc.getValue() != recorded) {
        throw corrupt("footer", "CRC32C mismatch");
      }
      String expected = spec.checksums().get("footer.crc32c");
      if (expected != null && !expected.equals(String.format("%08x", crc.getValue()))) {
        throw corrupt("footer", "checksum differs from the manifest's " + expected);
      }
      ByteBuffer f = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) footerOffset);
      byte[] st = new byte[f.getInt()];
      f.get(st);
      List<Field> fields = new ArrayList<>();
      String time = null;
      for (String line : new String(st, StandardCharsets.UTF_8).split("\n")) {
        String[] p = line.split("\t", -1);
        if (p[0].isEmpty()) {
          time = p[1].isEmpty() ? null : p[1];
        } else {
          fields.add(Field.of(p[0], ColumnType.valueOf(p[1])));
        }
      }
      this.schema = time == null ? Schema.withoutTimeColumn(fields) : Schema.of(fields, time);
      int count = f.getInt();
      long total = 0;
      for (int i = 0; i < count; i++) {
        BlockInfo b = new BlockInfo(f.getLong(), f.getInt(), f.getInt(), f.getLong(), f.getLong());
        blocks.add(b);
        total += b.rows();
      }
      this.rows = total;
    }

    private CorruptDataException corrupt(String region, String what) {
      return new CorruptDataException("file " + file + " region " + region + ": " + what);
    }

    @Override
    public Schema schema() {
      return schema;
    }

    @Override
    public long rowCount() {
      return rows;
    }

    @Override
    public Set<Pushdown> pushdown(BoundQuery query) {
      return Set.of();
    }

    private List<Integer> selected(BoundQuery q) {
      List<Integer> out = new ArrayList<>();
      TimeRange r = q.timeRange();
      for (int i = 0; i < blocks.size(); i++) {
        BlockInfo b = blocks.get(i);
        if (!q.hasTimeRange() || b.rows() == 0 || r.overlaps(b.minTime(), b.maxTime())) {
          out.add(i);
        }
      }
      return out;
    }

    @Override
    public Frame read(BoundQuery query) {
      Gate g = gate;
      if (g != null && description.contains("'" + g.dataset + "'")) {
        g.entered.countDown();
        try {
          g.release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return build(selected(query), query.readColumns());
    }

    @Override
    public FrameStream stream(BoundQuery query, int batchRows) {
      List<Integer> sel = selected(query);
      List<String> cols = query.readColumns();
      Schema s = schema.project(cols);
      return new FrameStream() {
        int i;

        @Override
        public Schema schema() {
          return s;
        }

        @Override
        public boolean hasNext() {
          return i < sel.size();
        }

        @Override
        public Frame next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return build(List.of(sel.get(i++)), cols);
        }

        @Override
        public void close() {}
      };
    }

    /** The columns of some blocks: one buffer segment per block. */
    private Frame build(List<Integer> sel, List<String> cols) {
      int total = 0;
      int[] starts = new int[sel.size()];
      for (int k = 0; k < sel.size(); k++) {
        BlockInfo b = blocks.get(sel.get(k));
        starts[k] = total;
        total += b.rows();
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate().position((int) b.offset()).limit((int) b.offset()
            + b.length()));
        if ((int) crc.getValue() != data.getInt((int) b.offset() + b.length())) {
          throw corrupt("block " + sel.get(k), "CRC32C mismatch");
        }
      }
      Schema s = schema.project(cols);
      List<Column> out = new ArrayList<>();
      for (String name : cols) {
        int c = schema.indexOf(name);
        ColumnType type = schema.field(c).type();
        long[] nullWords = new long[(total + 63) / 64];
        List<ByteBuffer> segs = new ArrayList<>();
        List<String> dict = new ArrayList<>();
        int[] codes = type == ColumnType.STRING ? new int[total] : null;
        for (int k = 0; k < sel.size(); k++) {
          BlockInfo b = blocks.get(sel.get(k));
          int n = b.rows();
          int p = (int) b.offset() + 4;
          for (int cc = 0; cc < c; cc++) {
            p = skipColumn(p, schema.field(cc).type(), n);
          }
          for (int r = 0; r < n; r++) {
            long w = data.getLong(p + 8 * (r >>> 6));
            if ((w >>> (r & 63) & 1) != 0) {
              int g = starts[k] + r;
              nullWords[g >>> 6] |= 1L << g;
            }
          }
          p += 8 * ((n + 63) / 64);
          if (type == ColumnType.STRING) {
            int base = dict.size();
            int dn = data.getInt(p);
            p += 4;
            for (int i = 0; i < dn; i++) {
              int len = data.getInt(p);
              byte[] u = new byte[len];
              data.get(p + 4, u);
              dict.add(new String(u, StandardCharsets.UTF_8));
              p += 4 + len;
            }
            for (int r = 0; r < n; r++) {
              int code = data.getInt(p + 4 * r);
              codes[starts[k] + r] = code < 0 ? code : base + code;
            }
          } else {
            int bytes = n * type.byteWidth();
            segs.add(data.duplicate().position(p).limit(p + bytes).slice()
                .order(ByteOrder.LITTLE_ENDIAN));
          }
        }
        NullMask nulls = NullMask.fromWords(nullWords, total);
        out.add(switch (type) {
          case TIMESTAMP, INT64 -> LongColumn.ofBuffers(type,
              segs.stream().map(ByteBuffer::asLongBuffer).toList(), nulls);
          case INT32 -> IntColumn.ofBuffers(type, segs.stream().map(ByteBuffer::asIntBuffer)
              .toList(), nulls);
          case FLOAT64 -> DoubleColumn.ofBuffers(type, segs.stream()
              .map(ByteBuffer::asDoubleBuffer).toList(), nulls);
          case FLOAT32 -> FloatColumn.ofBuffers(type, segs.stream()
              .map(ByteBuffer::asFloatBuffer).toList(), nulls);
          case BOOL -> BoolColumn.ofBuffers(segs, nulls);
          case STRING -> StringColumn.ofCodes(IntColumn.wrap(ColumnType.INT32, codes,
              NullMask.none(total)), StringDictionary.of(dict.toArray(new String[0])), nulls);
        });
      }
      return Frame.of(s, out);
    }

    private int skipColumn(int p, ColumnType type, int n) {
      p += 8 * ((n + 63) / 64);
      if (type == ColumnType.STRING) {
        int dn = data.getInt(p);
        p += 4;
        for (int i = 0; i < dn; i++) {
          p += 4 + data.getInt(p);
        }
        return p + 4 * n;
      }
      return p + n * type.byteWidth();
    }

    @Override
    public void close() {}
  }
}
