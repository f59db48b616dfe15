package org.optstore.format.parquet;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} over a local file, either memory-mapped (the file is mapped once and
 * read without copies) or read with positional reads. Ranges are handed out as little-endian
 * {@link ByteBuffer}s: slices of the mapping, or freshly read heap buffers.
 */
final class FileInput implements InputFile, AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final long length;
  private final ByteBuffer mapped;

  FileInput(Path path, boolean memoryMap) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    this.length = channel.size();
    if (memoryMap && length > 0 && length <= Integer.MAX_VALUE) {
      this.mapped = MappedFiles.map(path, channel, length).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    } else {
      this.mapped = null;
    }
  }

  Path path() {
    return path;
  }

  boolean isMapped() {
    return mapped != null;
  }

  @Override
  public long getLength() {
    return length;
  }

  /** The bytes {@code [offset, offset+len)} as a little-endian buffer positioned at 0. */
  ByteBuffer range(long offset, int len) throws IOException {
    if (offset < 0 || len < 0 || offset + len > length) {
      throw new EOFException("range [" + offset + ", " + (offset + len) + ") is outside " + path
          + " (" + length + " bytes)");
    }
    if (mapped != null) {
      return mapped.slice((int) offset, len).order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    readFully(offset, b);
    b.flip();
    return b;
  }

  /** Copies {@code [offset, offset+len)} into {@code dst[dstOff..]}. */
  void copy(long offset, byte[] dst, int dstOff, int len) throws IOException {
    if (offset < 0 || len < 0 || offset + len > length) {
      throw new EOFException("range [" + offset + ", " + (offset + len) + ") is outside " + path
          + " (" + length + " bytes)");
    }
    if (mapped != null) {
      mapped.get((int) offset, dst, dstOff, len);
    } else {
      readFully(offset, ByteBuffer.wrap(dst, dstOff, len));
    }
  }

  private void readFully(long offset, ByteBuffer b) throws IOException {
    long pos = offset;
    while (b.hasRemaining()) {
      int n = channel.read(b, pos);
      if (n < 0) {
        throw new EOFException("unexpected end of " + path + " at " + pos);
      }
      pos += n;
    }
  }

  @Override
  public SeekableInputStream newStream() {
    return new Stream();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private final class Stream extends SeekableInputStream {
    private long pos;

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void seek(long newPos) {
      pos = newPos;
    }

    @Override
    public int read() throws IOException {
      if (pos >= length) {
        return -1;
      }
      byte[] one = new byte[1];
      copy(pos, one, 0, 1);
      pos++;
      return one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - pos);
      copy(pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(byte[] bytes, int start, int len) throws IOException {
      copy(pos, bytes, start, len);
      pos += len;
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
      if (pos >= length) {
        return -1;
      }
      int n = (int) Math.min(buf.remaining(), length - pos);
      readInto(buf, n);
      return n;
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
      readInto(buf, buf.remaining());
    }

    private void readInto(ByteBuffer buf, int n) throws IOException {
      if (pos + n > length) {
        throw new EOFException("unexpected end of " + path + " at " + pos);
      }
      if (mapped != null) {
        buf.put(mapped.slice((int) pos, n));
      } else {
        ByteBuffer lim = buf.duplicate();
        lim.limit(lim.position() + n);
        FileInput.this.readFully(pos, lim);
        buf.position(buf.position() + n);
      }
      pos += n;
    }
  }
}
