package org.optstore.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import org.optstore.Column;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;
import org.optstore.core.catalog.Catalog;
import org.optstore.core.catalog.CatalogLayout;
import org.optstore.core.catalog.DatasetNames;
import org.optstore.core.catalog.Manifest;
import org.optstore.core.catalog.ManifestCodec;
import org.optstore.core.filter.TimeStats;
import org.optstore.core.format.FormatRegistry;
import org.optstore.core.importer.FileImporter;
import org.optstore.core.io.DurableFiles;
import org.optstore.core.io.TempFile;
import org.optstore.core.raw.RawCopyFile;
import org.optstore.core.raw.RawCopyPipeline;
import org.optstore.core.raw.RawCopyReader;
import org.optstore.core.raw.RawCopyWriter;
import org.optstore.spi.Capability;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write half of the commit protocol: batches go through the format's writer (and the raw
 * copy's) into {@code tmp/}, are forced, and only then, under the dataset's lock, get a version
 * number, are renamed into {@code optimized/} and {@code raw/}, and are committed by the manifest.
 * A failure at any step before the manifest leaves the previous version current and removes what
 * was written. Also rebuilds a version from its raw copy. Thread-safe.
 */
final class DatasetWriter {
  /** Rows per batch handed to format writers when the caller gives one big frame. */
  static final int WRITE_BATCH_ROWS = 1 << 16;

  private static final Logger LOG = LoggerFactory.getLogger(DatasetWriter.class);

  private final CatalogLayout layout;
  private final Catalog catalog;
  private final DurableFiles files;
  private final FormatRegistry registry;
  private final StorageFormat format;
  private final String compression;
  private final boolean rawCopy;
  private final FileImporter importer;

  DatasetWriter(CatalogLayout layout, Catalog catalog, DurableFiles files, FormatRegistry registry,
      StorageFormat format, String compression, boolean rawCopy) {
    this.layout = layout;
    this.catalog = catalog;
    this.files = files;
    this.registry = registry;
    this.format = format;
    this.compression = compression;
    this.rawCopy = rawCopy;
    this.importer = new FileImporter(registry, WRITE_BATCH_ROWS);
  }

  /**
   * The codec to write a format with: the configured one when the format has it, else the
   * format's default (the store's own format was checked when the store opened).
   */
  String codecFor(StorageFormat f) {
    if (!compression.equalsIgnoreCase("default")) {
      for (String c : f.codecs()) {
        if (c.equalsIgnoreCase(compression)) {
          return c;
        }
      }
      LOG.debug("format '{}' has no codec '{}'; writing with its default '{}'", f.name(),
          compression, f.defaultCodec());
    }
    return f.defaultCodec();
  }

  /**
   * Writes and commits a new version.
   *
   * @param name the dataset
   * @param batches its rows; closed here
   * @param metadata user metadata
   * @param options time column and format override
   * @param expectedRows the rows if known, else -1
   * @return the committed manifest
   */
  Manifest write(String name, FrameStream batches, Map<String, ?> metadata, WriteOptions options,
      long expectedRows) {
    try (batches) {
      String enc = DatasetNames.encode(name);
      Map<String, Object> meta = ManifestCodec.checkMetadata(metadata, name);
      StorageFormat f = options.format().isPresent()
          ? registry.require(options.format().get(), "to write dataset '" + name + "'") : format;
      Schema schema = targetSchema(batches.schema(), options, name);
      String desc = "dataset '" + name + "' (new version)";
      Staged staged = stage(desc, name, f, codecFor(f), schema, batches, expectedRows, rawCopy);
      try {
        return commit(name, enc, staged, meta);
      } finally {
        staged.discard(files);
      }
    }
  }

  /**
   * Imports a file as a new version through {@link #write}, recording where it came from in the
   * version's metadata ({@code importedFrom}: the file's absolute path, {@code importKind}: csv,
   * jsonl, avro or the importing format's name).
   *
   * @param name the dataset
   * @param file the file
   * @param options time column, pattern, epoch unit, format override
   * @return the committed manifest
   */
  Manifest importFile(String name, Path file, WriteOptions options) {
    String from = file.toAbsolutePath().normalize().toString();
    return importer.importFile(file, options, (batches, kind) -> write(name, batches,
        Map.of("importedFrom", from, "importKind", kind), options, -1));
  }

  private static Schema targetSchema(Schema given, WriteOptions options, String name) {
    try {
      if (options.noTimeColumn()) {
        return given.withTimeColumn(null);
      }
      if (options.timeColumn().isPresent()) {
        return given.withTimeColumn(options.timeColumn().get());
      }
      return given;
    } catch (SchemaException e) {
      throw new SchemaException("dataset '" + name + "': " + e.getMessage(), e);
    }
  }

  /** Gives a batch the target schema, checking that its time column holds no null. */
  private static Frame conform(Frame batch, Schema schema, long offset, String name) {
    if (batch.schema().equals(schema)) {
      return batch;
    }
    if (!batch.schema().fields().equals(schema.fields())) {
      throw new SchemaException("dataset '" + name + "': the batch starting at row " + offset
          + " has the columns " + batch.schema().fields() + " but the data's columns are "
          + schema.fields());
    }
    int t = schema.timeColumnIndex();
    if (t >= 0) {
      Column c = batch.column(t);
      for (int r = 0; r < c.size() && c.nullCount() > 0; r++) {
        if (c.isNull(r)) {
          throw new SchemaException("dataset '" + name + "': time column '"
              + schema.field(t).name() + "' has a null at row " + (offset + r)
              + "; the time column must not hold nulls");
        }
      }
    }
    return Frame.of(schema, batch.columns());
  }

  /** Files written and forced in {@code tmp/}, waiting for a version number. */
  private static final class Staged {
    final StorageFormat format;
    final String codec;
    final Schema schema;
    final TempFile data;
    final long dataSize;
    final WriteSummary summary;
    final TempFile raw;
    final RawCopyFile rawFile;
    final long rows;
    final TimeStats stats;

    Staged(StorageFormat format, String codec, Schema schema, TempFile data, long dataSize,
        WriteSummary summary, TempFile raw, RawCopyFile rawFile, long rows, TimeStats stats) {
      this.format = format;
      this.codec = codec;
      this.schema = schema;
      this.data = data;
      this.dataSize = dataSize;
      this.summary = summary;
      this.raw = raw;
      this.rawFile = rawFile;
      this.rows = rows;
      this.stats = stats;
    }

    /** Removes whatever is still in {@code tmp/} (nothing after a commit). */
    void discard(DurableFiles files) {
      if (Files.exists(data.path())) {
        files.deleteQuietly(data.path());
      }
      if (raw != null && Files.exists(raw.path())) {
        files.deleteQuietly(raw.path());
      }
    }
  }

  private Staged stage(String desc, String name, StorageFormat f, String codec, Schema schema,
      FrameStream batches, long expectedRows, boolean withRaw) {
    TempFile data = null;
    TempFile raw = null;
    FormatWriter fw = null;
    RawCopyPipeline rw = null;
    boolean ok = false;
    try {
      data = f.capabilities().contains(Capability.WRITES_TO_PATH)
          ? files.reserveTempPath(f.fileExtension(), desc)
          : files.createTempFile(f.fileExtension(), desc);
      fw = f.createWriter(data, new WriteSpec(schema, codec, expectedRows, desc, Map.of()));
      if (withRaw) {
        raw = files.createTempFile("avro", desc);
        rw = new RawCopyPipeline(new RawCopyWriter(raw, schema), desc);
      }
      TimeStats stats = new TimeStats();
      String time = schema.timeColumn().orElse(null);
      long rows = 0;
      while (true) {
        Frame given = nextBatch(batches, desc, rows);
        if (given == null) {
          break;
        }
        Frame b = conform(given, schema, rows, name);
        if (time != null) {
          stats.add(b.longs(time));
        }
        fw.write(b);
        if (rw != null) {
          rw.write(b);
        }
        rows += b.rowCount();
      }
      WriteSummary summary = fw.finish();
      if (summary.rowCount() != rows) {
        throw new DataStoreException("format '" + f.name() + "' reports " + summary.rowCount()
            + " rows written for " + desc + " but " + rows + " were given; the format is faulty");
      }
      FormatWriter done = fw;
      fw = null;
      done.close();
      RawCopyFile rawFile = null;
      if (rw != null) {
        rawFile = rw.finish();
        rw = null;
      }
      long dataSize = data.force();
      if (raw != null) {
        raw.force();
      }
      ok = true;
      return new Staged(f, codec, schema, data, dataSize, summary, raw, rawFile, rows, stats);
    } catch (IOException e) {
      throw new DataStoreException("cannot write " + desc + " in " + files.tmpDir() + ": " + e
          + "; the previous version stays current", e);
    } catch (DataStoreException e) {
      if (e.getClass() == DataStoreException.class) {
        throw new DataStoreException(e.getMessage() + "; the previous version stays current", e);
      }
      throw e;
    } catch (RuntimeException e) {
      throw new DataStoreException("format '" + f.name() + "' failed writing " + desc + ": " + e
          + "; the previous version stays current", e);
    } finally {
      if (fw != null) {
        try {
          fw.close();
        } catch (RuntimeException e) {
          LOG.debug("closing the abandoned writer of {} failed: {}", desc, e.toString());
        }
      }
      if (rw != null) {
        rw.close();
      }
      if (!ok) {
        abandon(data);
        abandon(raw);
      }
    }
  }

  /** The next batch, or null; a failure of the caller's stream is named as such. */
  private static Frame nextBatch(FrameStream batches, String desc, long rows) {
    try {
      return batches.hasNext() ? batches.next() : null;
    } catch (DataStoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new DataStoreException("reading the rows to write for " + desc + " failed after "
          + rows + " rows: " + e, e);
    }
  }

  private void abandon(TempFile t) {
    if (t != null) {
      try {
        t.close();
      } catch (RuntimeException e) {
        LOG.debug("closing {} failed: {}", t, e.toString());
      }
      files.deleteQuietly(t.path());
    }
  }

  private Manifest commit(String name, String enc, Staged s, Map<String, Object> meta) {
    Lock lock = catalog.lock(enc);
    lock.lock();
    List<Path> placed = new ArrayList<>();
    Path dir = null;
    boolean committed = false;
    try {
      long v = catalog.nextVersion(enc);
      dir = layout.versionDir(enc, v);
      if (Files.exists(dir)) {
        files.deleteRecursively(dir); // left by a failed attempt: no manifest names it
      }
      files.createDirectories(dir);
      Path dataTarget = dir.resolve("part-0." + s.format.fileExtension());
      files.moveIntoPlace(s.data.path(), dataTarget);
      placed.add(dataTarget);
      Manifest.RawFile raw = null;
      if (s.raw != null) {
        Path rawTarget = layout.rawFile(enc, v);
        files.createDirectories(rawTarget.getParent());
        files.moveIntoPlace(s.raw.path(), rawTarget);
        placed.add(rawTarget);
        raw = new Manifest.RawFile(layout.relative(rawTarget), s.rawFile.size(),
            s.rawFile.crc32c());
      }
      boolean hasTime = s.schema.timeColumn().isPresent();
      Manifest m = new Manifest(name, v, Manifest.Kind.DATA, Instant.now(), s.format.name(),
          s.format.formatVersion(), s.codec,
          List.of(new Manifest.DataFile(layout.relative(dataTarget), s.dataSize, s.rows,
              s.summary.checksums())),
          raw, s.schema, s.rows, hasTime ? s.stats.min() : null, hasTime ? s.stats.max() : null,
          hasTime && s.stats.sorted(), meta, 0, null, null);
      Manifest done;
      try {
        done = catalog.commit(m);
      } catch (Catalog.CommitNotForcedException e) {
        committed = true;
        throw e;
      }
      committed = true;
      LOG.debug("committed {}: {} rows in format '{}', {} bytes", done.describe(), s.rows,
          s.format.name(), s.dataSize);
      catalog.prune(enc);
      return done;
    } catch (IOException e) {
      throw new DataStoreException("cannot commit dataset '" + name + "': " + e
          + "; the previous version stays current", e);
    } finally {
      if (!committed) {
        for (Path p : placed) {
          files.deleteQuietly(p);
        }
        if (dir != null) {
          files.deleteQuietly(dir);
        }
      }
      lock.unlock();
    }
  }

  /**
   * Rebuilds the current version of a dataset from its raw copy into the store's format, replaces
   * its manifest by one naming the new file, and removes the old file.
   *
   * @param m the version to rebuild (with a raw copy)
   * @param reason why, for the log
   * @return the manifest now current for that version, or the one another thread committed first
   * @throws VersionChangedException when the dataset moved to another version meanwhile
   */
  Manifest rebuild(Manifest m, String reason) {
    String enc = DatasetNames.encode(m.dataset());
    Lock lock = catalog.lock(enc);
    lock.lock();
    try {
      Manifest cur = catalog.current(m.dataset());
      if (cur.version() != m.version()) {
        throw new VersionChangedException();
      }
      if (!cur.checksum().equals(m.checksum())) {
        return cur; // rebuilt by another reader meanwhile
      }
      Path rawPath = layout.resolveRecorded(m.raw().path(), enc, layout.manifest(enc, m.version()));
      LOG.info("rebuilding {} from its raw copy {} into format '{}' because {}", m.describe(),
          rawPath, format.name(), reason);
      String desc = m.describe() + " (rebuild)";
      Staged s;
      try (RawCopyReader in = RawCopyReader.open(rawPath, m.raw().size(), m.raw().crc32c(),
          m.schema(), WRITE_BATCH_ROWS)) {
        s = stage(desc, m.dataset(), format, codecFor(format), m.schema(), in, m.rowCount(),
            false);
      }
      Path target = null;
      boolean committed = false;
      try {
        if (s.rows != m.rowCount()) {
          throw new CorruptDataException("raw copy " + rawPath + " holds " + s.rows
              + " rows but " + m.describe() + " has " + m.rowCount()
              + "; the version cannot be rebuilt");
        }
        Path dir = layout.versionDir(enc, m.version());
        files.createDirectories(dir);
        target = dir.resolve("part-0.g" + (m.generation() + 1) + "." + format.fileExtension());
        files.moveIntoPlace(s.data.path(), target);
        Manifest nm = m.rebuilt(format.name(), format.formatVersion(), s.codec,
            List.of(new Manifest.DataFile(layout.relative(target), s.dataSize, s.rows,
                s.summary.checksums())));
        Manifest done;
        try {
          done = catalog.commit(nm);
        } catch (Catalog.CommitNotForcedException e) {
          committed = true;
          throw e;
        }
        committed = true;
        catalog.prune(enc);
        LOG.info("rebuilt {} into {}", m.describe(), target);
        return done;
      } catch (IOException e) {
        throw new DataStoreException("cannot place the rebuilt file of " + m.describe() + ": "
            + e, e);
      } finally {
        s.discard(files);
        if (!committed && target != null) {
          files.deleteQuietly(target);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** The dataset's current version changed while it was being read; the read starts over. */
  static final class VersionChangedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    VersionChangedException() {
      super("the dataset's current version changed", null, false, false);
    }
  }
}
