package org.optstore.core.catalog;

import com.google.common.util.concurrent.Striped;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.DatasetNotFoundException;
import org.optstore.FormatUnavailableException;
import org.optstore.InvalidConfigException;
import org.optstore.core.io.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manifests of every dataset: which versions exist, which one is current, and the commit,
 * delete, prune and sweep steps of the protocol in DESIGN.md. Thread-safe; writers of one dataset
 * serialise on {@link #lock(String)}.
 *
 * <p>A writable catalog belongs to the one process holding {@code LOCK}: it reads every manifest
 * when it opens and is the authority afterwards. A read-only catalog re-lists a dataset's manifests
 * when its view is older than {@link #STALE_MILLIS} ms or after {@link #refresh()}, so it sees a
 * new version within a second. Manifests never change after their commit, except that a rebuild
 * replaces one atomically by a manifest of the same version naming the rebuilt file.
 */
public final class Catalog {
  /** How old a read-only view of a dataset may get before it is listed again. */
  public static final long STALE_MILLIS = 500;

  private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);
  private static final Pattern MANIFEST_FILE = Pattern.compile("(0|[1-9][0-9]{0,17})\\.json");
  private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]{0,17}");
  private static final long STALE_NANOS = TimeUnit.MILLISECONDS.toNanos(STALE_MILLIS);

  private final CatalogLayout layout;
  private final DurableFiles files; // null when read-only
  private final int keepVersions;
  private final Map<String, DatasetState> states = new ConcurrentHashMap<>();
  private final Striped<Lock> locks = Striped.lock(64);
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private volatile long listedAt;
  private volatile boolean listed;
  private volatile Consumer<Manifest> commitListener = m -> { };

  private Catalog(CatalogLayout layout, DurableFiles files, int keepVersions) {
    this.layout = layout;
    this.files = files;
    this.keepVersions = keepVersions;
  }

  /**
   * Opens the catalog of the process that holds the lock: empties {@code tmp/}, prunes versions
   * beyond {@code keepVersions}, and removes files no manifest names.
   *
   * @param layout the layout
   * @param files how to change files
   * @param keepVersions data versions to keep per dataset (at least 1)
   * @return the catalog
   * @throws IOException when the directories cannot be created or listed
   */
  public static Catalog openWritable(CatalogLayout layout, DurableFiles files, int keepVersions)
      throws IOException {
    Catalog c = new Catalog(layout, Objects.requireNonNull(files, "files"), keepVersions);
    c.sweep();
    return c;
  }

  /**
   * @param layout the layout
   * @return a catalog that never writes and lists lazily
   */
  public static Catalog openReadOnly(CatalogLayout layout) {
    return new Catalog(layout, null, Integer.MAX_VALUE);
  }

  /**
   * @param listener told of every manifest this catalog commits (a new version, a rebuild's
   *     replacement, a tombstone) right after it became current; it must not throw
   */
  public void onCommit(Consumer<Manifest> listener) {
    this.commitListener = Objects.requireNonNull(listener, "listener");
  }

  /** @return the layout */
  public CatalogLayout layout() {
    return layout;
  }

  /**
   * @param encoded an encoded dataset name
   * @return the lock its writers, deleters and rebuilders hold
   */
  public Lock lock(String encoded) {
    return locks.get(encoded);
  }

  /**
   * @param name a dataset name
   * @return its current manifest
   * @throws DatasetNotFoundException when it has no version or was deleted
   * @throws CorruptDataException when its newest manifest fails its checksum
   */
  public Manifest current(String name) {
    String enc = DatasetNames.encode(name);
    Entry e = state(enc).highest();
    if (e == null || e.isTombstone()) {
      throw notFound(name);
    }
    if (e.problem != null) {
      throw withDataset(name, e.problem);
    }
    return e.manifest;
  }

  /**
   * @param name a dataset name
   * @param version a version
   * @return whether that manifest is still the current one with that checksum
   */
  public boolean isCurrent(String name, long version, String checksum) {
    Entry e = state(DatasetNames.encode(name)).highest();
    return e != null && e.manifest != null && e.version == version
        && Objects.equals(e.manifest.checksum(), checksum);
  }

  private static DataStoreException withDataset(String name, DataStoreException problem) {
    String msg = "dataset '" + name + "' cannot be read: " + problem.getMessage();
    if (problem instanceof FormatUnavailableException) {
      return new FormatUnavailableException(msg, problem);
    }
    return new CorruptDataException(msg, problem);
  }

  /**
   * @param name a dataset name
   * @return the exception for a dataset that does not exist, listing a few that do
   */
  public DatasetNotFoundException notFound(String name) {
    List<String> known = new ArrayList<>();
    for (Manifest m : live()) {
      known.add(m.dataset());
    }
    String list;
    if (known.isEmpty()) {
      list = "the store holds no datasets";
    } else {
      list = "known: " + String.join(", ", known.subList(0, Math.min(5, known.size())))
          + (known.size() > 5 ? " and " + (known.size() - 5) + " more" : "");
    }
    return new DatasetNotFoundException("dataset '" + name + "' not found in " + layout.base()
        + " (" + list + "); check the name or store it first");
  }

  /** @return the current manifest of every live dataset, by name; damaged ones are logged */
  public List<Manifest> live() {
    if (files == null && (!listed || System.nanoTime() - listedAt > STALE_NANOS)) {
      long started = System.nanoTime(); // the view is as old as the listing's start
      Set<String> dirs = new HashSet<>(listDirectories(layout.catalogDir()));
      for (String enc : dirs) {
        state(enc);
      }
      states.keySet().retainAll(dirs);
      listedAt = started;
      listed = true;
    }
    List<Manifest> out = new ArrayList<>();
    for (DatasetState s : states.values()) {
      Entry e = s.highest();
      if (e == null || e.isTombstone()) {
        continue;
      }
      if (e.problem != null) {
        if (warned.add(e.file + "@" + e.problem.getMessage())) {
          LOG.warn("dataset directory {} is left out of list(): {}", s.encoded,
              e.problem.getMessage());
        }
        continue;
      }
      out.add(e.manifest);
    }
    out.sort(Comparator.comparing(Manifest::dataset));
    return out;
  }

  /**
   * @param encoded an encoded dataset name (its lock held)
   * @return the number the next version gets: one above every manifest, damaged ones included
   */
  public long nextVersion(String encoded) {
    Entry e = state(encoded).highest();
    return e == null ? 1 : e.version + 1;
  }

  /**
   * Writes a manifest: the commit point of a new version, or the replacement of a version's
   * manifest by a rebuild. The caller holds the dataset's lock.
   *
   * @param m the manifest
   * @return the manifest as committed (metadata normalised, checksum set)
   * @throws CommitNotForcedException when the manifest is in place but the directory could not be
   *     forced: the version is visible, its durability unknown
   * @throws DataStoreException when the manifest could not be written; nothing changed
   */
  public Manifest commit(Manifest m) {
    requireWritable();
    String enc = DatasetNames.encode(m.dataset());
    Path path = layout.manifest(enc, m.version());
    byte[] bytes = ManifestCodec.encode(m);
    Manifest committed = ManifestCodec.decode(bytes, path.toString());
    try {
      files.createDirectories(path.getParent());
      files.writeAtomically(path, bytes);
    } catch (IOException e) {
      if (hasContent(path, bytes)) {
        put(enc, path, committed, bytes.length);
        commitListener.accept(committed);
        throw new CommitNotForcedException(m.describe() + " was committed (" + path
            + ") but the directory could not be forced to disk (" + e
            + "); it is visible now, but may be lost if the machine crashes", e);
      }
      throw new DataStoreException("cannot commit " + m.describe() + ": writing its manifest "
          + path + " failed (" + e + "); the previous version stays current", e);
    }
    put(enc, path, committed, bytes.length);
    commitListener.accept(committed);
    return committed;
  }

  private static boolean hasContent(Path path, byte[] bytes) {
    try {
      return Arrays.equals(Files.readAllBytes(path), bytes);
    } catch (IOException e) {
      return false;
    }
  }

  private void put(String enc, Path path, Manifest m, long size) {
    TreeMap<Long, Entry> entries = new TreeMap<>(state(enc).entries);
    long mtime;
    Object key;
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      mtime = a.lastModifiedTime().toMillis();
      key = a.fileKey();
    } catch (IOException e) {
      mtime = -1;
      key = null;
    }
    entries.put(m.version(), new Entry(m.version(), path, m, null, null, size, mtime, key));
    states.put(enc, new DatasetState(enc, entries, System.nanoTime()));
  }

  /**
   * Deletes a dataset: a tombstone manifest first, then every older manifest and file.
   *
   * @param name a dataset name
   * @return whether it existed (a dataset whose newest manifest is damaged counts)
   */
  public boolean delete(String name) {
    requireWritable();
    String enc = DatasetNames.encode(name);
    Lock lock = lock(enc);
    lock.lock();
    try {
      Entry e = state(enc).highest();
      if (e == null || e.isTombstone()) {
        return false;
      }
      commit(Manifest.tombstone(name, e.version + 1, Instant.now()));
      prune(enc);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes the manifests of one dataset beyond the newest {@code keepVersions} (everything below
   * a newest tombstone), oldest first, then every file of the dataset that no remaining manifest
   * names. A damaged manifest still in the window keeps every file it may name. Failures are
   * logged (a WARN once per condition), never thrown, since pruning runs after a commit point
   * that must not be reported as failed: what remains is removed at the next writable open. The
   * caller holds the dataset's lock.
   *
   * @param encoded an encoded dataset name
   */
  public void prune(String encoded) {
    requireWritable();
    try {
      pruneVersions(encoded);
    } catch (RuntimeException e) {
      warnOnce("prune " + encoded + " " + e.getMessage(), "could not prune the old versions of "
          + "dataset directory {} ({}); the next writable open retries", encoded, e.toString());
    }
  }

  private void warnOnce(String condition, String format, Object... args) {
    if (warned.add(condition)) {
      LOG.warn(format, args);
    } else {
      LOG.debug(format, args);
    }
  }

  private void pruneVersions(String encoded) {
    DatasetState s = state(encoded);
    List<Entry> desc = new ArrayList<>(s.entries.descendingMap().values());
    if (desc.isEmpty()) {
      return;
    }
    List<Entry> kept = new ArrayList<>();
    if (desc.get(0).isTombstone()) {
      kept.add(desc.get(0));
    } else {
      for (Entry e : desc) {
        if (e.isTombstone() || kept.size() == keepVersions) {
          break;
        }
        kept.add(e);
      }
    }
    TreeMap<Long, Entry> remaining = new TreeMap<>(s.entries);
    List<Entry> asc = new ArrayList<>(desc);
    Collections.reverse(asc);
    for (Entry e : asc) {
      if (kept.contains(e)) {
        continue;
      }
      try {
        files.delete(e.file);
        remaining.remove(e.version);
        LOG.debug("pruned manifest {}", e.file);
      } catch (IOException | RuntimeException ex) {
        warnOnce("prune " + e.file + " " + ex, "could not prune manifest {} ({}); the next "
            + "writable open retries", e.file, ex.toString());
      }
    }
    states.put(encoded, new DatasetState(encoded, remaining, System.nanoTime()));
    Set<Path> referenced = new HashSet<>();
    Set<Long> wholeVersions = new HashSet<>();
    for (Entry e : remaining.values()) {
      if (e.manifest != null) {
        for (Manifest.DataFile f : e.manifest.files()) {
          addResolved(referenced, f.path(), encoded, e.file);
        }
        if (e.manifest.raw() != null) {
          addResolved(referenced, e.manifest.raw().path(), encoded, e.file);
        }
      } else {
        // a damaged manifest: keep what it names if that can be read, and its version's files
        wholeVersions.add(e.version);
        if (e.pathsIgnoringChecksum != null) {
          for (String p : e.pathsIgnoringChecksum) {
            addResolved(referenced, p, encoded, e.file);
          }
        }
      }
    }
    sweepFiles(encoded, referenced, wholeVersions);
  }

  private void addResolved(Set<Path> referenced, String recorded, String enc, Path manifest) {
    try {
      referenced.add(layout.resolveRecorded(recorded, enc, manifest));
    } catch (DataStoreException e) {
      // a path outside the dataset's directories is never the sweeper's to keep or delete
      LOG.debug("{}", e.getMessage());
    }
  }

  /** Removes the files of a dataset no kept manifest names; logs instead of throwing. */
  private void sweepFiles(String enc, Set<Path> referenced, Set<Long> wholeVersions) {
    try {
      sweepUnreferenced(enc, referenced, wholeVersions);
    } catch (RuntimeException e) {
      warnOnce("sweep " + enc + " " + e.getMessage(), "could not remove the unreferenced files "
          + "of dataset directory {} ({}); the next writable open retries", enc, e.toString());
    }
  }

  private void sweepUnreferenced(String enc, Set<Path> referenced, Set<Long> wholeVersions) {
    Path od = layout.optimizedDir().resolve(enc);
    for (String v : listDirectories(od)) {
      if (NUMBER.matcher(v).matches() && wholeVersions.contains(Long.parseLong(v))) {
        continue;
      }
      Path vd = od.resolve(v);
      for (Path f : listEntries(vd)) {
        if (!referenced.contains(f)) {
          remove(f);
        }
      }
      if (listEntries(vd).isEmpty()) {
        remove(vd);
      }
    }
    for (Path f : listEntries(od)) {
      if (!Files.isDirectory(f)) {
        remove(f);
      }
    }
    Path rd = layout.rawDir().resolve(enc);
    for (Path f : listEntries(rd)) {
      String n = f.getFileName().toString();
      String stem = n.endsWith(".avro") ? n.substring(0, n.length() - 5) : n;
      boolean protectedVersion = NUMBER.matcher(stem).matches()
          && wholeVersions.contains(Long.parseLong(stem));
      if (!protectedVersion && !referenced.contains(f)) {
        remove(f);
      }
    }
    for (Path d : List.of(od, rd)) {
      if (Files.isDirectory(d) && listEntries(d).isEmpty()) {
        remove(d);
      }
    }
  }

  private void remove(Path p) {
    try {
      files.deleteRecursively(p);
      LOG.debug("removed {}, which no manifest names", p);
    } catch (IOException | RuntimeException e) {
      warnOnce("remove " + p + " " + e, "could not remove {} ({}); the next writable open "
          + "retries", p, e.toString());
    }
  }

  /** Forgets what a read-only catalog has listed, so the next access lists again. */
  public void refresh() {
    if (files == null) {
      listed = false;
      for (DatasetState s : states.values()) {
        states.computeIfPresent(s.encoded, (k, old) -> old.expired());
      }
    }
  }

  /**
   * Lists one dataset again (read-only catalogs; a writable one is always current).
   *
   * @param name a dataset name
   */
  public void refresh(String name) {
    if (files == null) {
      String enc = DatasetNames.encode(name);
      DatasetState old = states.get(enc);
      states.put(enc, load(enc, old));
    }
  }

  private void sweep() throws IOException {
    files.createDirectories(layout.tmpDir());
    files.createDirectories(layout.catalogDir());
    files.createDirectories(layout.optimizedDir());
    files.createDirectories(layout.rawDir());
    for (Path p : listEntries(layout.tmpDir())) {
      files.deleteRecursively(p);
    }
    Set<String> datasets = new HashSet<>();
    for (String enc : listDirectories(layout.catalogDir())) {
      DatasetState s = load(enc, null);
      states.put(enc, s);
      if (!s.entries.isEmpty()) {
        datasets.add(enc);
        Lock lock = lock(enc);
        lock.lock();
        try {
          prune(enc);
        } finally {
          lock.unlock();
        }
      }
    }
    for (Path dir : List.of(layout.optimizedDir(), layout.rawDir())) {
      List<Path> entries;
      try {
        entries = listEntries(dir);
      } catch (DataStoreException e) {
        warnOnce("sweep " + dir + " " + e.getMessage(), "could not look for files no manifest "
            + "names in {} ({}); the next writable open retries", dir, e.getMessage());
        continue;
      }
      for (Path p : entries) {
        if (!datasets.contains(p.getFileName().toString())) {
          LOG.info("removing {}: no manifest names it", p);
          remove(p);
        }
      }
    }
  }

  private void requireWritable() {
    if (files == null) {
      throw new InvalidConfigException("the store at " + layout.base() + " is read-only; open it "
          + "with readOnly(false) to change it");
    }
  }

  private DatasetState state(String enc) {
    DatasetState s = states.get(enc);
    if (files != null) {
      return s != null ? s : new DatasetState(enc, new TreeMap<>(), System.nanoTime());
    }
    if (s == null || System.nanoTime() - s.loadedAt > STALE_NANOS) {
      s = load(enc, s);
      states.put(enc, s);
    }
    return s;
  }

  private DatasetState load(String enc, DatasetState previous) {
    // the view is as old as the listing's start: a manifest committed while it ran may be
    // missing from it, and must still be seen within STALE_MILLIS of its commit
    long started = System.nanoTime();
    Path dir = layout.datasetCatalog(enc);
    TreeMap<Long, Entry> entries = new TreeMap<>();
    for (Path p : listEntries(dir)) {
      Matcher m = MANIFEST_FILE.matcher(p.getFileName().toString());
      if (!m.matches()) {
        LOG.debug("ignoring {}: not a manifest name", p);
        continue;
      }
      long v = Long.parseLong(m.group(1));
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        continue; // pruned meanwhile
      } catch (IOException e) {
        throw new DataStoreException("cannot read the attributes of manifest " + p + ": " + e, e);
      }
      Entry old = previous == null ? null : previous.entries.get(v);
      long mtime = a.lastModifiedTime().toMillis();
      if (old != null && old.size == a.size() && old.mtime == mtime
          && Objects.equals(old.fileKey, a.fileKey())) {
        entries.put(v, old);
        continue;
      }
      Entry e = read(enc, v, p, a.size(), mtime, a.fileKey());
      if (e != null) {
        entries.put(v, e);
      }
    }
    return new DatasetState(enc, entries, started);
  }

  private Entry read(String enc, long v, Path p, long size, long mtime, Object key) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new DataStoreException("cannot read manifest " + p + ": " + e, e);
    }
    try {
      Manifest m = ManifestCodec.decode(bytes, p.toString());
      if (!DatasetNames.encode(m.dataset()).equals(enc) || m.version() != v) {
        throw new CorruptDataException("manifest " + p + " claims to be " + m.describe()
            + ", which belongs elsewhere; restore it from a backup or delete the dataset");
      }
      return new Entry(v, p, m, null, null, size, mtime, key);
    } catch (CorruptDataException | FormatUnavailableException e) {
      LOG.warn("{}", e.getMessage());
      return new Entry(v, p, null, e, ManifestCodec.pathsIgnoringChecksum(bytes), size, mtime,
          key);
    } catch (DataStoreException e) {
      CorruptDataException c = new CorruptDataException("manifest " + p + " is invalid: "
          + e.getMessage(), e);
      return new Entry(v, p, null, c, ManifestCodec.pathsIgnoringChecksum(bytes), size, mtime,
          key);
    }
  }

  private static List<String> listDirectories(Path dir) {
    List<String> out = new ArrayList<>();
    for (Path p : listEntries(dir)) {
      if (Files.isDirectory(p)) {
        out.add(p.getFileName().toString());
      }
    }
    return out;
  }

  private static List<Path> listEntries(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        out.add(p);
      }
    } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
      return out;
    } catch (IOException e) {
      throw new DataStoreException("cannot list " + dir + ": " + e, e);
    }
    return out;
  }

  /** A manifest file as read: valid, or damaged with the reason. */
  private static final class Entry {
    final long version;
    final Path file;
    final Manifest manifest; // null when damaged
    final DataStoreException problem; // null when valid
    final List<String> pathsIgnoringChecksum; // what a damaged manifest seems to name
    final long size;
    final long mtime;
    final Object fileKey;

    Entry(long version, Path file, Manifest manifest, DataStoreException problem,
        List<String> paths, long size, long mtime, Object fileKey) {
      this.version = version;
      this.file = file;
      this.manifest = manifest;
      this.problem = problem;
      this.pathsIgnoringChecksum = paths;
      this.size = size;
      this.mtime = mtime;
      this.fileKey = fileKey;
    }

    boolean isTombstone() {
      return manifest != null && manifest.isTombstone();
    }
  }

  /** The manifests of one dataset as last listed. Immutable. */
  private static final class DatasetState {
    final String encoded;
    final NavigableMap<Long, Entry> entries;
    final long loadedAt;

    DatasetState(String encoded, TreeMap<Long, Entry> entries, long loadedAt) {
      this.encoded = encoded;
      this.entries = Collections.unmodifiableNavigableMap(entries);
      this.loadedAt = loadedAt;
    }

    Entry highest() {
      return entries.isEmpty() ? null : entries.lastEntry().getValue();
    }

    DatasetState expired() {
      return new DatasetState(encoded, new TreeMap<>(entries), loadedAt - 2 * STALE_NANOS);
    }
  }

  /**
   * A manifest reached its place, but forcing its directory failed: the version is visible and
   * its files must stay, though a crash may still lose it.
   */
  public static final class CommitNotForcedException extends DataStoreException {
    private static final long serialVersionUID = 1L;

    CommitNotForcedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
