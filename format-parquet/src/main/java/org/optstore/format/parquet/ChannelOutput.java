package org.optstore.format.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet {@link OutputFile} over the engine's channel. Besides buffering, it checksums what
 * passes through it, so the writer can report region checksums without reading the file back:
 * a capture window records the first bytes written after {@link Stream#beginCapture()} (a page
 * header, then its data), and after {@link Stream#beginTail()} every byte is kept.
 */
final class ChannelOutput implements OutputFile {
  private final SeekableByteChannel channel;
  private final String description;
  private Stream stream;

  ChannelOutput(SeekableByteChannel channel, String description) {
    this.channel = channel;
    this.description = description;
  }

  Stream stream() {
    return stream;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    return createOrOverwrite(blockSizeHint);
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    if (stream != null) {
      throw new IOException(description + " is already being written");
    }
    stream = new Stream(channel, channel.position());
    return stream;
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  @Override
  public String getPath() {
    return description;
  }

  /** The output stream; closing it flushes but leaves the engine's channel open. */
  static final class Stream extends PositionOutputStream {
    static final int CAPTURE_LIMIT = 4096;

    private final SeekableByteChannel channel;
    private final long start;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    private long position;
    private final byte[] capture = new byte[CAPTURE_LIMIT];
    private int captured = -1; // -1: not capturing
    private ByteSink tailBytes;

    Stream(SeekableByteChannel channel, long start) {
      this.channel = channel;
      this.start = start;
      this.position = start;
    }

    void beginCapture() {
      captured = 0;
    }

    /** Ends the capture; returns how many bytes it saw (possibly more than it kept). */
    int endCapture() {
      int n = captured;
      captured = -1;
      return n;
    }

    byte[] captureBuffer() {
      return capture;
    }

    /** From here on every byte is kept (the page indexes and the footer: small). */
    void beginTail() {
      tailBytes = new ByteSink(1 << 16);
    }

    ByteSink tailBytes() {
      return tailBytes;
    }

    SeekableByteChannel channel() {
      return channel;
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void write(int b) throws IOException {
      if (!buffer.hasRemaining()) {
        drain();
      }
      buffer.put((byte) b);
      if (captured >= 0) {
        if (captured < CAPTURE_LIMIT) {
          capture[captured] = (byte) b;
        }
        captured++;
      }
      if (tailBytes != null) {
        tailBytes.write(b);
      }
      position++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      observe(b, off, len);
      position += len;
      if (len >= buffer.capacity()) {
        drain();
        ByteBuffer direct = ByteBuffer.wrap(b, off, len);
        while (direct.hasRemaining()) {
          channel.write(direct);
        }
        return;
      }
      while (len > 0) {
        if (!buffer.hasRemaining()) {
          drain();
        }
        int n = Math.min(len, buffer.remaining());
        buffer.put(b, off, n);
        off += n;
        len -= n;
      }
    }

    private void observe(byte[] b, int off, int len) {
      if (captured >= 0) {
        if (captured < CAPTURE_LIMIT) {
          System.arraycopy(b, off, capture, captured, Math.min(len, CAPTURE_LIMIT - captured));
        }
        captured += len;
      }
      if (tailBytes != null) {
        tailBytes.writeBytes(b, off, len);
      }
    }

    private void drain() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }

    @Override
    public void flush() throws IOException {
      drain();
    }

    @Override
    public void close() throws IOException {
      drain();
    }

    long start() {
      return start;
    }
  }
}
