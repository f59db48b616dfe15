package org.optstore.core.raw;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;
import org.optstore.Column;
import org.optstore.ColumnBuilder;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.Schema;
import org.optstore.core.catalog.ManifestCodec;
import org.optstore.core.catalog.SchemaJson;

/**
 * Reads a raw copy back, batch by batch, after checking its size and whole-file CRC32C against
 * what the manifest recorded, and its embedded schema against the manifest's. Not thread-safe;
 * close it.
 */
public final class RawCopyReader implements FrameStream {
  private final Path file;
  private final Schema schema;
  private final int batchRows;
  private final DataFileStream<Object> stream;
  private final RowAppender appender;
  private long rows;

  private RawCopyReader(Path file, Schema schema, int batchRows, DataFileStream<Object> stream,
      RowAppender appender) {
    this.file = file;
    this.schema = schema;
    this.batchRows = batchRows;
    this.stream = stream;
    this.appender = appender;
  }

  /**
   * @param file the raw copy
   * @param size its size as recorded
   * @param crc32c its CRC32C as recorded (8 hex digits)
   * @param schema the version's schema
   * @param batchRows the most rows per batch
   * @return the reader, positioned before the first row
   * @throws CorruptDataException when the file is missing, has another size, fails its CRC32C,
   *     or holds another schema
   */
  public static RawCopyReader open(Path file, long size, String crc32c, Schema schema,
      int batchRows) {
    verify(file, size, crc32c);
    DataFileStream<Object> stream = null;
    try {
      RowAppender appender = new RowAppender(schema);
      InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      stream = new DataFileStream<>(in, appender);
      String embedded = stream.getMetaString(AvroSchemas.SCHEMA_META);
      if (embedded == null || !SchemaJson.fromJson(embedded, "raw copy " + file).equals(schema)) {
        throw new CorruptDataException("raw copy " + file + " holds the schema " + embedded
            + " but its manifest says " + schema + "; the raw copy belongs to another version");
      }
      return new RawCopyReader(file, schema, batchRows, stream, appender);
    } catch (IOException | AvroRuntimeException e) {
      closeQuietly(stream);
      throw new CorruptDataException("raw copy " + file + " passes its CRC32C but cannot be read "
          + "as Avro: " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(stream);
      throw e;
    }
  }

  private static void verify(Path file, long size, String crc32c) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long actual = ch.size();
      if (actual != size) {
        throw new CorruptDataException("raw copy " + file + " has " + actual + " bytes but its "
            + "manifest recorded " + size + "; it was truncated or replaced");
      }
      CRC32C crc = new CRC32C();
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      while (ch.read(buf) > 0 || buf.position() > 0) {
        buf.flip();
        crc.update(buf);
        buf.clear();
      }
      String computed = ManifestCodec.hex(crc.getValue());
      if (!computed.equalsIgnoreCase(crc32c)) {
        throw new CorruptDataException("raw copy " + file + " fails its CRC32C (recorded " + crc32c
            + ", computed " + computed + "); the version cannot be rebuilt from it");
      }
    } catch (NoSuchFileException e) {
      throw new CorruptDataException("raw copy " + file + " is missing; the version cannot be "
          + "rebuilt");
    } catch (IOException e) {
      throw new DataStoreException("cannot read raw copy " + file + ": " + e, e);
    }
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public boolean hasNext() {
    try {
      return stream.hasNext();
    } catch (AvroRuntimeException e) {
      throw new CorruptDataException("raw copy " + file + " is damaged after row " + rows + ": "
          + e, e);
    }
  }

  @Override
  public Frame next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows in " + file);
    }
    appender.start(batchRows);
    int n = 0;
    try {
      while (n < batchRows && stream.hasNext()) {
        stream.next(null);
        n++;
      }
    } catch (IOException | AvroRuntimeException e) {
      throw new CorruptDataException("raw copy " + file + " is damaged after row " + (rows + n)
          + ": " + e, e);
    }
    rows += n;
    return Frame.of(schema, appender.finish());
  }

  /** @return the rows read so far */
  public long rowsRead() {
    return rows;
  }

  @Override
  public void close() {
    closeQuietly(stream);
  }

  private static void closeQuietly(DataFileStream<?> s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // reading only: nothing to lose
      }
    }
  }

  /** Decodes one row straight into column builders. */
  private static final class RowAppender implements DatumReader<Object> {
    private final Schema schema;
    private final boolean[] nullable;
    private final ColumnBuilder[] builders;
    private final Utf8 utf8 = new Utf8();

    RowAppender(Schema schema) {
      this.schema = schema;
      this.nullable = new boolean[schema.size()];
      this.builders = new ColumnBuilder[schema.size()];
      String time = schema.timeColumn().orElse(null);
      for (int c = 0; c < nullable.length; c++) {
        nullable[c] = !schema.field(c).name().equals(time);
      }
    }

    void start(int expected) {
      for (int c = 0; c < builders.length; c++) {
        builders[c] = ColumnBuilder.of(schema.field(c).type(), expected);
      }
    }

    List<Column> finish() {
      List<Column> out = new ArrayList<>(builders.length);
      for (ColumnBuilder b : builders) {
        out.add(b.build());
      }
      return out;
    }

    @Override
    public void setSchema(org.apache.avro.Schema s) {}

    @Override
    public Object read(Object reuse, Decoder in) throws IOException {
      for (int c = 0; c < builders.length; c++) {
        ColumnBuilder b = builders[c];
        if (nullable[c] && in.readIndex() == 0) {
          in.readNull();
          b.appendNull();
          continue;
        }
        switch (b.type()) {
          case TIMESTAMP, INT64 -> b.appendLong(in.readLong());
          case INT32 -> b.appendInt(in.readInt());
          case FLOAT64 -> b.appendDouble(in.readDouble());
          case FLOAT32 -> b.appendFloat(in.readFloat());
          case BOOL -> b.appendBoolean(in.readBoolean());
          case STRING -> b.appendString(in.readString(utf8).toString());
          default -> throw new AssertionError(b.type());
        }
      }
      return null;
    }
  }
}
