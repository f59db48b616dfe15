package org.optstore.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sees every file operation of the engine before it happens, may wrap the channels formats
 * write to, and opens the directories that are forced. The production instance does nothing; tests use it to inject I/O faults and to take
 * snapshots of the base directory between the steps of a commit.
 */
public interface IoInterceptor {
  /** Does nothing. */
  IoInterceptor NONE = new IoInterceptor() {};

  /**
   * @param channel the channel a file in {@code tmp/} is written through
   * @param file the file
   * @return the channel to hand to the writer
   */
  default SeekableByteChannel wrap(SeekableByteChannel channel, Path file) {
    return channel;
  }

  /**
   * Called before each operation; throwing fails the operation.
   *
   * @param op the operation
   * @param path the file or directory it acts on (for {@link FileOp#MOVE}, the target)
   * @throws IOException to fail the operation
   */
  default void before(FileOp op, Path path) throws IOException {}

  /**
   * Opens a directory so that it can be forced ({@link FileOp#FORCE_DIRECTORY}, after {@link
   * #before}).
   *
   * @param dir the directory
   * @return a channel on it
   * @throws IOException when it cannot be opened
   * @throws UnsupportedOperationException when the file system opens no channel on a directory
   */
  default FileChannel openDirectory(Path dir) throws IOException {
    return FileChannel.open(dir, StandardOpenOption.READ);
  }
}
