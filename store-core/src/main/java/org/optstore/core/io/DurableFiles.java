package org.optstore.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's only way to change files: writes go to {@code tmp/}, are forced, renamed into place
 * atomically, and the directory that received them is forced too, so that a crash at any instant
 * leaves either the old file or the new one. Every step is reported to an {@link IoInterceptor}
 * first. Thread-safe.
 */
public final class DurableFiles {
  private static final Logger LOG = LoggerFactory.getLogger(DurableFiles.class);

  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private final Path tmpDir;
  private final IoInterceptor interceptor;
  private final AtomicBoolean directoryForceSkipped = new AtomicBoolean();

  /**
   * @param tmpDir the directory for writes in flight, on the same file system as their targets
   * @param interceptor sees every operation first
   */
  public DurableFiles(Path tmpDir, IoInterceptor interceptor) {
    this.tmpDir = Objects.requireNonNull(tmpDir, "tmpDir");
    this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
  }

  IoInterceptor interceptor() {
    return interceptor;
  }

  /** @return the directory for writes in flight */
  public Path tmpDir() {
    return tmpDir;
  }

  /**
   * Creates a new file in {@code tmp/} to be written through its channel.
   *
   * @param extension the file name extension, without the dot
   * @param description what is written, for messages
   * @return the file, open for reading and writing
   * @throws IOException when it cannot be created
   */
  public TempFile createTempFile(String extension, String description) throws IOException {
    return new TempFile(this, newTempPath(extension), description, true);
  }

  /**
   * Reserves a path in {@code tmp/} for a writer that creates the file itself (native formats).
   *
   * @param extension the file name extension, without the dot
   * @param description what is written, for messages
   * @return the target, whose {@link TempFile#channel()} is unavailable
   * @throws IOException never in practice
   */
  public TempFile reserveTempPath(String extension, String description) throws IOException {
    return new TempFile(this, newTempPath(extension), description, false);
  }

  private Path newTempPath(String extension) {
    return tmpDir.resolve(UUID.randomUUID() + "." + extension);
  }

  /**
   * Renames a forced file into place, replacing any file there, and forces the target directory.
   *
   * @param source a forced file in {@code tmp/}
   * @param target where it belongs; its directory exists
   * @throws IOException when the rename or the directory force fails
   */
  public void moveIntoPlace(Path source, Path target) throws IOException {
    interceptor.before(FileOp.MOVE, target);
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + source + " to " + target
          + " atomically; tmp/ and the target must be on one file system", e);
    }
    forceDirectory(target.getParent());
  }

  /**
   * Writes a small file atomically: to {@code tmp/}, forced, renamed over {@code target}, and the
   * directory forced.
   *
   * @param target the file to create or replace; its directory exists
   * @param bytes the whole content
   * @throws IOException when any step fails (the target then holds its old content, or the new
   *     one when only the final directory force failed)
   */
  public void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = newTempPath("part");
    boolean moved = false;
    try {
      interceptor.before(FileOp.CREATE, tmp);
      try (FileChannel fc = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        SeekableByteChannel ch = interceptor.wrap(fc, tmp);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        interceptor.before(FileOp.FORCE, tmp);
        fc.force(true);
      }
      interceptor.before(FileOp.MOVE, target);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      forceDirectory(target.getParent());
    } finally {
      if (!moved) {
        deleteQuietly(tmp);
      }
    }
  }

  /**
   * Forces a directory, so that the names created or renamed in it survive a crash. Skipped only
   * where a directory cannot be forced by design: a file system whose provider opens no channel on
   * a directory, and Windows, which refuses to open directories ({@code AccessDeniedException})
   * and makes renames durable by itself.
   *
   * @param dir the directory
   * @throws IOException naming the directory, when it cannot be opened or forced
   */
  public void forceDirectory(Path dir) throws IOException {
    interceptor.before(FileOp.FORCE_DIRECTORY, dir);
    FileChannel fc;
    try {
      fc = interceptor.openDirectory(dir);
    } catch (UnsupportedOperationException e) {
      skipped(dir, e);
      return;
    } catch (AccessDeniedException e) {
      if (WINDOWS) {
        skipped(dir, e);
        return;
      }
      throw notForced(dir, "open", e);
    } catch (IOException e) {
      throw notForced(dir, "open", e);
    }
    try (fc) {
      fc.force(true);
    } catch (IOException e) {
      throw notForced(dir, "force", e);
    }
  }

  private void skipped(Path dir, Exception e) {
    if (directoryForceSkipped.compareAndSet(false, true)) {
      LOG.debug("directories cannot be forced on this platform ({} on {}); renames rely on the "
          + "file system's own durability", e.toString(), dir);
    }
  }

  private static IOException notForced(Path dir, String step, IOException e) {
    return new IOException("cannot " + step + " directory " + dir + " to force it to disk (" + e
        + ")", e);
  }

  /**
   * Creates a directory and its missing parents, forcing each parent that gained an entry.
   *
   * @param dir the directory
   * @throws IOException when a directory cannot be created
   */
  public void createDirectories(Path dir) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.add(p);
    }
    for (int i = missing.size() - 1; i >= 0; i--) {
      Path p = missing.get(i);
      try {
        Files.createDirectory(p);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (!Files.isDirectory(p)) {
          throw e;
        }
      }
      if (p.getParent() != null) {
        forceDirectory(p.getParent());
      }
    }
  }

  /**
   * Deletes a file or a directory tree.
   *
   * @param path the file or directory; nothing happens when it does not exist
   * @throws IOException when something cannot be deleted
   */
  public void deleteRecursively(Path path) throws IOException {
    if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
        for (Path child : ds) {
          deleteRecursively(child);
        }
      } catch (NoSuchFileException e) {
        return;
      }
    }
    delete(path);
  }

  /**
   * Deletes one file or empty directory.
   *
   * @param path the path; nothing happens when it does not exist
   * @throws IOException when it cannot be deleted
   */
  public void delete(Path path) throws IOException {
    interceptor.before(FileOp.DELETE, path);
    Files.deleteIfExists(path);
  }

  /**
   * Deletes a file or tree, logging instead of throwing: for cleanup after a failure, where the
   * first error is the one to report.
   *
   * @param path the file or directory
   */
  public void deleteQuietly(Path path) {
    try {
      deleteRecursively(path);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not remove {} ({}); the next writable open removes it", path, e.toString());
    }
  }
}
