package org.optstore.core.io;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;

/**
 * Sees every file operation of the engine before it happens and may wrap the channels formats
 * write to. The production instance does nothing; tests use it to inject I/O faults and to take
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
}
