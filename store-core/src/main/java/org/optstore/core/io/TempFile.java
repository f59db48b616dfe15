package org.optstore.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.optstore.DataStoreException;
import org.optstore.spi.WriteTarget;

/**
 * A file being written in {@code tmp/}: the {@link WriteTarget} handed to format writers and the
 * raw copy. The engine forces it with {@link #force()} and then moves it into place with {@link
 * DurableFiles#moveIntoPlace}; closing without that leaves it for {@link DurableFiles} to delete.
 */
public final class TempFile implements WriteTarget, Closeable {
  private final DurableFiles files;
  private final Path path;
  private final String description;
  private final FileChannel file; // null for path targets until forced
  private final SeekableByteChannel channel;

  TempFile(DurableFiles files, Path path, String description, boolean channelTarget)
      throws IOException {
    this.files = files;
    this.path = path;
    this.description = description;
    if (channelTarget) {
      files.interceptor().before(FileOp.CREATE, path);
      this.file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      this.channel = files.interceptor().wrap(file, path);
    } else {
      this.file = null;
      this.channel = null;
    }
  }

  @Override
  public SeekableByteChannel channel() {
    if (channel == null) {
      throw new IllegalStateException("the target for " + description
          + " is a path: the format declared WRITES_TO_PATH and must write to path()");
    }
    return channel;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public String description() {
    return description;
  }

  /**
   * Forces the written bytes to disk and closes the file.
   *
   * @return the file's size in bytes
   * @throws IOException when the file cannot be forced
   */
  public long force() throws IOException {
    files.interceptor().before(FileOp.FORCE, path);
    if (file != null) {
      file.force(true);
      long size = file.size();
      close();
      return size;
    }
    try (FileChannel fc = FileChannel.open(path, StandardOpenOption.WRITE)) {
      fc.force(true);
      return fc.size();
    }
  }

  /**
   * Closes the channel (idempotent); the file stays until moved or deleted.
   *
   * @throws DataStoreException naming the file and what was written to it, when closing fails
   */
  @Override
  public void close() {
    if (file == null) {
      return;
    }
    IOException failure = null;
    if (channel != file) {
      try {
        channel.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    try {
      file.close(); // whatever the wrapper did, so that the descriptor is released
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw new DataStoreException("cannot close the file " + path + " written in tmp/ for "
          + description + ": " + failure + "; check the disk (space, permissions) and retry",
          failure);
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
