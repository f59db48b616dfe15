package org.optstore.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.optstore.BoolColumn;
import org.optstore.BoundQuery;
import org.optstore.Column;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.CorruptDataException;
import org.optstore.DoubleColumn;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.Schema;
import org.optstore.Selection;
import org.optstore.StringColumn;
import org.optstore.core.catalog.SchemaJson;
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
 * A test-only row format: JSON lines (floating point as raw bits), then a line with the CRC32C of
 * everything before it. Its reader applies the time range always, and the predicate and limit
 * exactly when the predicate reads no STRING column, row by row with {@code
 * BoundPredicate#evaluate}: so the engine meets every split between what a reader applies and
 * what it must refine.
 */
public final class RowTestFormat implements StorageFormat {
  public static final String NAME = "testrow";
  private static final ObjectMapper JSON = new ObjectMapper();

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
    return "trow";
  }

  @Override
  public Availability availability() {
    return Availability.availableNow();
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.TIME_RANGE_PUSHDOWN, Capability.PREDICATE_PUSHDOWN,
        Capability.PROJECTION_PUSHDOWN);
  }

  @Override
  public Set<String> codecs() {
    return Set.of("none");
  }

  @Override
  public String defaultCodec() {
    return "none";
  }

  @Override
  public FormatWriter createWriter(WriteTarget target, WriteSpec spec) {
    SeekableByteChannel ch = target.channel();
    CRC32C crc = new CRC32C();
    Schema schema = spec.schema();
    write(ch, crc, (SchemaJson.toJson(schema) + "\n").getBytes(StandardCharsets.UTF_8));
    return new FormatWriter() {
      long rows;

      @Override
      public void write(Frame batch) {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < batch.rowCount(); r++) {
          ArrayNode a = JSON.createArrayNode();
          for (int c = 0; c < batch.columnCount(); c++) {
            Column col = batch.column(c);
            if (col.isNull(r)) {
              a.addNull();
              continue;
            }
            switch (col.type()) {
              case TIMESTAMP, INT64 -> a.add(((LongColumn) col).get(r));
              case INT32 -> a.add(((IntColumn) col).get(r));
              case FLOAT64 -> a.add(Double.doubleToRawLongBits(((DoubleColumn) col).get(r)));
              case FLOAT32 -> a.add(Float.floatToRawIntBits(((FloatColumn) col).get(r)));
              case BOOL -> a.add(((BoolColumn) col).get(r));
              case STRING -> a.add(((StringColumn) col).get(r));
              default -> throw new AssertionError(col.type());
            }
          }
          sb.append(a).append('\n');
        }
        RowTestFormat.write(ch, crc, sb.toString().getBytes(StandardCharsets.UTF_8));
        rows += batch.rowCount();
      }

      @Override
      public WriteSummary finish() {
        String sum = String.format("%08x", crc.getValue());
        RowTestFormat.write(ch, new CRC32C(), ("#" + sum + "\n").getBytes(StandardCharsets.UTF_8));
        return new WriteSummary(rows, Map.of("file.crc32c", sum));
      }

      @Override
      public void close() {}
    };
  }

  private static void write(SeekableByteChannel ch, CRC32C crc, byte[] bytes) {
    crc.update(bytes);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      while (b.hasRemaining()) {
        ch.write(b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public FormatReader openReader(ReadSpec spec) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(spec.file());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int end = bytes.length - 1;
    int hash = end - 1;
    while (hash >= 0 && bytes[hash] != '#') {
      hash--;
    }
    if (hash < 0 || bytes[end] != '\n') {
      throw new CorruptDataException("file " + spec.file() + " region trailer: missing");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, hash);
    String sum = new String(bytes, hash + 1, end - hash - 1, StandardCharsets.US_ASCII);
    if (!sum.equals(String.format("%08x", crc.getValue()))) {
      throw new CorruptDataException("file " + spec.file() + " region rows: CRC32C mismatch");
    }
    String expected = spec.checksums().get("file.crc32c");
    if (expected != null && !expected.equals(sum)) {
      throw new CorruptDataException("file " + spec.file() + ": checksum differs from manifest");
    }
    String[] lines = new String(bytes, 0, hash, StandardCharsets.UTF_8).split("\n");
    Schema schema = SchemaJson.fromJson(lines[0], "file " + spec.file());
    ColumnBuilder[] b = new ColumnBuilder[schema.size()];
    for (int c = 0; c < b.length; c++) {
      b[c] = ColumnBuilder.of(schema.field(c).type());
    }
    try {
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].isEmpty()) {
          continue;
        }
        JsonNode row = JSON.readTree(lines[i]);
        for (int c = 0; c < b.length; c++) {
          JsonNode v = row.get(c);
          if (v.isNull()) {
            b[c].appendNull();
            continue;
          }
          switch (schema.field(c).type()) {
            case TIMESTAMP, INT64 -> b[c].appendLong(v.asLong());
            case INT32 -> b[c].appendInt(v.asInt());
            case FLOAT64 -> b[c].appendDouble(Double.longBitsToDouble(v.asLong()));
            case FLOAT32 -> b[c].appendFloat(Float.intBitsToFloat(v.asInt()));
            case BOOL -> b[c].appendBoolean(v.asBoolean());
            case STRING -> b[c].appendString(v.asText());
            default -> throw new AssertionError();
          }
        }
      }
    } catch (IOException e) {
      throw new CorruptDataException("file " + spec.file() + ": bad row " + e);
    }
    List<Column> cols = new ArrayList<>();
    for (ColumnBuilder x : b) {
      cols.add(x.build());
    }
    Frame all = Frame.of(schema, cols);
    return new FormatReader() {
      @Override
      public Schema schema() {
        return schema;
      }

      @Override
      public long rowCount() {
        return all.rowCount();
      }

      @Override
      public Set<Pushdown> pushdown(BoundQuery q) {
        Set<Pushdown> out = EnumSet.of(Pushdown.TIME_RANGE);
        boolean stringPredicate = q.predicate().isPresent() && q.predicate().get().columns()
            .stream().anyMatch(c -> schema.field(c).type() == ColumnType.STRING);
        if (!stringPredicate) {
          out.add(Pushdown.PREDICATE);
          out.add(Pushdown.LIMIT);
        }
        return out;
      }

      @Override
      public Frame read(BoundQuery q) {
        Set<Pushdown> pd = pushdown(q);
        String time = q.timeColumn().orElse(null);
        int[] pos = new int[all.rowCount()];
        int n = 0;
        int limit = pd.contains(Pushdown.LIMIT) ? q.limit().orElse(Integer.MAX_VALUE)
            : Integer.MAX_VALUE;
        for (int r = 0; r < all.rowCount() && n < limit; r++) {
          if (q.hasTimeRange() && !q.timeRange().contains(all.longs(time).get(r))) {
            continue;
          }
          if (pd.contains(Pushdown.PREDICATE) && q.predicate().isPresent()
              && !Boolean.TRUE.equals(q.predicate().get().evaluate(all, r))) {
            continue;
          }
          pos[n++] = r;
        }
        return all.project(q.readColumns()).select(Selection.ofPositions(all.rowCount(), pos, n));
      }

      @Override
      public FrameStream stream(BoundQuery q, int batchRows) {
        return FrameStream.slices(read(q), Math.max(1, Math.min(batchRows, 7)));
      }

      @Override
      public void close() {}
    };
  }
}
