package org.optstore.core.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.optstore.DataStoreException;
import org.optstore.FrameStream;
import org.optstore.InvalidArgumentException;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;
import org.optstore.core.format.FormatRegistry;
import org.optstore.spi.Capability;
import org.optstore.spi.StorageFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a file as batches of frames, handed to a write (the store's streaming write, so that
 * the commit protocol, raw copy and manifest are the usual ones). The engine reads CSV, JSON lines
 * and Avro container files itself; any other file goes to the first available format with {@link
 * Capability#IMPORT} whose {@link StorageFormat#canImport} accepts it (HDF5 files pandas wrote,
 * Parquet, ...). Python pickles are refused: reading one runs whatever code it names.
 *
 * <p><b>What a file is</b> is told by its first bytes first (Avro, Parquet, HDF5, pickle, ORC,
 * Arrow, compressed files and others have magic numbers), by its extension second ({@code .csv},
 * {@code .tsv}, {@code .tab}; {@code .jsonl}, {@code .ndjson}, {@code .json}; {@code .avro};
 * {@code .pkl}, {@code .pickle}), then by asking the formats, and last, for text without a known
 * extension, by its first line (an object or array: JSON; a comma or tab: CSV).
 *
 * <p><b>Types of CSV and JSON lines</b> are those the whole file gives (see {@link TextImport}):
 * they are guessed from the first {@code sampleRows} rows, and when a later row does not fit the
 * guess (an integer column meets a decimal, say), the write is abandoned, the rest of the file is
 * read for its types only, and the file is imported again with them. Memory stays bounded by a
 * batch whatever the file's size.
 *
 * <p>Thread-safe: each import has its own readers.
 */
public final class FileImporter {
  private static final Logger LOG = LoggerFactory.getLogger(FileImporter.class);
  /** Rows whose values decide the types before the first batch is written. */
  static final int DEFAULT_SAMPLE_ROWS = 10_000;
  private static final int HEAD_BYTES = 4096;

  private final FormatRegistry registry;
  private final int batchRows;
  private final int sampleRows;

  /**
   * @param registry the formats, for files the engine does not read itself
   * @param batchRows the most rows per batch handed to the write
   */
  public FileImporter(FormatRegistry registry, int batchRows) {
    this(registry, batchRows, DEFAULT_SAMPLE_ROWS);
  }

  FileImporter(FormatRegistry registry, int batchRows, int sampleRows) {
    if (batchRows < 1 || sampleRows < 1) {
      throw new InvalidArgumentException("batch rows and sample rows must be at least 1, got "
          + batchRows + " and " + sampleRows);
    }
    this.registry = Objects.requireNonNull(registry, "registry");
    this.batchRows = batchRows;
    this.sampleRows = sampleRows;
  }

  /**
   * Imports a file.
   *
   * @param file the file
   * @param options the time column and how to read its values, and the format to write
   * @param write consumes the batches (and closes them) given the kind of file imported ({@code
   *     csv}, {@code jsonl}, {@code avro} or the importing format's name); it may be called twice
   *     when the types of a CSV or JSON lines file are only known after a first reading
   * @param <T> what the write returns
   * @return what the (last) write returned
   * @throws DataStoreException naming the file when it does not exist or cannot be read
   * @throws SchemaException for a bad row (naming file, line and column), a pickle, or columns
   *     that cannot be represented
   */
  public <T> T importFile(Path file, WriteOptions options,
      BiFunction<FrameStream, String, T> write) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(write, "write");
    byte[] head = head(file);
    FileKind magic = FileKind.byMagic(head);
    String fileName = file.getFileName() == null ? "" : file.getFileName().toString();
    FileKind ext = FileKind.byExtension(fileName);
    if (magic.weakMagic() && (ext == FileKind.CSV || ext == FileKind.JSON)) {
      magic = FileKind.UNKNOWN;
    }
    if (magic == FileKind.PICKLE || ext == FileKind.PICKLE) {
      throw pickleRefused(file);
    }
    if (magic == FileKind.AVRO || (magic == FileKind.UNKNOWN && ext == FileKind.AVRO)) {
      return importAvro(file, options, write);
    }
    if (magic == FileKind.UNKNOWN && (ext == FileKind.CSV || ext == FileKind.JSON)) {
      return importText(ext, file, options, write);
    }
    StorageFormat f = formatFor(file);
    if (f != null) {
      LOG.info("importing {} through format '{}'", file, f.name());
      return write.apply(f.importFile(file, options), f.name());
    }
    if (magic == FileKind.UNKNOWN && ext == FileKind.UNKNOWN) {
      FileKind sniffed = FileKind.bySniffing(head);
      if (sniffed != FileKind.UNKNOWN) {
        return importText(sniffed, file, options, write);
      }
    }
    throw unsupported(file, magic != FileKind.UNKNOWN ? magic : ext);
  }

  private static byte[] head(Path file) {
    if (Files.isDirectory(file)) {
      throw new DataStoreException("cannot import " + file + ": it is a directory; import a "
          + "file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(HEAD_BYTES);
    } catch (NoSuchFileException e) {
      throw new DataStoreException("cannot import " + file + ": no such file; check the path");
    } catch (AccessDeniedException e) {
      throw new DataStoreException("cannot import " + file + ": permission denied; make it "
          + "readable", e);
    } catch (IOException e) {
      throw new DataStoreException("cannot import " + file + ": it cannot be read (" + e + ")",
          e);
    }
  }

  static SchemaException pickleRefused(Path file) {
    String n = file.getFileName() == null ? "data.pkl" : file.getFileName().toString();
    return new SchemaException("file " + file + " is a Python pickle, an unsafe format: reading "
        + "one runs whatever code it names, so optstore never reads pickle files. Convert it in "
        + "Python, where you trust the file, to a safe format and import that, e.g. "
        + "pd.read_pickle('" + n + "').to_csv('data.csv', index=False) (or .to_parquet("
        + "'data.parquet'), or .to_hdf('data.h5', key='data', format='table'))");
  }

  /** @return the first available importing format that accepts the file, or null */
  private StorageFormat formatFor(Path file) {
    for (StorageFormat f : registry.importers()) {
      try {
        if (f.canImport(file)) {
          return f;
        }
      } catch (RuntimeException e) {
        LOG.debug("format '{}' failed to judge {}: {}", f.name(), file, e.toString());
      }
    }
    return null;
  }

  private SchemaException unsupported(Path file, FileKind kind) {
    List<String> importers = new ArrayList<>();
    for (StorageFormat f : registry.importers()) {
      importers.add(f.name());
    }
    String supported = "optstore imports CSV (.csv, .tsv, .tab), JSON lines (.jsonl, .ndjson, "
        + ".json) and Avro container files (.avro)"
        + (importers.isEmpty() ? "; no format on the class path imports other files"
        : ", and what these formats import: " + String.join(", ", importers)) + " (formats found: "
        + registry.describe() + ")";
    if (kind.compressed()) {
      return new SchemaException("file " + file + " is " + kind.label() + "; decompress it and "
          + "import the file inside. " + supported);
    }
    if (kind == FileKind.UNKNOWN) {
      return new SchemaException("cannot tell what kind of file " + file + " is (no magic number "
          + "or extension optstore knows, and its start is neither CSV nor JSON); " + supported);
    }
    String way = kind == FileKind.PARQUET || kind == FileKind.HDF5
        ? "add format-" + kind.name().toLowerCase(java.util.Locale.ROOT) + " to the class path"
        : "convert it to CSV, JSON lines or Avro";
    return new SchemaException("file " + file + " is " + kind.label() + ", which no "
        + "available format on the class path imports (" + way + "); " + supported);
  }

  // ---------------------------------------------------------------- CSV and JSON lines

  private <T> T importText(FileKind kind, Path file, WriteOptions options,
      BiFunction<FrameStream, String, T> write) {
    String label = kind == FileKind.CSV ? "csv" : "jsonl";
    TextImport.Inferred guess = openText(kind, file, options).infer(sampleRows);
    LOG.debug("types of {} from its first rows{}: {}", file,
        guess.complete() ? " (all of them)" : "", guess.plan());
    try {
      return write.apply(openText(kind, file, options).convert(guess.plan(), guess.complete(),
          batchRows), label);
    } catch (RuntimeException e) {
      ImportRetry retry = ImportRetry.in(e);
      if (retry == null) {
        throw e;
      }
      ImportPlan whole = (ImportPlan) retry.plan;
      LOG.info("importing {} again: {} does not fit the types of its first {} rows ({}); the "
          + "whole file gives {}", file, retry.getMessage(), sampleRows, guess.plan(), whole);
      return write.apply(openText(kind, file, options).convert(whole, true, batchRows), label);
    }
  }

  private static TextImport openText(FileKind kind, Path file, WriteOptions options) {
    return kind == FileKind.CSV ? CsvImport.open(file, options) : JsonImport.open(file, options);
  }

  // ---------------------------------------------------------------- Avro

  private <T> T importAvro(Path file, WriteOptions options,
      BiFunction<FrameStream, String, T> write) {
    try {
      return write.apply(AvroImport.open(file, options, batchRows, true), "avro");
    } catch (RuntimeException e) {
      ImportRetry retry = ImportRetry.in(e);
      if (retry == null) {
        throw e;
      }
      LOG.info("importing {} again without a time column: {}", file, retry.getMessage());
      return write.apply(AvroImport.open(file, options, batchRows, false), "avro");
    }
  }
}
