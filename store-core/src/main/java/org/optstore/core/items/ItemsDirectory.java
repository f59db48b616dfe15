package org.optstore.core.items;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import org.optstore.DataStoreException;
import org.optstore.InvalidConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one item store directory and the exclusive hold on it.
 *
 * <pre>
 * items.dat    the Chronicle Map
 * items.lock   locked (FileLock) while a store has the directory open; holds the holder's pid
 * items.open   present while a store has the directory open: found at open, it means the last
 *              holder did not close cleanly (crash, kill, power loss) and the map needs recovery
 * </pre>
 *
 * <p>Chronicle Map's recovery needs exclusive access to the map file, so the lock is taken before
 * the marker is looked at and released only after the marker is removed.
 */
final class ItemsDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ItemsDirectory.class);

  static final String MAP_FILE = "items.dat";
  static final String LOCK_FILE = "items.lock";
  static final String OPEN_MARKER = "items.open";
  /** Where a new map is built before it is renamed to {@link #MAP_FILE}. */
  static final String CREATING_FILE = "items.dat.creating";

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Optional<String> previousMarker;

  private ItemsDirectory(Path dir, FileChannel lockChannel, FileLock lock,
      Optional<String> previousMarker) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.previousMarker = previousMarker;
  }

  /**
   * Creates the directory if needed, locks it, notes whether the last holder left the open marker
   * behind, and writes a fresh marker (forced to disk) before anything touches the map.
   */
  static ItemsDirectory acquire(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new InvalidConfigException("the item store directory " + dir
          + " exists but is not a directory; move that file away or choose another base path", e);
    } catch (IOException e) {
      throw new InvalidConfigException("cannot create the item store directory " + dir + ": " + e
          + "; check that the base path is writable", e);
    }
    Path lockFile = dir.resolve(LOCK_FILE);
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new InvalidConfigException("cannot open " + lockFile + ": " + e
          + "; check that the item store directory is writable", e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        throw new InvalidConfigException("the item store in " + dir + " is already open in this"
            + " JVM; share that ItemStore instead of opening a second one", e);
      }
      if (lock == null) {
        throw new InvalidConfigException("the item store in " + dir + " is open in another process"
            + " (" + holder(channel) + "); close it there first: a Chronicle Map file has only one"
            + " writer");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
          .getBytes(StandardCharsets.UTF_8)), 0);
      Optional<String> previous = readMarker(dir.resolve(OPEN_MARKER));
      writeMarker(dir);
      return new ItemsDirectory(dir, channel, lock, previous);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new DataStoreException("cannot take the item store directory " + dir + ": " + e
          + "; check its permissions and free space", e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  Path dir() {
    return dir;
  }

  Path mapFile() {
    return dir.resolve(MAP_FILE);
  }

  Path creatingFile() {
    return dir.resolve(CREATING_FILE);
  }

  /**
   * @return the marker the last holder left behind (its content, possibly empty), when it did not
   *     close cleanly
   */
  Optional<String> previousMarker() {
    return previousMarker;
  }

  /**
   * Forces the map file's contents to disk (fsync): pages written through a mapping, even one
   * already unmapped, are in the operating system's cache until then.
   */
  void forceMapFile() throws IOException {
    try (FileChannel channel = FileChannel.open(mapFile(), StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** Forces the directory's entries (a rename, a deletion) to disk, where the platform can. */
  void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("cannot force directory {} to disk: {}", dir, e.toString());
    }
  }

  /**
   * Releases the directory. With {@code clean} the open marker is removed first, so that the next
   * open does not recover; without it the marker stays and the next open recovers.
   */
  void release(boolean clean) {
    try {
      if (clean) {
        Files.deleteIfExists(dir.resolve(OPEN_MARKER));
        syncDirectory();
      }
    } catch (IOException e) {
      LOG.warn("cannot remove {} ({}); the next open of the item store will run a recovery",
          dir.resolve(OPEN_MARKER), e.toString());
    } finally {
      try {
        lock.release();
      } catch (IOException e) {
        LOG.debug("releasing the lock on {} failed: {}", dir.resolve(LOCK_FILE), e.toString());
      }
      closeQuietly(lockChannel);
    }
  }

  @Override
  public void close() {
    release(true);
  }

  private static Optional<String> readMarker(Path marker) throws IOException {
    try {
      byte[] content = Files.readAllBytes(marker);
      return Optional.of(new String(content, StandardCharsets.UTF_8).strip());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static void writeMarker(Path dir) throws IOException {
    Path marker = dir.resolve(OPEN_MARKER);
    byte[] content = ("opened by pid " + ProcessHandle.current().pid() + " at " + Instant.now()
        + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel c = FileChannel.open(marker, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        c.write(buffer);
      }
      c.force(true);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("cannot force directory {} to disk: {}", dir, e.toString());
    }
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(64);
      int n = channel.read(buffer, 0);
      String text = n <= 0 ? "" : new String(buffer.array(), 0, n, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? "holder unknown" : text;
    } catch (IOException e) {
      return "holder unknown";
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing {} failed: {}", channel, e.toString());
    }
  }
}
