package org.optstore.spi;

import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;

/**
 * Where a {@link FormatWriter} writes: a file in the engine's {@code tmp/} directory that the
 * engine forces to disk and renames once the writer has finished.
 *
 * <p>Formats without {@link Capability#WRITES_TO_PATH} write through {@link #channel()} only
 * (positioned at 0, open for reading too, so a writer may read back regions after writing them)
 * and never open {@link #path()} themselves: the engine may wrap the channel, e.g. to inject
 * faults in tests. Formats with it write to {@link #path()} and never call {@link #channel()}.
 * Writers do not close the channel and do not force it.
 */
public interface WriteTarget {

  /** @return the channel to write to (and read back from) */
  SeekableByteChannel channel();

  /** @return the file's path, for formats that write through a native library */
  Path path();

  /** @return what is being written, for messages, e.g. {@code dataset 'ticks' version 3} */
  String description();
}
