package org.optstore.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forcing directories: what may be skipped by design, and what must fail the step. */
class DurableFilesTest {
  @TempDir Path dir;

  /** Opens directories through a function chosen by the test, recording what it forced. */
  private static final class DirectoryOpener implements IoInterceptor {
    final List<Path> opened = new ArrayList<>();
    final Opener opener;

    interface Opener {
      FileChannel open(Path dir) throws IOException;
    }

    DirectoryOpener(Opener opener) {
      this.opener = opener;
    }

    @Override
    public FileChannel openDirectory(Path d) throws IOException {
      opened.add(d);
      return opener.open(d);
    }
  }

  private DurableFiles files(IoInterceptor io) throws IOException {
    Path tmp = dir.resolve("tmp");
    Files.createDirectories(tmp);
    return new DurableFiles(tmp, io);
  }

  @Test
  void aDirectoryIsOpenedAndForced() throws IOException {
    DirectoryOpener io = new DirectoryOpener(IoInterceptor.NONE::openDirectory);
    DurableFiles f = files(io);
    Path target = dir.resolve("target");
    Files.createDirectories(target);
    f.writeAtomically(target.resolve("a.json"), "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(io.opened).containsExactly(target);
    assertThat(Files.readString(target.resolve("a.json"))).isEqualTo("{}");
  }

  @Test
  void aDirectoryThatCannotBeOpenedFailsTheStepNamingIt() throws IOException {
    DurableFiles f = files(new DirectoryOpener(d -> {
      throw new IOException("injected: too many open files");
    }));
    Path target = dir.resolve("target");
    Files.createDirectories(target);
    assertThatThrownBy(() -> f.forceDirectory(target))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot open directory " + target)
        .hasMessageContaining("injected: too many open files")
        .hasMessageContaining("force it to disk");
    // a move into that directory happened but is reported as not durable
    Path source = dir.resolve("tmp/x.part");
    Files.writeString(source, "x");
    assertThatThrownBy(() -> f.moveIntoPlace(source, target.resolve("x")))
        .isInstanceOf(IOException.class).hasMessageContaining(target.toString());
    assertThat(target.resolve("x")).hasContent("x");
  }

  @Test
  void aVanishedDirectoryIsAFailureNotASkip() throws IOException {
    Path target = dir.resolve("gone");
    DurableFiles f = files(IoInterceptor.NONE);
    assertThatThrownBy(() -> f.forceDirectory(target))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot open directory " + target);
  }

  @Test
  void accessDeniedIsToleratedOnlyOnWindows() throws IOException {
    DurableFiles f = files(new DirectoryOpener(d -> {
      throw new AccessDeniedException(d.toString());
    }));
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
        .startsWith("windows");
    if (windows) {
      assertThatCode(() -> f.forceDirectory(dir)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> f.forceDirectory(dir))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot open directory " + dir)
          .hasCauseInstanceOf(AccessDeniedException.class);
    }
  }

  @Test
  void aFileSystemWithoutDirectoryChannelsIsSkipped() throws IOException {
    DirectoryOpener io = new DirectoryOpener(d -> {
      throw new UnsupportedOperationException("no channels on directories");
    });
    DurableFiles f = files(io);
    Path target = dir.resolve("target");
    Files.createDirectories(target);
    assertThatCode(() -> f.forceDirectory(target)).doesNotThrowAnyException();
    f.writeAtomically(target.resolve("m.json"), new byte[] {1, 2});
    assertThat(Files.readAllBytes(target.resolve("m.json"))).containsExactly(1, 2);
    assertThat(io.opened).containsExactly(target, target);
  }

  @Test
  void aFailingForceFailsTheStepNamingTheDirectory() throws IOException {
    boolean[] closed = {false};
    DurableFiles f = files(new DirectoryOpener(d -> new FailingForce(
        FileChannel.open(d, StandardOpenOption.READ), closed)));
    assertThatThrownBy(() -> f.forceDirectory(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot force directory " + dir)
        .hasMessageContaining("injected: Input/output error");
    assertThat(closed[0]).as("the directory's channel was closed").isTrue();
  }

  /** A channel on a directory whose force fails, as fsync does on a failing disk. */
  private static final class FailingForce extends FileChannel {
    private final FileChannel inner;
    private final boolean[] closed;

    FailingForce(FileChannel inner, boolean[] closed) {
      this.inner = inner;
      this.closed = closed;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      throw new IOException("injected: Input/output error");
    }

    @Override
    protected void implCloseChannel() throws IOException {
      closed[0] = true;
      inner.close();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return inner.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return inner.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return inner.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      return inner.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
      return inner.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      inner.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return inner.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      inner.truncate(size);
      return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return inner.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      return inner.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return inner.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return inner.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return inner.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return inner.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return inner.tryLock(position, size, shared);
    }
  }
}
