package org.optstore.format.parquet;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.optstore.DataStoreException;
import org.optstore.StoreClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Parquet {@link InputFile} over a local file, either memory-mapped (the file is mapped once and
 * read without copies) or read with positional reads. Ranges are handed out as little-endian
 * {@link ByteBuffer}s: slices of the mapping, or freshly read heap buffers.
 */
final class FileInput implements InputFile, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileInput.class);
  /** How often one read reopens the channel that other threads' interrupts closed before it gives up. */
  private static final int MAX_REOPENS = 16;

  private final Path path;
  /**
   * Positional reads go through this channel on every thread. A thread interrupted during a read
   * closes it for all of them, so it is replaced under {@link #channelLock} (see {@link #recover}).
   */
  private volatile FileChannel channel;
  private final Object channelLock = new Object();
  private boolean closed;
  private final long length;
  private final ByteBuffer mapped;

  FileInput(Path path, boolean memoryMap) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      this.length = channel.size();
      if (memoryMap && length > 0 && length <= Integer.MAX_VALUE) {
        this.mapped = MappedFiles.map(path, channel, length).duplicate().order(ByteOrder.LITTLE_ENDIAN);
      } else {
        this.mapped = null;
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
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
    int start = b.position();
    for (int attempt = 0; ; attempt++) {
      FileChannel ch = channel;
      try {
        b.position(start);
        long pos = offset;
        while (b.hasRemaining()) {
          int n = ch.read(b, pos);
          if (n < 0) {
            throw new EOFException("unexpected end of " + path + " at " + pos);
          }
          pos += n;
        }
        return;
      } catch (ClosedChannelException e) {
        recover(ch, e, attempt);
      }
    }
  }

  /**
   * After {@code broken} was closed under a read: a thread interrupted during channel I/O closes
   * the channel for every thread, so it is reopened (once, by whichever thread gets here first)
   * unless this input was closed. The interrupted thread's read fails with a {@link
   * DataStoreException} saying so (not an {@link IOException}, which callers take for damage),
   * its interrupt flag still set; the other threads' reads go on with the new channel.
   */
  private void recover(FileChannel broken, ClosedChannelException e, int attempt) {
    boolean interrupted = e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted();
    synchronized (channelLock) {
      if (closed) {
        throw new StoreClosedException("the reader of " + path + " was closed during a read; open the dataset"
            + " again", e);
      }
      if (channel == broken) {
        try {
          channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException io) {
          throw new DataStoreException("parquet file " + path + " cannot be reopened after an interrupted read"
              + " closed it (" + io + "); open the dataset again", io);
        }
        LOG.debug("reopened {} after {}", path, e.toString());
      }
    }
    if (interrupted) {
      throw new DataStoreException("read of " + path + " was interrupted; the reader stays usable, retry the"
          + " read", e);
    }
    if (attempt >= MAX_REOPENS) {
      throw new DataStoreException("read of " + path + " failed: interrupted threads closed its channel "
          + (attempt + 1) + " times during the read; retry the read", e);
    }
  }

  @Override
  public SeekableInputStream newStream() {
    return new Stream();
  }

  @Override
  public void close() throws IOException {
    // under the lock, so that no read reopens the channel after this
    synchronized (channelLock) {
      closed = true;
      channel.close();
    }
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
