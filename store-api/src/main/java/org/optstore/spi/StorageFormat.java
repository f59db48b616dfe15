package org.optstore.spi;

import java.nio.file.Path;
import java.util.Set;
import org.optstore.FrameStream;
import org.optstore.WriteOptions;

/**
 * A storage format plugin, found through {@link java.util.ServiceLoader}: a jar lists its
 * implementation in {@code META-INF/services/org.optstore.spi.StorageFormat}. Implementations
 * have a public no-argument constructor, are thread-safe, and do no heavy work (no native loading)
 * until {@link #availability()} is first called.
 *
 * <p>The engine owns files: it hands a writer a {@link WriteTarget} inside its {@code tmp/}
 * directory, forces and renames the result itself, and records the checksums the writer reports
 * in the dataset's manifest; it opens readers with those checksums so the format can check every
 * byte that can change a result before using it.
 *
 * <p>The format's {@link #name()} is written into every manifest and resolved back when reading;
 * it must never change. Bump {@link #formatVersion()} when the layout changes; a reader refuses
 * files of a newer version by name.
 */
public interface StorageFormat {

  /** @return the stable name, lowercase {@code [a-z0-9-]+}, e.g. {@code parquet} */
  String name();

  /** @return the version of the file layout this implementation writes */
  int formatVersion();

  /** @return the file name extension without the dot, e.g. {@code parquet} */
  String fileExtension();

  /**
   * Whether the format can run here. Called once by the registry; may load natives.
   *
   * @return available, or unavailable with the reason (e.g. natives that could not load)
   */
  Availability availability();

  /**
   * @return the order in the fallback chain: the higher, the earlier a format is chosen when the
   *     configured one is unavailable (serial 10, hdf5 50, parquet 100)
   */
  int priority();

  /** @return what the format can do; the engine adapts instead of catching exceptions */
  Set<Capability> capabilities();

  /** @return the codec names the format accepts (always including {@link #defaultCodec()}) */
  Set<String> codecs();

  /** @return the codec used for {@code "default"} */
  String defaultCodec();

  /**
   * Starts writing one file. Rows arrive through {@link FormatWriter#write} in batches.
   *
   * @param target where to write: a channel, or a path for {@link Capability#WRITES_TO_PATH}
   * @param spec schema, codec and hints
   * @return the writer
   */
  FormatWriter createWriter(WriteTarget target, WriteSpec spec);

  /**
   * Opens a file this format wrote.
   *
   * @param spec the file, the checksums recorded at write, and read options
   * @return a reader
   * @throws org.optstore.CorruptDataException when the file is not a file of this format, is
   *     truncated, or fails a checksum
   */
  FormatReader openReader(ReadSpec spec);

  /**
   * Whether {@link #importFile} can read a foreign file, judged cheaply (extension, magic bytes).
   * Only called when {@link Capability#IMPORT} is declared.
   *
   * @param file a file
   * @return whether this format recognises it
   */
  default boolean canImport(Path file) {
    return false;
  }

  /**
   * Reads a foreign file (written by another tool) batch by batch, converting its types to
   * optstore's. Only called when {@link Capability#IMPORT} is declared.
   *
   * @param file the file
   * @param options the time column and how to read time values
   * @return the batches; the caller closes them
   * @throws org.optstore.SchemaException naming a column whose type cannot be represented
   */
  default FrameStream importFile(Path file, WriteOptions options) {
    throw new UnsupportedOperationException(name() + " does not import foreign files");
  }
}
