package org.optstore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.CorruptDataException;
import org.optstore.DataStore;
import org.optstore.DataStoreException;
import org.optstore.DatasetInfo;
import org.optstore.DatasetNotFoundException;
import org.optstore.Frame;
import org.optstore.core.catalog.Catalog;
import org.optstore.core.io.FileOp;
import org.optstore.core.io.IoInterceptor;
import org.optstore.core.testing.LogCapture;

/** The commit protocol: what a crash or a failure at each step leaves, pruning and sweeping. */
class CommitProtocolTest {
  @TempDir Path dir;
  @TempDir Path snapshots;

  private Path base() {
    return dir.resolve("store");
  }

  private StoreConfig.Builder config() {
    return TestStores.config(base());
  }

  /** Copies the base directory before every file operation once armed. */
  private static final class Snapshotter implements IoInterceptor {
    final Path from;
    final Path to;
    final List<Path> taken = new ArrayList<>();
    volatile boolean armed;

    Snapshotter(Path from, Path to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public void before(FileOp op, Path path) {
      if (armed) {
        take(op + " " + from.relativize(path));
      }
    }

    void take(String label) {
      Path t = to.resolve(String.format("%03d", taken.size()));
      copyTree(from, t);
      taken.add(t);
    }
  }

  static void copyTree(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.collect(Collectors.toList())) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else if (Files.exists(p)) {
          Files.copy(p, q);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> files(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\',
          '/')).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void aCrashAtAnyStepOfAWriteLeavesTheOldOrTheNewVersion() throws IOException {
    Frame v1 = TestStores.ticks(100);
    Frame v2 = TestStores.ticks(250);
    Snapshotter snap = new Snapshotter(base(), snapshots);
    try (DataStore s = TestStores.open(config().build(), snap)) {
      s.store("t", v1, Map.of());
      snap.armed = true;
      s.store("t", v2, Map.of());
      snap.armed = false;
      snap.take("after");
    }
    assertThat(snap.taken.size()).isGreaterThan(8);
    int sawOld = 0;
    int sawNew = 0;
    for (Path state : snap.taken) {
      Frame read;
      try (DataStore ro = TestStores.open(TestStores.config(state).readOnly(true).build())) {
        read = ro.retrieve("t").frame();
      }
      assertThat(read).as(state.toString()).isIn(v1, v2);
      try (DataStore rw = TestStores.open(TestStores.config(state).build())) {
        assertThat(rw.retrieve("t").frame()).as(state.toString()).isEqualTo(read);
        assertThat(rw.list()).hasSize(1);
      }
      // the writable open swept what no manifest names
      assertThat(files(state.resolve("tmp"))).isEmpty();
      long version = read.equals(v1) ? 1 : 2;
      for (String f : files(state.resolve("optimized"))) {
        assertThat(f).as(state + " " + f).startsWith("t/" + (version == 1 ? "1/" : ""));
      }
      sawOld += read.equals(v1) ? 1 : 0;
      sawNew += read.equals(v2) ? 1 : 0;
    }
    assertThat(sawOld).isPositive();
    assertThat(sawNew).isPositive();
  }

  @Test
  void aCrashAtAnyStepOfADeleteNeverResurrectsAnOlderVersion() throws IOException {
    Frame v2 = TestStores.ticks(250);
    Snapshotter snap = new Snapshotter(base(), snapshots);
    try (DataStore s = TestStores.open(config().build(), snap)) {
      s.store("t", TestStores.ticks(100), Map.of());
      s.store("t", v2, Map.of());
      snap.armed = true;
      assertThat(s.delete("t")).isTrue();
      snap.armed = false;
      snap.take("after");
      assertThat(s.delete("t")).isFalse();
    }
    int gone = 0;
    for (Path state : snap.taken) {
      try (DataStore rw = TestStores.open(TestStores.config(state).build())) {
        try {
          assertThat(rw.retrieve("t").frame()).as(state.toString()).isEqualTo(v2);
        } catch (DatasetNotFoundException e) {
          gone++;
          assertThat(rw.list()).isEmpty();
        }
      }
    }
    assertThat(gone).isPositive();
    Path last = snap.taken.get(snap.taken.size() - 1);
    assertThat(files(last.resolve("optimized"))).isEmpty();
    assertThat(files(last.resolve("raw"))).isEmpty();
    assertThat(files(last.resolve("catalog"))).containsExactly("t/3.json");
  }

  /**
   * Fails writes to one kind of file after some bytes, like a full disk, or (closeFails) fails
   * closing it, as a file system may report a deferred write error at close.
   */
  private static final class FailingChannel implements IoInterceptor {
    final String suffix;
    final long after;
    final boolean closeFails;

    FailingChannel(String suffix, long after) {
      this(suffix, after, false);
    }

    FailingChannel(String suffix, long after, boolean closeFails) {
      this.suffix = suffix;
      this.after = after;
      this.closeFails = closeFails;
    }

    @Override
    public SeekableByteChannel wrap(SeekableByteChannel ch, Path file) {
      if (!file.toString().endsWith(suffix)) {
        return ch;
      }
      return new SeekableByteChannel() {
        long written;

        @Override
        public int write(ByteBuffer src) throws IOException {
          if (written + src.remaining() > after) {
            throw new IOException("No space left on device (injected)");
          }
          int n = ch.write(src);
          written += n;
          return n;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
          return ch.read(dst);
        }

        @Override
        public long position() throws IOException {
          return ch.position();
        }

        @Override
        public SeekableByteChannel position(long p) throws IOException {
          ch.position(p);
          return this;
        }

        @Override
        public long size() throws IOException {
          return ch.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
          ch.truncate(size);
          return this;
        }

        @Override
        public boolean isOpen() {
          return ch.isOpen();
        }

        @Override
        public void close() throws IOException {
          ch.close();
          if (closeFails) {
            throw new IOException("Input/output error (injected at close)");
          }
        }
      };
    }
  }

  @Test
  void aTmpFileThatFailsToCloseFailsTheWriteNamingTheFileAndTheDataset() throws IOException {
    Frame v1 = TestStores.ticks(100);
    for (String suffix : List.of(".tcol", ".avro")) {
      try (DataStore s = TestStores.open(config().build())) {
        s.delete("t");
        s.store("t", v1, Map.of());
      }
      try (DataStore s = TestStores.open(config().build(),
          new FailingChannel(suffix, Long.MAX_VALUE, true))) {
        long version = s.info("t").version();
        assertThatThrownBy(() -> s.store("t", TestStores.ticks(50), Map.of()))
            .isInstanceOf(DataStoreException.class)
            .hasMessageContaining("cannot close the file " + base().resolve("tmp"))
            .hasMessageContaining(suffix + " written in tmp/ for dataset 't' (new version)")
            .hasMessageContaining("Input/output error (injected at close)")
            .hasMessageContaining("previous version stays current")
            .message().doesNotContain("format 'testcol' failed");
        assertThat(s.retrieve("t").frame()).isEqualTo(v1);
        assertThat(s.info("t").version()).isEqualTo(version);
        assertThat(files(base().resolve("tmp"))).isEmpty();
      }
    }
  }

  @Test
  void aFailingStreamOfRowsIsNamedAsSuchNotBlamedOnTheFormat() throws IOException {
    Frame v1 = TestStores.ticks(10);
    Frame batch = TestStores.ticks(20);
    org.optstore.FrameStream failing = new org.optstore.FrameStream() {
      int given;

      @Override
      public org.optstore.Schema schema() {
        return batch.schema();
      }

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Frame next() {
        if (given++ == 1) {
          throw new IllegalStateException("the source went away (injected)");
        }
        return batch;
      }

      @Override
      public void close() {}
    };
    try (DataStore s = TestStores.open(config().build())) {
      s.store("t", v1, Map.of());
      assertThatThrownBy(() -> s.store("t", failing, Map.of(),
          org.optstore.WriteOptions.defaults()))
          .isInstanceOf(DataStoreException.class)
          .hasMessageContaining("reading the rows to write for dataset 't' (new version) failed "
              + "after 20 rows")
          .hasMessageContaining("the source went away (injected)")
          .hasMessageContaining("previous version stays current")
          .message().doesNotContain("format");
      assertThat(s.retrieve("t").frame()).isEqualTo(v1);
      assertThat(files(base().resolve("tmp"))).isEmpty();
    }
  }

  @Test
  void aWriteFailingInTheFormatOrTheRawCopyLeavesThePreviousVersionAndNoFiles() throws IOException {
    Frame v1 = TestStores.ticks(100);
    for (String suffix : List.of(".tcol", ".avro")) {
      try (DataStore s = TestStores.open(config().build())) {
        s.delete("t");
        s.store("t", v1, Map.of());
      }
      long version;
      try (DataStore s = TestStores.open(config().build(), new FailingChannel(suffix, 5000))) {
        version = s.info("t").version();
        assertThatThrownBy(() -> s.store("t", TestStores.ticks(5000), Map.of()))
            .isInstanceOf(DataStoreException.class)
            .hasMessageContaining("No space left on device")
            .hasMessageContaining("previous version stays current");
        assertThat(s.retrieve("t").frame()).isEqualTo(v1);
        assertThat(files(base().resolve("tmp"))).isEmpty();
        assertThat(files(base().resolve("optimized"))).containsExactly(
            "t/" + version + "/part-0.tcol");
        // a small write still fits and takes the next number
        assertThat(s.store("t", TestStores.ticks(3), Map.of()).version()).isEqualTo(version + 1);
      }
    }
  }

  @Test
  void aRawCopyFailingOnItsOwnThreadFailsTheWriteAndLeavesNoThread() throws IOException {
    Frame v1 = TestStores.ticks(100);
    try (DataStore s = TestStores.open(config().build())) {
      s.store("t", v1, Map.of());
    }
    // 40 batches of 5,000 rows: the raw copy writes several blocks while the batches arrive
    List<Frame> batches = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      batches.add(TestStores.ticks(5000));
    }
    try (DataStore s = TestStores.open(config().build(), new FailingChannel(".avro", 600_000))) {
      assertThatThrownBy(() -> s.store("t", org.optstore.FrameStream.of(batches.get(0).schema(), batches),
          Map.of(), org.optstore.WriteOptions.builder().build()))
          .isInstanceOf(DataStoreException.class)
          .hasMessageContaining("cannot write the raw copy of")
          .hasMessageContaining("No space left on device")
          .hasMessageContaining("previous version stays current");
      assertThat(s.retrieve("t").frame()).isEqualTo(v1);
      assertThat(files(base().resolve("tmp"))).isEmpty();
      assertThat(Thread.getAllStackTraces().keySet())
          .noneMatch(t -> t.getName().equals("optstore-raw-copy"));
      // and a write that fits still works, its raw copy whole
      assertThat(s.store("t", org.optstore.FrameStream.of(batches.get(0).schema(), batches.subList(0, 2)),
          Map.of(), org.optstore.WriteOptions.builder().build()).rowCount()).isEqualTo(10_000);
    }
    try (DataStore s = TestStores.open(config().build())) {
      Files.delete(base().resolve("optimized/t/" + s.info("t").version() + "/part-0.tcol"));
      assertThat(s.retrieve("t").frame()).isEqualTo(Frame.concat(batches.subList(0, 2)));
    }
  }

  @Test
  void aFailureBeforeTheManifestRenameLeavesThePreviousVersion() throws IOException {
    Frame v1 = TestStores.ticks(100);
    IoInterceptor failManifest = new IoInterceptor() {
      @Override
      public void before(FileOp op, Path path) throws IOException {
        if (op == FileOp.MOVE && path.toString().endsWith("2.json")) {
          throw new IOException("injected rename failure");
        }
      }
    };
    try (DataStore s = TestStores.open(config().build(), failManifest)) {
      s.store("t", v1, Map.of());
      assertThatThrownBy(() -> s.store("t", TestStores.ticks(7), Map.of()))
          .isInstanceOf(DataStoreException.class)
          .hasMessageContaining("injected rename failure");
      assertThat(s.retrieve("t").frame()).isEqualTo(v1);
      assertThat(s.info("t").version()).isEqualTo(1);
    }
    assertThat(files(base().resolve("optimized"))).containsExactly("t/1/part-0.tcol");
    assertThat(files(base().resolve("raw"))).containsExactly("t/1.avro");
    assertThat(files(base().resolve("catalog"))).containsExactly("t/1.json");
  }

  @Test
  void aManifestInPlaceWhoseDirectoryCannotBeForcedIsVisibleAndReported() {
    IoInterceptor failDirForce = new IoInterceptor() {
      boolean renamed;

      @Override
      public void before(FileOp op, Path path) throws IOException {
        if (op == FileOp.MOVE && path.toString().endsWith("1.json")) {
          renamed = true;
        } else if (renamed && op == FileOp.FORCE_DIRECTORY) {
          renamed = false;
          throw new IOException("injected fsync failure");
        }
      }
    };
    Frame v1 = TestStores.ticks(10);
    try (DataStore s = TestStores.open(config().build(), failDirForce)) {
      assertThatThrownBy(() -> s.store("t", v1, Map.of()))
          .isInstanceOf(DataStoreException.class)
          .hasMessageContaining("was committed")
          .hasMessageContaining("injected fsync failure");
      assertThat(s.retrieve("t").frame()).isEqualTo(v1);
    }
    try (DataStore s = TestStores.open(config().build())) {
      assertThat(s.retrieve("t").frame()).isEqualTo(v1);
    }
  }

  @Test
  void aDirectoryThatCannotBeOpenedForItsForceFailsTheWriteInsteadOfBeingSkipped()
      throws IOException {
    Frame v1 = TestStores.ticks(10);
    Path versionDir = base().resolve("optimized/t/2");
    Path catalogDir = base().resolve("catalog/t");
    final class FailOpen implements IoInterceptor {
      volatile Path armed; // the directory whose next open fails
      volatile Path refuse;

      @Override
      public java.nio.channels.FileChannel openDirectory(Path d) throws IOException {
        if (d.equals(refuse)) {
          refuse = null;
          throw new IOException("injected: cannot open directory");
        }
        return IoInterceptor.super.openDirectory(d);
      }

      @Override
      public void before(FileOp op, Path path) {
        Path a = armed;
        if (op == FileOp.MOVE && a != null && path.getParent().equals(a)) {
          armed = null;
          refuse = a;
        }
      }
    }
    FailOpen failOpen = new FailOpen();
    try (DataStore s = TestStores.open(config().build(), failOpen)) {
      s.store("t", v1, Map.of());
      // the data file's directory, before the manifest: the write fails and leaves nothing
      failOpen.armed = versionDir;
      assertThatThrownBy(() -> s.store("t", TestStores.ticks(7), Map.of()))
          .isInstanceOf(DataStoreException.class)
          .hasMessageContaining("cannot open directory " + versionDir)
          .hasMessageContaining("previous version stays current");
      assertThat(s.retrieve("t").frame()).isEqualTo(v1);
      assertThat(files(base().resolve("optimized"))).containsExactly("t/1/part-0.tcol");
      assertThat(files(base().resolve("tmp"))).isEmpty();
      // the manifest's directory, after its rename: committed and visible, reported as such
      failOpen.armed = catalogDir;
      Frame v2 = TestStores.ticks(9);
      assertThatThrownBy(() -> s.store("t", v2, Map.of()))
          .isInstanceOf(Catalog.CommitNotForcedException.class)
          .hasMessageContaining("was committed")
          .hasMessageContaining("cannot open directory " + catalogDir);
      assertThat(s.retrieve("t").frame()).isEqualTo(v2);
    }
    try (DataStore s = TestStores.open(config().build())) {
      assertThat(s.info("t").version()).isEqualTo(2);
      assertThat(s.retrieve("t").frame()).isEqualTo(TestStores.ticks(9));
    }
  }

  @Test
  void aDamagedNewestManifestFailsReadsInsteadOfServingAnOlderVersion() throws IOException {
    try (DataStore s = TestStores.open(config().build())) {
      s.store("t", TestStores.ticks(10), Map.of());
      s.store("t", TestStores.ticks(20), Map.of());
      s.store("other", TestStores.ticks(5), Map.of());
    }
    Path m2 = base().resolve("catalog/t/2.json");
    try (RandomAccessFile f = new RandomAccessFile(m2.toFile(), "rw")) {
      f.seek(100);
      int b = f.read();
      f.seek(100);
      f.write(b == '1' ? '2' : '1');
    }
    for (boolean readOnly : new boolean[] {true, false}) {
      try (DataStore s = TestStores.open(config().readOnly(readOnly).build())) {
        assertThatThrownBy(() -> s.retrieve("t"))
            .isInstanceOf(CorruptDataException.class)
            .hasMessageContaining("2.json")
            .hasMessageContaining("CRC32C");
        assertThatThrownBy(() -> s.info("t")).isInstanceOf(CorruptDataException.class);
        assertThat(s.list()).extracting(DatasetInfo::name).containsExactly("other");
      }
    }
    // the writable open swept nothing the damaged manifest may name
    assertThat(files(base().resolve("optimized"))).contains("t/2/part-0.tcol");
    assertThat(files(base().resolve("raw"))).contains("t/2.avro");
    try (DataStore s = TestStores.open(config().build())) {
      Frame v3 = TestStores.ticks(30);
      assertThat(s.store("t", v3, Map.of()).version()).isEqualTo(3);
      assertThat(s.retrieve("t").frame()).isEqualTo(v3);
      assertThat(s.delete("t")).isTrue();
      assertThatThrownBy(() -> s.retrieve("t")).isInstanceOf(DatasetNotFoundException.class);
    }
    assertThat(files(base().resolve("catalog"))).containsExactly("other/1.json", "t/4.json");
    assertThat(files(base().resolve("optimized"))).containsExactly("other/1/part-0.tcol");
  }

  @Test
  void aTruncatedNewestManifestFailsReads() throws IOException {
    try (DataStore s = TestStores.open(config().build())) {
      s.store("t", TestStores.ticks(10), Map.of());
    }
    Path m1 = base().resolve("catalog/t/1.json");
    byte[] b = Files.readAllBytes(m1);
    Files.write(m1, java.util.Arrays.copyOf(b, b.length / 2));
    try (DataStore s = TestStores.open(config().build())) {
      assertThatThrownBy(() -> s.retrieve("t"))
          .isInstanceOf(CorruptDataException.class)
          .hasMessageContaining("1.json")
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void onlyAWritableOpenSweepsWhatNoManifestNames() throws IOException {
    try (DataStore s = TestStores.open(config().build())) {
      s.store("t", TestStores.ticks(10), Map.of());
    }
    Files.writeString(base().resolve("tmp/leftover.tcol"), "half a file");
    Files.createDirectories(base().resolve("optimized/t/9"));
    Files.writeString(base().resolve("optimized/t/9/part-0.tcol"), "orphan");
    Files.writeString(base().resolve("optimized/t/1/stray.bin"), "stray");
    Files.writeString(base().resolve("raw/t/9.avro"), "orphan");
    Files.createDirectories(base().resolve("optimized/ghost/1"));
    Files.writeString(base().resolve("optimized/ghost/1/part-0.tcol"), "no manifest");
    List<String> before = files(base());
    try (DataStore s = TestStores.open(config().readOnly(true).build())) {
      assertThat(s.retrieve("t").frame()).isEqualTo(TestStores.ticks(10));
    }
    assertThat(files(base())).isEqualTo(before);
    try (DataStore s = TestStores.open(config().build())) {
      assertThat(s.retrieve("t").frame()).isEqualTo(TestStores.ticks(10));
    }
    assertThat(files(base())).containsExactly("LOCK", "catalog/t/1.json",
        "optimized/t/1/part-0.tcol", "raw/t/1.avro");
  }

  /**
   * Makes {@code raw/t} unlistable while a prune runs (a symbolic link to itself, which fails to
   * open with ELOOP), the real directory set aside and put back by {@link #restore()}.
   */
  private final class UnlistableRawDirectory implements IoInterceptor {
    final Path rawDir = base().resolve("raw/t");
    final Path aside = dir.resolve("raw-t-aside");
    volatile boolean armed;
    volatile int faults;

    @Override
    public void before(FileOp op, Path path) throws IOException {
      if (armed && op == FileOp.DELETE && path.startsWith(base().resolve("catalog/t"))) {
        armed = false; // the prune after the commit removes the oldest manifest
        Files.move(rawDir, aside);
        Files.createSymbolicLink(rawDir, rawDir);
        faults++;
      }
    }

    void restore() throws IOException {
      Files.delete(rawDir);
      Files.move(aside, rawDir);
    }
  }

  @Test
  void aFailureWhilePruningAfterTheCommitDoesNotFailTheWrite() throws IOException {
    UnlistableRawDirectory fault = new UnlistableRawDirectory();
    try (LogCapture log = LogCapture.of(Catalog.class);
        DataStore s = TestStores.open(config().keepVersions(1).build(), fault)) {
      s.store("t", TestStores.ticks(3), Map.of());
      fault.armed = true;
      Frame v2 = TestStores.ticks(5);
      DatasetInfo info = s.store("t", v2, Map.of());
      assertThat(fault.faults).as("the fault was injected").isEqualTo(1);
      assertThat(info.version()).isEqualTo(2);
      assertThat(s.retrieve("t").frame()).isEqualTo(v2);
      List<String> warnings = log.messages("WARN");
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).contains("could not remove the unreferenced files of dataset "
          + "directory t").contains("Too many levels of symbolic links")
          .contains("the next writable open retries");
      // the same condition again: still no failure, and no second WARN
      fault.restore();
      fault.armed = true;
      Frame v3 = TestStores.ticks(7);
      assertThat(s.store("t", v3, Map.of()).version()).isEqualTo(3);
      assertThat(fault.faults).isEqualTo(2);
      assertThat(s.retrieve("t").frame()).isEqualTo(v3);
      assertThat(log.messages("WARN")).hasSize(1);
      assertThat(log.messages("DEBUG")).anyMatch(m -> m.startsWith("could not remove the "
          + "unreferenced files of dataset directory t"));
      fault.restore();
    }
    // the version files the failed sweeps left behind go at the next writable open
    assertThat(files(base().resolve("raw"))).containsExactly("t/1.avro", "t/2.avro",
        "t/3.avro");
    try (DataStore s = TestStores.open(config().keepVersions(1).build())) {
      assertThat(s.retrieve("t").frame()).isEqualTo(TestStores.ticks(7));
    }
    assertThat(files(base().resolve("raw"))).containsExactly("t/3.avro");
    assertThat(files(base().resolve("optimized"))).containsExactly("t/3/part-0.tcol");
    assertThat(files(base().resolve("catalog"))).containsExactly("t/3.json");
  }

  @Test
  void versionsBeyondKeepVersionsArePruned() throws IOException {
    try (DataStore s = TestStores.open(config().keepVersions(2).build())) {
      for (int i = 1; i <= 4; i++) {
        assertThat(s.store("t", TestStores.ticks(i), Map.of()).version()).isEqualTo(i);
      }
      assertThat(s.retrieve("t").frame()).isEqualTo(TestStores.ticks(4));
    }
    assertThat(files(base().resolve("catalog"))).containsExactly("t/3.json", "t/4.json");
    assertThat(files(base().resolve("optimized"))).containsExactly("t/3/part-0.tcol",
        "t/4/part-0.tcol");
    assertThat(files(base().resolve("raw"))).containsExactly("t/3.avro", "t/4.avro");
    try (DataStore s = TestStores.open(config().keepVersions(1).build())) {
      assertThat(s.info("t").version()).isEqualTo(4);
    }
    assertThat(files(base().resolve("catalog"))).containsExactly("t/4.json");
    assertThat(files(base().resolve("raw"))).containsExactly("t/4.avro");
  }

  @Test
  void aDeletedDatasetCanBeWrittenAgainUnderAHigherVersion() {
    try (DataStore s = TestStores.open(config().build())) {
      s.store("t", TestStores.ticks(10), Map.of());
      assertThat(s.delete("t")).isTrue();
      assertThat(s.delete("t")).isFalse();
      assertThat(s.delete("never")).isFalse();
      assertThat(s.list()).isEmpty();
      DatasetInfo again = s.store("t", TestStores.ticks(3), Map.of());
      assertThat(again.version()).isEqualTo(3);
      assertThat(s.retrieve("t").frame()).isEqualTo(TestStores.ticks(3));
    }
  }
}
