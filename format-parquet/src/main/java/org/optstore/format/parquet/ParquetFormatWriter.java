package org.optstore.format.parquet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.optstore.BoolColumn;
import org.optstore.Column;
import org.optstore.ColumnType;
import org.optstore.DataStoreException;
import org.optstore.DoubleColumn;
import org.optstore.Field;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.IntColumn;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.StringColumn;
import org.optstore.StringDictionary;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteSummary;
import org.optstore.spi.WriteTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one Parquet file from batches: rows are buffered up to a row group, the group's column
 * chunks are encoded in parallel on the format's pool, and this thread writes them through
 * parquet-java's {@link ParquetFileWriter} while the next group fills.
 */
final class ParquetFormatWriter implements FormatWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ParquetFormatWriter.class);

  private final WriteTarget target;
  private final Schema schema;
  private final Codec codec;
  private final int rowsPerPage;
  private final int rowsPerGroup;
  private final ExecutorService pool;
  private final MessageType parquetSchema;
  private final List<ColumnDescriptor> descriptors;
  private final ChannelOutput output;
  private final ParquetFileWriter fileWriter;
  private final CRC32C headerCrc = new CRC32C();
  /** CRC32C of each column chunk's page headers, row group major. */
  private final java.util.List<Integer> chunkHeaderCrcs = new ArrayList<>();
  private final int timeIndex;
  private final List<Map<String, Integer>> dictIndex = new ArrayList<>();
  private final List<List<byte[]>> dictValues = new ArrayList<>();
  private final ThreadLocal<ChunkEncoder> encoders;

  private WriteColumn[] group;
  private final int initialCapacity;
  private int filled;
  private List<Future<ChunkEncoder.Chunk>> pending;
  /** The buffers the pending chunks are encoded from; reused once they are written. */
  private WriteColumn[] pendingGroup;
  private int pendingRows;
  private long rows;
  private boolean timeSorted = true;
  private long lastTime = Long.MIN_VALUE;
  private boolean finished;
  private boolean failed;

  ParquetFormatWriter(WriteTarget target, WriteSpec spec, Codec codec, int rowsPerPage, int rowsPerGroup,
      ExecutorService pool) {
    this.target = target;
    this.schema = spec.schema();
    this.codec = codec;
    this.rowsPerPage = rowsPerPage;
    this.rowsPerGroup = rowsPerGroup;
    this.pool = pool;
    this.parquetSchema = parquetSchema(schema);
    this.descriptors = parquetSchema.getColumns();
    this.timeIndex = schema.timeColumnIndex();
    this.initialCapacity = (int) Math.min(rowsPerGroup,
        spec.expectedRows() > 0 ? spec.expectedRows() : Math.min(rowsPerGroup, 4096));
    this.encoders = ThreadLocal.withInitial(() -> new ChunkEncoder(codec, rowsPerPage));
    for (int c = 0; c < schema.size(); c++) {
      dictIndex.add(new HashMap<>());
      dictValues.add(new ArrayList<>());
    }
    try {
      output = new ChannelOutput(target.channel(), target.description());
      fileWriter = new ParquetFileWriter(output, parquetSchema, ParquetFileWriter.Mode.OVERWRITE,
          (long) rowsPerGroup * 64, 0, 64, Integer.MAX_VALUE, true);
      fileWriter.start();
    } catch (IOException e) {
      throw new DataStoreException("cannot start Parquet file for " + target.description() + ": "
          + e.getMessage(), e);
    }
    newGroup();
  }

  /** The Parquet schema of our schema: flat optional columns with logical types. */
  static MessageType parquetSchema(Schema schema) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Field f : schema.fields()) {
      switch (f.type()) {
        case TIMESTAMP:
          b.optional(PrimitiveTypeName.INT64)
              .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
              .named(f.name());
          break;
        case INT64:
          b.optional(PrimitiveTypeName.INT64).named(f.name());
          break;
        case INT32:
          b.optional(PrimitiveTypeName.INT32).named(f.name());
          break;
        case FLOAT64:
          b.optional(PrimitiveTypeName.DOUBLE).named(f.name());
          break;
        case FLOAT32:
          b.optional(PrimitiveTypeName.FLOAT).named(f.name());
          break;
        case BOOL:
          b.optional(PrimitiveTypeName.BOOLEAN).named(f.name());
          break;
        case STRING:
          b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(f.name());
          break;
        default:
          throw new IllegalStateException("unhandled column type " + f.type());
      }
    }
    return b.named("optstore");
  }

  /** Buffers start small (small writes stay cheap) and double up to a row group. */
  private void ensureCapacity(int rows) {
    int cap = group[0] == null ? 0 : capacity(group[0]);
    if (rows <= cap) {
      return;
    }
    int n = (int) Math.min(rowsPerGroup, Math.max(rows, 2L * cap));
    for (WriteColumn w : group) {
      switch (w.kind) {
        case TIMESTAMP: case INT64: w.longs = java.util.Arrays.copyOf(w.longs, n); break;
        case INT32: w.ints = java.util.Arrays.copyOf(w.ints, n); break;
        case FLOAT64: w.doubles = java.util.Arrays.copyOf(w.doubles, n); break;
        case FLOAT32: w.floats = java.util.Arrays.copyOf(w.floats, n); break;
        case BOOL: w.bools = java.util.Arrays.copyOf(w.bools, n); break;
        case STRING: w.codes = java.util.Arrays.copyOf(w.codes, n); break;
        default: throw new IllegalStateException(w.kind.toString());
      }
      if (w.isNull != null) {
        w.isNull = java.util.Arrays.copyOf(w.isNull, n);
      }
    }
  }

  private static int capacity(WriteColumn w) {
    switch (w.kind) {
      case TIMESTAMP: case INT64: return w.longs.length;
      case INT32: return w.ints.length;
      case FLOAT64: return w.doubles.length;
      case FLOAT32: return w.floats.length;
      case BOOL: return w.bools.length;
      default: return w.codes.length;
    }
  }

  private void newGroup() {
    group = new WriteColumn[schema.size()];
    for (int c = 0; c < group.length; c++) {
      Field f = schema.field(c);
      WriteColumn w = new WriteColumn(f.name(), f.type());
      int cap = initialCapacity;
      switch (f.type()) {
        case TIMESTAMP: case INT64: w.longs = new long[cap]; break;
        case INT32: w.ints = new int[cap]; break;
        case FLOAT64: w.doubles = new double[cap]; break;
        case FLOAT32: w.floats = new float[cap]; break;
        case BOOL: w.bools = new byte[cap]; break;
        case STRING: w.codes = new int[cap]; break;
        default: throw new IllegalStateException(f.type().toString());
      }
      group[c] = w;
    }
    filled = 0;
  }

  @Override
  public void write(Frame batch) {
    checkOpen();
    if (!batch.schema().fields().equals(schema.fields())) {
      throw new SchemaException("batch schema " + batch.schema() + " differs from the schema being written "
          + schema + " to " + target.description());
    }
    int n = batch.rowCount();
    int done = 0;
    int[][] remaps = new int[schema.size()][];
    while (done < n) {
      int take = Math.min(n - done, rowsPerGroup - filled);
      if (group.length > 0) {
        ensureCapacity(filled + take);
      }
      for (int c = 0; c < group.length; c++) {
        copy(batch.column(c), c, done, take, remaps);
      }
      if (timeIndex >= 0) {
        long[] t = group[timeIndex].longs;
        for (int i = filled; i < filled + take; i++) {
          timeSorted &= t[i] >= lastTime;
          lastTime = t[i];
        }
      }
      filled += take;
      done += take;
      if (filled == rowsPerGroup) {
        flushGroup();
      }
    }
  }

  private void copy(Column col, int c, int from, int n, int[][] remaps) {
    WriteColumn w = group[c];
    switch (w.kind) {
      case TIMESTAMP:
      case INT64:
        ((LongColumn) col).copyTo(from, w.longs, filled, n);
        break;
      case INT32:
        ((IntColumn) col).copyTo(from, w.ints, filled, n);
        break;
      case FLOAT64:
        ((DoubleColumn) col).copyTo(from, w.doubles, filled, n);
        break;
      case FLOAT32:
        ((FloatColumn) col).copyTo(from, w.floats, filled, n);
        break;
      case BOOL: {
        BoolColumn b = (BoolColumn) col;
        byte[] dst = w.bools;
        for (int i = 0; i < n; i++) {
          dst[filled + i] = b.get(from + i) ? (byte) 1 : 0;
        }
        break;
      }
      case STRING: {
        StringColumn s = (StringColumn) col;
        int[] remap = remaps[c];
        if (remap == null) {
          remap = remap(c, s.dictionary());
          remaps[c] = remap;
        }
        IntColumn codes = s.codes();
        codes.copyTo(from, w.codes, filled, n);
        int[] dst = w.codes;
        NullMask nulls = s.nulls();
        boolean anyNull = nulls.hasNulls();
        for (int i = filled; i < filled + n; i++) {
          int code = dst[i];
          dst[i] = anyNull && nulls.isNull(from + i - filled) ? 0 : remap[code];
        }
        break;
      }
      default:
        throw new IllegalStateException(w.kind.toString());
    }
    NullMask nulls = col.nulls();
    if (nulls.hasNulls()) {
      if (w.isNull == null) {
        w.isNull = new boolean[capacity(w)];
      }
      for (int i = 0; i < n; i++) {
        w.isNull[filled + i] = nulls.isNull(from + i);
      }
    } else if (w.isNull != null) {
      java.util.Arrays.fill(w.isNull, filled, filled + n, false);
    }
  }

  /** Maps a batch dictionary's codes to this writer's dictionary of column {@code c}. */
  private int[] remap(int c, StringDictionary d) {
    Map<String, Integer> idx = dictIndex.get(c);
    List<byte[]> values = dictValues.get(c);
    int[] map = new int[d.size()];
    for (int k = 0; k < map.length; k++) {
      String v = d.get(k);
      Integer code = idx.get(v);
      if (code == null) {
        code = values.size();
        idx.put(v, code);
        values.add(v.getBytes(StandardCharsets.UTF_8));
      }
      map[k] = code;
    }
    return map;
  }

  private void flushGroup() {
    if (filled == 0) {
      return;
    }
    List<Future<ChunkEncoder.Chunk>> futures = new ArrayList<>();
    int n = filled;
    for (int c = 0; c < group.length; c++) {
      WriteColumn col = group[c];
      if (col.kind == ColumnType.STRING) {
        col.dictionary = dictValues.get(c).toArray(new byte[0][]);
      }
      PrimitiveType type = descriptors.get(c).getPrimitiveType();
      futures.add(pool.submit(() -> encoders.get().encode(col, type, 0, n)));
    }
    WriteColumn[] encoding = group;
    writePending();
    // the group written just now is free again: its buffers take the next rows
    WriteColumn[] free = pendingGroup;
    pending = futures;
    pendingGroup = encoding;
    pendingRows = n;
    rows += n;
    if (free != null) {
      reuse(free);
    } else {
      newGroup();
    }
  }

  private void reuse(WriteColumn[] free) {
    for (WriteColumn w : free) {
      if (w.isNull != null) {
        java.util.Arrays.fill(w.isNull, false);
      }
      w.dictionary = null;
    }
    group = free;
    filled = 0;
  }

  /** Writes the previous group's chunks (waiting for their encoding) to the file. */
  private void writePending() {
    if (pending == null) {
      return;
    }
    List<Future<ChunkEncoder.Chunk>> futures = pending;
    pending = null;
    try {
      ChannelOutput.Stream out = output.stream();
      fileWriter.startBlock(pendingRows);
      for (int c = 0; c < futures.size(); c++) {
        ChunkEncoder.Chunk chunk = futures.get(c).get();
        futures.set(c, null);
        fileWriter.startColumn(descriptors.get(c), pendingRows, codec.parquetName);
        headerCrc.reset();
        if (chunk.dictionary != null) {
          out.beginCapture();
          fileWriter.writeDictionaryPage(new DictionaryPage(BytesInput.from(chunk.dictionary),
              chunk.dictionaryUncompressedSize, chunk.dictionarySize, Encoding.PLAIN));
          headerChecksum(out.endCapture(), chunk.dictionary.length, out);
        }
        for (ChunkEncoder.Page p : chunk.pages) {
          out.beginCapture();
          fileWriter.writeDataPageV2(p.rows, p.nulls, p.rows, BytesInput.empty(), BytesInput.from(p.defLevels),
              p.encoding, BytesInput.from(p.data), p.compressed, p.uncompressedDataSize, p.stats);
          headerChecksum(out.endCapture(), p.defLevels.length + p.data.length, out);
        }
        fileWriter.endColumn();
        chunkHeaderCrcs.add((int) headerCrc.getValue());
      }
      fileWriter.endBlock();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed = true;
      throw new DataStoreException("interrupted while writing " + target.description(), e);
    } catch (ExecutionException e) {
      failed = true;
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new DataStoreException("encoding failed for " + target.description() + ": " + cause, cause);
    } catch (IOException e) {
      failed = true;
      throw new DataStoreException("cannot write " + target.description() + ": " + e.getMessage()
          + " (check free disk space and permissions)", e);
    }
  }

  private void headerChecksum(int written, int dataLength, ChannelOutput.Stream out) throws IOException {
    int headerLength = written - dataLength;
    if (headerLength <= 0 || headerLength > ChannelOutput.Stream.CAPTURE_LIMIT) {
      throw new IOException("page header of " + headerLength + " bytes cannot be checksummed in "
          + target.description());
    }
    headerCrc.update(out.captureBuffer(), 0, headerLength);
  }

  @Override
  public WriteSummary finish() {
    checkOpen();
    flushGroup();
    writePending();
    try {
      ChannelOutput.Stream out = output.stream();
      long tailOffset = out.getPos();
      out.beginTail();
      Map<String, String> kv = new HashMap<>();
      kv.put(FileMetadata.SCHEMA, FileMetadata.encodeSchema(schema));
      schema.timeColumn().ifPresent(t -> kv.put(FileMetadata.TIME_COLUMN, t));
      kv.put(FileMetadata.TIME_SORTED, Boolean.toString(timeIndex >= 0 && timeSorted));
      kv.put(FileMetadata.LAYOUT_VERSION, Integer.toString(ParquetFormat.FORMAT_VERSION));
      int[] crcs = new int[chunkHeaderCrcs.size()];
      for (int i = 0; i < crcs.length; i++) {
        crcs[i] = chunkHeaderCrcs.get(i);
      }
      kv.put(FileIntegrity.KEY, FileIntegrity.placeholder(crcs));
      fileWriter.end(kv);
      long length = out.getPos() - out.start();
      ByteSink tail = out.tailBytes();
      FileIntegrity.patch(out.channel(), tailOffset, tail.buf, tail.size);
      java.util.zip.CRC32C tailCrc = new java.util.zip.CRC32C();
      tailCrc.update(tail.buf, 0, tail.size);
      RegionChecksums sums = new RegionChecksums(length, tailOffset - out.start(), (int) tailCrc.getValue());
      finished = true;
      LOG.debug("wrote {} rows to {} ({} bytes, {})", rows, target.description(), length, codec.configName);
      return new WriteSummary(rows, Map.of(RegionChecksums.KEY, sums.encode()));
    } catch (IOException e) {
      failed = true;
      throw new DataStoreException("cannot finish " + target.description() + ": " + e.getMessage()
          + " (check free disk space and permissions)", e);
    }
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException(target.description() + " is already finished");
    }
    if (failed) {
      throw new IllegalStateException("writing " + target.description() + " failed earlier; close and discard it");
    }
  }

  @Override
  public void close() {
    if (finished) {
      return;
    }
    if (pending != null) {
      for (Future<ChunkEncoder.Chunk> f : pending) {
        if (f != null) {
          f.cancel(false);
        }
      }
      pending = null;
    }
    fileWriter.abort();
    finished = true;
  }
}
