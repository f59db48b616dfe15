package org.optstore.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.optstore.DataStoreException;
import org.optstore.InvalidConfigException;

/**
 * The writer's lock: an OS file lock on {@code LOCK}, held for the life of a writable store, with
 * the holder's pid written inside so that a second writer can name it. Locks held in this JVM are
 * also remembered here, since a file lock cannot exclude its own process.
 */
final class StoreLock implements AutoCloseable {
  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private final Path base;
  private final FileChannel channel;
  private final FileLock lock;

  private StoreLock(Path base, FileChannel channel, FileLock lock) {
    this.base = base;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @param base the normalised base path
   * @param file the lock file
   * @return the lock, held
   * @throws InvalidConfigException when another store (in this process or another) holds it,
   *     naming its pid
   */
  static StoreLock acquire(Path base, Path file) {
    long pid = ProcessHandle.current().pid();
    if (!HELD_HERE.add(base)) {
      throw new InvalidConfigException("the store at " + base + " is already open for writing in "
          + "this process (pid " + pid + "); share one instance with DataStores.shared(config), "
          + "or open this one with readOnly(true)");
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        String holder = readHolder(ch);
        throw new InvalidConfigException("the store at " + base + " is locked for writing by "
            + "process " + holder + " (lock file " + file + "); close that store first, or open "
            + "this one with readOnly(true)");
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      ch.force(true);
      return new StoreLock(base, ch, l);
    } catch (IOException e) {
      release(base, ch);
      throw new DataStoreException("cannot take the lock " + file + ": " + e, e);
    } catch (RuntimeException e) {
      release(base, ch);
      throw e;
    }
  }

  private static String readHolder(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(64);
    ch.read(b, 0);
    String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
    return s.matches("[0-9]+") ? s : "(unknown pid)";
  }

  private static void release(Path base, FileChannel ch) {
    HELD_HERE.remove(base);
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing held
      }
    }
  }

  /** Releases the lock (the file stays; its pid is stale until the next writer). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it too
    } finally {
      release(base, channel);
    }
  }
}
