package org.optstore.format.serial;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.optstore.BoolColumn;
import org.optstore.Column;
import org.optstore.ColumnType;
import org.optstore.DataStoreException;
import org.optstore.DoubleColumn;
import org.optstore.FloatColumn;
import org.optstore.Frame;
import org.optstore.IntColumn;
import org.optstore.InvalidArgumentException;
import org.optstore.LongColumn;
import org.optstore.NullMask;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.StringColumn;
import org.optstore.StringDictionary;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.WriteSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams batches into the serial layout. Values go to the channel as they arrive: each column
 * owns a contiguous region of an <em>extent</em> sized for the expected row count (one extent,
 * i.e. fully contiguous columns, when the row count was known), and a further extent of doubled
 * capacity is opened when rows outgrow it. At {@link #finish()} the last extent is compacted in
 * place (columns moved down over the unused capacity), then the null bitmaps, dictionaries,
 * footer and trailer follow. The writer holds only per-block statistics, one bit per row per
 * column for nulls, the distinct strings of STRING columns and a fixed scratch buffer.
 */
final class SerialWriter implements FormatWriter {
  private static final Logger LOG = LoggerFactory.getLogger(SerialWriter.class);
  /** Rows encoded per channel write. */
  private static final int CHUNK = 16_384;

  private final SeekableByteChannel ch;
  private final String what;
  private final Schema schema;
  private final int n;
  private final ColumnType[] types;
  private final int[] widths;
  private final int blockRows;
  private final int timeIdx;
  private final long expectedRows;
  private final int headerCrc;

  // extents
  private int extentCount;
  private int[] extFirst = new int[4];
  private long[] extCap = new long[4];
  private long[][] extOff = new long[4][];
  private int extRows; // rows in the current (last) extent
  private long end; // first byte after everything written so far (capacity included)

  private int rows;
  private int rowsInBlock;
  private int blocks;
  private final CRC32C[] crc;
  private int[][] blockCrc;
  private int[][] nullCount;
  private long[][] min;
  private long[][] max;
  private int[][] nans;
  private final long[] curMin;
  private final long[] curMax;
  private final double[] curMinD;
  private final double[] curMaxD;
  private final int[] curNulls;
  private final int[] curNans;

  private final long[][] nullWords;
  private final boolean[] anyNull;

  private final List<Map<String, Integer>> dictIds = new ArrayList<>();
  private final List<List<String>> dictValues = new ArrayList<>();
  private final long[] dictUtf8;
  private final StringDictionary[] lastDict;
  private final int[][] lastRemap;

  private boolean sorted = true;
  private long lastTime = Long.MIN_VALUE;

  private final ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK * 8).order(SerialLayout.ORDER);
  private long[] longs;
  private int[] ints;
  private double[] doubles;
  private float[] floats;
  private boolean finished;
  private boolean closedUnfinished;
  private boolean failed;

  SerialWriter(SeekableByteChannel ch, Schema schema, int blockRows, long expectedRows,
      String what) {
    this.ch = ch;
    this.what = what;
    this.schema = schema;
    this.n = schema.size();
    this.types = new ColumnType[n];
    this.widths = new int[n];
    for (int c = 0; c < n; c++) {
      types[c] = schema.field(c).type();
      widths[c] = SerialLayout.width(types[c]);
    }
    this.blockRows = blockRows;
    this.timeIdx = schema.timeColumnIndex();
    this.expectedRows = expectedRows;
    this.crc = new CRC32C[n];
    this.blockCrc = new int[n][8];
    this.nullCount = new int[n][8];
    this.min = new long[n][];
    this.max = new long[n][];
    this.nans = new int[n][];
    this.curMin = new long[n];
    this.curMax = new long[n];
    this.curMinD = new double[n];
    this.curMaxD = new double[n];
    this.curNulls = new int[n];
    this.curNans = new int[n];
    this.nullWords = new long[n][];
    this.anyNull = new boolean[n];
    this.dictUtf8 = new long[n];
    this.lastDict = new StringDictionary[n];
    this.lastRemap = new int[n][];
    for (int c = 0; c < n; c++) {
      crc[c] = new CRC32C();
      nullWords[c] = new long[16];
      if (SerialLayout.zoned(types[c])) {
        min[c] = new long[8];
        max[c] = new long[8];
        nans[c] = new int[8];
      }
      dictIds.add(types[c] == ColumnType.STRING ? new HashMap<>() : null);
      dictValues.add(types[c] == ColumnType.STRING ? new ArrayList<>() : null);
      switch (types[c]) {
        case TIMESTAMP, INT64 -> longs = new long[CHUNK];
        case INT32, STRING -> ints = new int[CHUNK];
        case FLOAT64 -> doubles = new double[CHUNK];
        case FLOAT32 -> floats = new float[CHUNK];
        default -> { }
      }
      resetBlockStats(c);
    }
    byte[] header = SerialHeader.encode(schema, blockRows);
    ByteBuffer hb = ByteBuffer.wrap(header).order(SerialLayout.ORDER);
    this.headerCrc = hb.getInt(SerialHeader.declaredLength(hb) - 4);
    writeAt(ByteBuffer.wrap(header), 0);
    this.end = header.length;
  }

  @Override
  public void write(Frame batch) {
    requireWritable("write a batch");
    if (!batch.schema().equals(schema)) {
      throw new SchemaException("batch of schema " + batch.schema() + " written to " + what
          + " whose schema is " + schema + "; every batch must have the file's schema");
    }
    int r = batch.rowCount();
    if ((long) rows + r > SerialLayout.MAX_ROWS) {
      throw new InvalidArgumentException("a serial file holds at most " + SerialLayout.MAX_ROWS
          + " rows; " + what + " would hold " + ((long) rows + r)
          + ": split the data into several datasets");
    }
    boolean ok = false;
    try {
      int pos = 0;
      while (pos < r) {
        if (extentCount == 0 || extRows == extCap[extentCount - 1]) {
          openExtent();
        }
        int x = extentCount - 1;
        int k = (int) Math.min(Math.min(r - pos, CHUNK),
            Math.min(blockRows - rowsInBlock, extCap[x] - extRows));
        for (int c = 0; c < n; c++) {
          writeChunk(c, batch.column(c), pos, k, extOff[x][c] + (long) extRows * widths[c]);
        }
        pos += k;
        extRows += k;
        rows += k;
        rowsInBlock += k;
        if (rowsInBlock == blockRows) {
          closeBlock();
        }
      }
      ok = true;
    } finally {
      failed |= !ok;
    }
  }

  private void openExtent() {
    // known size: one extent, so every column is one contiguous region; unknown: doubling
    long cap = extentCount == 0 ? (expectedRows > 0 ? expectedRows : blockRows)
        : Math.max(blockRows, rows);
    cap = Math.min(cap, SerialLayout.MAX_ROWS - rows);
    cap = (cap + blockRows - 1) / blockRows * blockRows;
    if (extentCount == extFirst.length) {
      extFirst = Arrays.copyOf(extFirst, extentCount * 2);
      extCap = Arrays.copyOf(extCap, extentCount * 2);
      extOff = Arrays.copyOf(extOff, extentCount * 2);
    }
    long[] off = new long[n];
    long p = SerialLayout.align(end);
    for (int c = 0; c < n; c++) {
      off[c] = p;
      p = SerialLayout.align(p + cap * widths[c]);
    }
    extFirst[extentCount] = rows;
    extCap[extentCount] = cap;
    extOff[extentCount] = off;
    extentCount++;
    extRows = 0;
    end = p;
  }

  private void writeChunk(int c, Column col, int from, int k, long fileOff) {
    NullMask nm = col.nulls();
    boolean hasNulls = nm.hasNulls();
    if (hasNulls) {
      markNulls(c, nm, from, k); // columns without nulls never grow their bitmap
    }
    buf.clear();
    switch (types[c]) {
      case TIMESTAMP, INT64 -> {
        ((LongColumn) col).copyTo(from, longs, 0, k);
        if (hasNulls) {
          for (int i = 0; i < k; i++) {
            longs[i] = nm.isNull(from + i) ? 0L : longs[i];
          }
        }
        zoneLongs(c, longs, k, nm, from, hasNulls);
        if (c == timeIdx) {
          checkSorted(k);
        }
        buf.asLongBuffer().put(longs, 0, k);
      }
      case INT32 -> {
        ((IntColumn) col).copyTo(from, ints, 0, k);
        long mn = curMin[c];
        long mx = curMax[c];
        for (int i = 0; i < k; i++) {
          if (hasNulls && nm.isNull(from + i)) {
            ints[i] = 0;
          } else {
            mn = Math.min(mn, ints[i]);
            mx = Math.max(mx, ints[i]);
          }
        }
        curMin[c] = mn;
        curMax[c] = mx;
        buf.asIntBuffer().put(ints, 0, k);
      }
      case FLOAT64 -> {
        ((DoubleColumn) col).copyTo(from, doubles, 0, k);
        double mn = curMinD[c];
        double mx = curMaxD[c];
        int nan = 0;
        for (int i = 0; i < k; i++) {
          double v = doubles[i];
          if (hasNulls && nm.isNull(from + i)) {
            doubles[i] = 0;
          } else if (v != v) {
            nan++;
          } else {
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
          }
        }
        curMinD[c] = mn;
        curMaxD[c] = mx;
        curNans[c] += nan;
        buf.asDoubleBuffer().put(doubles, 0, k);
      }
      case FLOAT32 -> {
        ((FloatColumn) col).copyTo(from, floats, 0, k);
        double mn = curMinD[c];
        double mx = curMaxD[c];
        int nan = 0;
        for (int i = 0; i < k; i++) {
          float v = floats[i];
          if (hasNulls && nm.isNull(from + i)) {
            floats[i] = 0;
          } else if (v != v) {
            nan++;
          } else {
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
          }
        }
        curMinD[c] = mn;
        curMaxD[c] = mx;
        curNans[c] += nan;
        buf.asFloatBuffer().put(floats, 0, k);
      }
      case BOOL -> {
        BoolColumn bc = (BoolColumn) col;
        for (int i = 0; i < k; i++) {
          buf.put(i, bc.get(from + i) && !(hasNulls && nm.isNull(from + i)) ? (byte) 1 : 0);
        }
      }
      case STRING -> {
        encodeCodes(c, (StringColumn) col, from, k, nm, hasNulls);
        buf.asIntBuffer().put(ints, 0, k);
      }
      default -> throw new AssertionError(types[c]);
    }
    buf.limit(k * widths[c]);
    crc[c].update(buf);
    buf.position(0);
    writeAt(buf, fileOff);
  }

  private void zoneLongs(int c, long[] v, int k, NullMask nm, int from, boolean hasNulls) {
    long mn = curMin[c];
    long mx = curMax[c];
    if (hasNulls) {
      for (int i = 0; i < k; i++) {
        if (!nm.isNull(from + i)) {
          mn = Math.min(mn, v[i]);
          mx = Math.max(mx, v[i]);
        }
      }
    } else {
      for (int i = 0; i < k; i++) {
        mn = Math.min(mn, v[i]);
        mx = Math.max(mx, v[i]);
      }
    }
    curMin[c] = mn;
    curMax[c] = mx;
  }

  private void checkSorted(int k) {
    if (!sorted) {
      return;
    }
    long last = lastTime;
    for (int i = 0; i < k; i++) {
      if (longs[i] < last) {
        sorted = false;
        return;
      }
      last = longs[i];
    }
    lastTime = last;
  }

  private void encodeCodes(int c, StringColumn sc, int from, int k, NullMask nm,
      boolean hasNulls) {
    StringDictionary d = sc.dictionary();
    int[] remap = lastRemap[c];
    if (d != lastDict[c]) {
      remap = new int[d.size()];
      Arrays.fill(remap, -1);
      lastDict[c] = d;
      lastRemap[c] = remap;
    }
    sc.codes().copyTo(from, ints, 0, k);
    for (int i = 0; i < k; i++) {
      if (hasNulls && nm.isNull(from + i)) {
        ints[i] = 0;
        continue;
      }
      int code = ints[i];
      int g = remap[code];
      if (g < 0) {
        g = addEntry(c, d.get(code));
        remap[code] = g;
      }
      ints[i] = g;
    }
  }

  private int addEntry(int c, String s) {
    Map<String, Integer> ids = dictIds.get(c);
    Integer id = ids.get(s);
    if (id != null) {
      return id;
    }
    long len = utf8Length(c, s);
    List<String> values = dictValues.get(c);
    if (dictUtf8[c] + len + 4L * (values.size() + 2) + 8 > Integer.MAX_VALUE - 64) {
      throw new InvalidArgumentException("the distinct strings of column '"
          + schema.field(c).name() + "' in " + what + " exceed 2 GiB of UTF-8; the serial "
          + "format keeps one dictionary per column: split the data or use another format");
    }
    dictUtf8[c] += len;
    int next = values.size();
    ids.put(s, next);
    values.add(s);
    return next;
  }

  /** The UTF-8 length of a string, refusing unpaired surrogates (they cannot round-trip). */
  private long utf8Length(int c, String s) {
    long len = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < 0x80) {
        len += 1;
      } else if (ch < 0x800) {
        len += 2;
      } else if (Character.isHighSurrogate(ch) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        len += 4;
        i++;
      } else if (Character.isSurrogate(ch)) {
        throw new SchemaException("column '" + schema.field(c).name() + "' of " + what
            + " holds a string with an unpaired surrogate (U+" + Integer.toHexString(ch)
            + " at index " + i + "), which UTF-8 cannot store; fix the string");
      } else {
        len += 3;
      }
    }
    return len;
  }

  private void markNulls(int c, NullMask nm, int from, int k) {
    ensureNullWords(c, rows + k);
    long[] w = nullWords[c];
    int count = 0;
    for (int i = 0; i < k; i++) {
      if (nm.isNull(from + i)) {
        int r = rows + i;
        w[r >>> 6] |= 1L << r;
        count++;
      }
    }
    if (count > 0) {
      anyNull[c] = true;
      curNulls[c] += count;
    }
  }

  private void ensureNullWords(int c, int size) {
    int need = (size + 63) >>> 6;
    if (need > nullWords[c].length) {
      nullWords[c] = Arrays.copyOf(nullWords[c], Math.max(need, nullWords[c].length * 2));
    }
  }

  private void resetBlockStats(int c) {
    curMin[c] = Long.MAX_VALUE;
    curMax[c] = Long.MIN_VALUE;
    curMinD[c] = Double.POSITIVE_INFINITY;
    curMaxD[c] = Double.NEGATIVE_INFINITY;
    curNulls[c] = 0;
    curNans[c] = 0;
    crc[c].reset();
  }

  private void closeBlock() {
    if (n > 0 && blocks == blockCrc[0].length) {
      grow();
    }
    for (int c = 0; c < n; c++) {
      blockCrc[c][blocks] = (int) crc[c].getValue();
      nullCount[c][blocks] = curNulls[c];
      if (min[c] != null) {
        boolean fp = types[c].isFloatingPoint();
        min[c][blocks] = fp ? Double.doubleToRawLongBits(curMinD[c]) : curMin[c];
        max[c][blocks] = fp ? Double.doubleToRawLongBits(curMaxD[c]) : curMax[c];
        nans[c][blocks] = curNans[c];
      }
      resetBlockStats(c);
    }
    blocks++;
    rowsInBlock = 0;
  }

  /** A writer takes batches until it is finished, closed, or has failed. */
  private void requireWritable(String action) {
    if (finished) {
      throw new DataStoreException("cannot " + action + ": the writer of " + what + " is already "
          + (closedUnfinished ? "closed (the file was abandoned)" : "finished") + " after " + rows
          + " rows; write a new file with a new writer");
    }
    if (failed) {
      throw new DataStoreException("cannot " + action + ": the writer of " + what + " failed "
          + "earlier, so the file is incomplete; abandon it and write it again with a new "
          + "writer");
    }
  }

  private void grow() {
    for (int c = 0; c < n; c++) {
      int len = Math.max(8, blockCrc[c].length * 2);
      blockCrc[c] = Arrays.copyOf(blockCrc[c], len);
      nullCount[c] = Arrays.copyOf(nullCount[c], len);
      if (min[c] != null) {
        min[c] = Arrays.copyOf(min[c], len);
        max[c] = Arrays.copyOf(max[c], len);
        nans[c] = Arrays.copyOf(nans[c], len);
      }
    }
  }

  @Override
  public WriteSummary finish() {
    requireWritable("finish");
    finished = true;
    if (rowsInBlock > 0) {
      closeBlock();
    }
    compactLastExtent();
    long p = SerialLayout.align(end);
    long[] bitmapOffset = new long[n];
    int[] bitmapCrc = new int[n];
    long[] dictOffset = new long[n];
    int[] dictEntries = new int[n];
    int[] dictBytes = new int[n];
    int[] dictCrc = new int[n];
    for (int c = 0; c < n; c++) {
      bitmapOffset[c] = -1;
      if (anyNull[c]) {
        bitmapOffset[c] = p;
        bitmapCrc[c] = writeBitmap(c, p);
        p = pad(p + SerialFooter.bitmapBytes(rows));
      }
    }
    for (int c = 0; c < n; c++) {
      dictOffset[c] = -1;
      if (types[c] == ColumnType.STRING) {
        dictOffset[c] = p;
        dictEntries[c] = dictValues.get(c).size();
        dictBytes[c] = (int) dictUtf8[c];
        dictCrc[c] = writeDictionary(c, p);
        p = pad(p + SerialFooter.dictionaryBytes(dictEntries[c], dictBytes[c]));
      }
    }
    int[] first = Arrays.copyOf(extFirst, extentCount);
    int[] erows = new int[extentCount];
    for (int x = 0; x < extentCount; x++) {
      erows[x] = x + 1 < extentCount ? extFirst[x + 1] - extFirst[x] : rows - extFirst[x];
    }
    long[][] offsets = Arrays.copyOf(extOff, extentCount);
    int[][] crcs = new int[n][];
    int[][] nulls = new int[n][];
    long[][] mins = new long[n][];
    long[][] maxs = new long[n][];
    int[][] nanCounts = new int[n][];
    for (int c = 0; c < n; c++) {
      crcs[c] = Arrays.copyOf(blockCrc[c], blocks);
      nulls[c] = Arrays.copyOf(nullCount[c], blocks);
      if (min[c] != null) {
        mins[c] = Arrays.copyOf(min[c], blocks);
        maxs[c] = Arrays.copyOf(max[c], blocks);
        nanCounts[c] = Arrays.copyOf(nans[c], blocks);
      }
    }
    if (SerialFooter.encodedSize(schema, extentCount, blocks) > Integer.MAX_VALUE - 64) {
      throw new InvalidArgumentException("the footer of " + what + " would exceed 2 GiB with "
          + blocks + " blocks; write with a larger '" + SerialLayout.BLOCK_ROWS_OPTION + "'");
    }
    SerialFooter footer = new SerialFooter(rows, blocks, sorted, headerCrc, first, erows,
        offsets, bitmapOffset, bitmapCrc, dictOffset, dictEntries, dictBytes, dictCrc, crcs,
        nulls, mins, maxs, nanCounts);
    byte[] fb = footer.encode(schema);
    int footerCrc = SerialLayout.crc(fb, 0, fb.length);
    writeAt(ByteBuffer.wrap(fb), p);
    ByteBuffer trailer = ByteBuffer.allocate(SerialLayout.TRAILER).order(SerialLayout.ORDER);
    trailer.putLong(p).putLong(fb.length).putInt(footerCrc).putInt(SerialLayout.VERSION)
        .put(SerialLayout.END_MAGIC).flip();
    long fileEnd = p + fb.length + SerialLayout.TRAILER;
    writeAt(trailer, p + fb.length);
    try {
      if (ch.size() > fileEnd) {
        ch.truncate(fileEnd);
      }
    } catch (IOException e) {
      throw io("truncate", e);
    }
    LOG.debug("wrote {} rows in {} blocks and {} extents, {} bytes, to {}", rows, blocks,
        extentCount, fileEnd, what);
    return new WriteSummary(rows, Map.of(SerialLayout.HEADER_CHECKSUM, SerialLayout.hex(headerCrc),
        SerialLayout.FOOTER_CHECKSUM, SerialLayout.hex(footerCrc)));
  }

  /** Moves the last extent's columns down over its unused capacity (each move goes downwards). */
  private void compactLastExtent() {
    if (extentCount == 0) {
      return;
    }
    int x = extentCount - 1;
    if (extRows == extCap[x]) {
      return;
    }
    long p = extOff[x][0];
    long[] off = extOff[x];
    for (int c = 0; c < n; c++) {
      long len = (long) extRows * widths[c];
      if (p != off[c]) {
        move(off[c], p, len);
        off[c] = p;
      }
      p = pad(p + len);
    }
    end = p;
  }

  /**
   * Writes zeros up to the next aligned offset, so that no stale byte of a compacted extent is
   * left in padding and the same rows always give the same bytes.
   */
  private long pad(long at) {
    long next = SerialLayout.align(at);
    if (next > at) {
      writeAt(ByteBuffer.allocate((int) (next - at)), at);
    }
    return next;
  }

  private void move(long src, long dst, long len) {
    long done = 0;
    while (done < len) {
      int k = (int) Math.min(buf.capacity(), len - done);
      buf.clear().limit(k);
      readAt(buf, src + done);
      buf.flip();
      writeAt(buf, dst + done);
      done += k;
    }
  }

  private int writeBitmap(int c, long at) {
    ensureNullWords(c, rows);
    long[] w = nullWords[c];
    int words = (int) (SerialFooter.bitmapBytes(rows) >>> 3);
    CRC32C crc = new CRC32C();
    int done = 0;
    while (done < words) {
      int k = Math.min(words - done, buf.capacity() / 8);
      buf.clear();
      buf.asLongBuffer().put(w, done, k);
      buf.limit(k * 8);
      crc.update(buf);
      buf.position(0);
      writeAt(buf, at + 8L * done);
      done += k;
    }
    return (int) crc.getValue();
  }

  private int writeDictionary(int c, long at) {
    List<String> values = dictValues.get(c);
    int[] offsets = new int[values.size() + 1];
    CRC32C crc = new CRC32C();
    buf.clear();
    long p = at;
    int off = 0;
    for (int i = 0; i < values.size(); i++) {
      byte[] b = values.get(i).getBytes(StandardCharsets.UTF_8);
      int done = 0;
      while (done < b.length) {
        if (!buf.hasRemaining()) {
          p += flush(crc, p);
        }
        int k = Math.min(buf.remaining(), b.length - done);
        buf.put(b, done, k);
        done += k;
      }
      off += b.length;
      offsets[i + 1] = off;
    }
    for (int pad = (int) (((off + 7L) & -8L) - off); pad > 0; pad--) {
      if (!buf.hasRemaining()) {
        p += flush(crc, p);
      }
      buf.put((byte) 0);
    }
    for (int o : offsets) {
      if (buf.remaining() < 4) {
        p += flush(crc, p);
      }
      buf.putInt(o);
    }
    flush(crc, p);
    return (int) crc.getValue();
  }

  private int flush(CRC32C crc, long at) {
    buf.flip();
    int k = buf.remaining();
    crc.update(buf);
    buf.position(0);
    writeAt(buf, at);
    buf.clear();
    return k;
  }

  private void writeAt(ByteBuffer b, long position) {
    try {
      ch.position(position);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    } catch (IOException e) {
      throw io("write", e);
    }
  }

  private void readAt(ByteBuffer b, long position) {
    try {
      ch.position(position);
      while (b.hasRemaining()) {
        if (ch.read(b) < 0) {
          throw new DataStoreException("cannot read back " + what + " at byte " + position
              + ": it ended early while the writer was compacting it; retry the write");
        }
      }
    } catch (IOException e) {
      throw io("read back", e);
    }
  }

  private DataStoreException io(String op, IOException e) {
    failed = true;
    return new DataStoreException("cannot " + op + " " + what + ": " + e
        + "; check the disk (space, permissions) and retry the write", e);
  }

  @Override
  public void close() {
    if (!finished) {
      LOG.debug("writer of {} closed without finishing after {} rows; the file is abandoned", what,
          rows);
      closedUnfinished = true;
    }
    finished = true;
  }
}
