package org.example.rowformat;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.optstore.BoolColumn;
import org.optstore.BoundQuery;
import org.optstore.Column;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.DoubleColumn;
import org.optstore.Field;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.IntColumn;
import org.optstore.InvalidConfigException;
import org.optstore.LongColumn;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.StoreClosedException;
import org.optstore.StringColumn;
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
 * A deliberately small third-party format, defined only in this module's tests and registered
 * through its own {@code META-INF/services} entry: rows one after another through a {@link
 * DataOutputStream}, one CRC32C over the whole file in a trailer. It writes to a path (as a
 * native library would), pushes nothing down and reads whole files into memory: the least a
 * format can do and still pass the contract.
 *
 * <pre>
 * magic "ROWFMT1\n" | int header length | int columns | per column: UTF name, UTF type name
 * | UTF time column ("" for none) | rows: per column a null flag byte, then the value
 * | trailer: long rows, int CRC32C of everything before the trailer, magic "ROWEND!\n"
 * </pre>
 */
public final class RowFormat implements StorageFormat {
  /** Deliberate defects, for the test that shows the contract catches them. */
  enum Flaw {
    NONE,
    /** The reader does not check the file's checksum. */
    IGNORES_CHECKSUM,
    /** The reader claims to apply time ranges but returns every row. */
    CLAIMS_TIME_RANGE,
    /** The writer stores null strings as empty strings. */
    NULL_STRINGS_AS_EMPTY,
    /**
     * The reader checks the file's end through one shared channel at every read and never
     * reopens it: one interrupted read closes it for good.
     */
    BREAKS_ON_INTERRUPT
  }

  private final Flaw flaw;

  /** The format as {@link java.util.ServiceLoader} creates it: without flaws. */
  public RowFormat() {
    this(Flaw.NONE);
  }

  RowFormat(Flaw flaw) {
    this.flaw = flaw;
  }

  static final byte[] MAGIC = "ROWFMT1\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] END = "ROWEND!\n".getBytes(StandardCharsets.US_ASCII);
  static final int TRAILER = 8 + 4 + 8;

  @Override
  public String name() {
    return "rows";
  }

  @Override
  public int formatVersion() {
    return 1;
  }

  @Override
  public String fileExtension() {
    return "rows";
  }

  @Override
  public Availability availability() {
    return Availability.availableNow();
  }

  @Override
  public int priority() {
    return 1;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.WRITES_TO_PATH);
  }

  @Override
  public Set<String> codecs() {
    return Set.of("plain");
  }

  @Override
  public String defaultCodec() {
    return "plain";
  }

  @Override
  public FormatWriter createWriter(WriteTarget target, WriteSpec spec) {
    if (!spec.codec().equals("plain")) {
      throw new InvalidConfigException("format 'rows' has no codec '" + spec.codec()
          + "'; its codecs are [plain]");
    }
    return new Writer(target.path(), spec.schema(), flaw);
  }

  @Override
  public FormatReader openReader(ReadSpec spec) {
    return new Reader(spec, flaw);
  }

  private static final class Writer implements FormatWriter {
    private final Schema schema;
    private final Flaw flaw;
    private final CheckedOutputStream checked;
    private final DataOutputStream out;
    private long rows;
    private boolean closed;

    Writer(Path path, Schema schema, Flaw flaw) {
      this.schema = schema;
      this.flaw = flaw;
      try {
        OutputStream file = Files.newOutputStream(path);
        this.checked = new CheckedOutputStream(new BufferedOutputStream(file, 1 << 16),
            new CRC32C());
        this.out = new DataOutputStream(checked);
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(head);
        h.writeInt(schema.size());
        for (Field f : schema.fields()) {
          h.writeUTF(f.name());
          h.writeUTF(f.type().name());
        }
        h.writeUTF(schema.timeColumn().orElse(""));
        out.write(MAGIC);
        out.writeInt(MAGIC.length + 4 + head.size());
        out.write(head.toByteArray());
      } catch (IOException e) {
        throw new DataStoreException("cannot write " + path + ": " + e, e);
      }
    }

    @Override
    public void write(Frame batch) {
      if (!batch.schema().equals(schema)) {
        throw new SchemaException("batch schema " + batch.schema() + " differs from " + schema);
      }
      try {
        for (int r = 0; r < batch.rowCount(); r++) {
          for (int c = 0; c < batch.columnCount(); c++) {
            writeValue(batch.column(c), r);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      rows += batch.rowCount();
    }

    private void writeValue(Column col, int r) throws IOException {
      if (col.isNull(r) && !(flaw == Flaw.NULL_STRINGS_AS_EMPTY && col instanceof StringColumn)) {
        out.writeByte(1);
        return;
      }
      out.writeByte(0);
      if (col instanceof LongColumn c) {
        out.writeLong(c.get(r));
      } else if (col instanceof IntColumn c) {
        out.writeInt(c.get(r));
      } else if (col instanceof DoubleColumn c) {
        out.writeLong(Double.doubleToRawLongBits(c.get(r)));
      } else if (col instanceof FloatColumn c) {
        out.writeInt(Float.floatToRawIntBits(c.get(r)));
      } else if (col instanceof BoolColumn c) {
        out.writeBoolean(c.get(r));
      } else {
        String v = ((StringColumn) col).get(r);
        byte[] b = (v == null ? "" : v).getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
      }
    }

    @Override
    public WriteSummary finish() {
      try {
        out.flush();
        int crc = (int) checked.getChecksum().getValue();
        out.writeLong(rows);
        out.writeInt(crc);
        out.write(END);
        out.close();
        closed = true;
        return new WriteSummary(rows, Map.of("file.crc32c", Integer.toHexString(crc)));
      } catch (IOException e) {
        throw new DataStoreException("cannot finish a 'rows' file: " + e, e);
      }
    }

    @Override
    public void close() {
      if (!closed) {
        try {
          out.close();
        } catch (IOException e) {
          // abandoned file: the caller deletes it
        }
      }
    }
  }

  private static final class Reader implements FormatReader {
    private final Frame frame;
    private final Flaw flaw;
    private final Path file;
    private final FileChannel channel;

    Reader(ReadSpec spec, Flaw flaw) {
      this.flaw = flaw;
      Path file = spec.file();
      this.file = file;
      byte[] all;
      try {
        all = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new CorruptDataException("cannot read 'rows' file " + file + ": " + e, e);
      }
      if (all.length < MAGIC.length
          || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
        throw new CorruptDataException(file + " is not a file of format 'rows' (no magic)");
      }
      if (all.length < MAGIC.length + 4 + TRAILER
          || !Arrays.equals(Arrays.copyOfRange(all, all.length - END.length, all.length), END)) {
        throw new CorruptDataException("'rows' file " + file + " is truncated");
      }
      ByteBuffer trailer = ByteBuffer.wrap(all, all.length - TRAILER, TRAILER);
      long rows = trailer.getLong();
      int stored = trailer.getInt();
      CRC32C crc = new CRC32C();
      crc.update(all, 0, all.length - TRAILER);
      if ((int) crc.getValue() != stored && flaw != Flaw.IGNORES_CHECKSUM) {
        throw new CorruptDataException("'rows' file " + file + " fails its checksum");
      }
      String recorded = spec.checksums().get("file.crc32c");
      if (recorded != null && !recorded.equals(Integer.toHexString(stored))
          && flaw != Flaw.IGNORES_CHECKSUM) {
        throw new CorruptDataException("'rows' file " + file + " is not the file the manifest "
            + "recorded (CRC32C " + Integer.toHexString(stored) + ", recorded " + recorded + ")");
      }
      try {
        this.frame = parse(new DataInputStream(new ByteArrayInputStream(all, MAGIC.length + 4,
            all.length - TRAILER - MAGIC.length - 4)), rows);
      } catch (IOException | IllegalArgumentException | DataStoreException e) {
        throw new CorruptDataException("'rows' file " + file + " is damaged: " + e, e);
      }
      try {
        this.channel = flaw == Flaw.BREAKS_ON_INTERRUPT
            ? FileChannel.open(file, StandardOpenOption.READ) : null;
      } catch (IOException e) {
        throw new CorruptDataException("cannot read 'rows' file " + file + ": " + e, e);
      }
    }

    /** The flawed reader's check of the file's end at every read. */
    private void checkEnd() {
      if (channel == null) {
        return;
      }
      try {
        channel.read(ByteBuffer.allocate(END.length), channel.size() - END.length);
      } catch (ClosedByInterruptException e) {
        throw new DataStoreException("read of 'rows' file " + file + " was interrupted", e);
      } catch (ClosedChannelException e) {
        throw new StoreClosedException("reader of 'rows' file " + file + " is closed");
      } catch (IOException e) {
        throw new DataStoreException("cannot read 'rows' file " + file + ": " + e, e);
      }
    }

    private static Frame parse(DataInputStream in, long rows) throws IOException {
      int n = in.readInt();
      List<Field> fields = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        String name = in.readUTF();
        fields.add(Field.of(name, ColumnType.valueOf(in.readUTF())));
      }
      String time = in.readUTF();
      Schema schema = time.isEmpty() ? Schema.withoutTimeColumn(fields) : Schema.of(fields, time);
      ColumnBuilder[] b = new ColumnBuilder[n];
      for (int c = 0; c < n; c++) {
        b[c] = ColumnBuilder.of(fields.get(c).type(), (int) Math.min(rows, 1 << 20));
      }
      for (long r = 0; r < rows; r++) {
        for (int c = 0; c < n; c++) {
          if (in.readByte() != 0) {
            b[c].appendNull();
            continue;
          }
          switch (fields.get(c).type()) {
            case TIMESTAMP, INT64 -> b[c].appendLong(in.readLong());
            case INT32 -> b[c].appendInt(in.readInt());
            case FLOAT64 -> b[c].appendDouble(Double.longBitsToDouble(in.readLong()));
            case FLOAT32 -> b[c].appendFloat(Float.intBitsToFloat(in.readInt()));
            case BOOL -> b[c].appendBoolean(in.readBoolean());
            case STRING -> {
              byte[] s = new byte[in.readInt()];
              in.readFully(s);
              b[c].appendString(new String(s, StandardCharsets.UTF_8));
            }
            default -> throw new AssertionError();
          }
        }
      }
      if (in.read() != -1) {
        throw new EOFException("bytes after the last row");
      }
      List<Column> cols = new ArrayList<>();
      for (ColumnBuilder cb : b) {
        cols.add(cb.build());
      }
      return Frame.of(schema, cols);
    }

    @Override
    public Schema schema() {
      return frame.schema();
    }

    @Override
    public long rowCount() {
      return frame.rowCount();
    }

    @Override
    public Set<Pushdown> pushdown(BoundQuery query) {
      return flaw == Flaw.CLAIMS_TIME_RANGE ? EnumSet.of(Pushdown.TIME_RANGE)
          : EnumSet.noneOf(Pushdown.class);
    }

    @Override
    public Frame read(BoundQuery query) {
      checkEnd();
      return frame.project(query.readColumns());
    }

    @Override
    public FrameStream stream(BoundQuery query, int batchRows) {
      return FrameStream.slices(read(query), batchRows);
    }

    @Override
    public void close() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // nothing was written through it
        }
      }
    }
  }
}
