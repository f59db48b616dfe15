package org.optstore.format.hdf5;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.optstore.FormatUnavailableException;
import org.optstore.FrameStream;
import org.optstore.InvalidConfigException;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;
import org.optstore.spi.Availability;
import org.optstore.spi.Capability;
import org.optstore.spi.FormatReader;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteTarget;

/**
 * The {@code hdf5} storage format: one HDF5 file per dataset version that h5py, h5dump and any
 * HDF5 1.10+ tool read, with one chunked, compressed, Fletcher-32-checksummed dataset per column
 * and time ranges read as hyperslabs. It also imports the HDF5 files pandas writes with
 * {@code to_hdf} (fixed and table formats) and refuses pandas pickle files. The layout is described
 * in the module README.
 *
 * <p>Codecs: {@code deflate-1} (the default) to {@code deflate-9}, each with the shuffle filter,
 * and {@code none}. Write option {@code chunk-rows} sets the rows per chunk (default 65536).
 *
 * <p>The natives come from {@code org.bytedeco:hdf5} with a platform classifier; where they do not
 * load, {@link #availability()} says why and the store falls back to another format. The HDF5
 * library is not thread-safe: this format serialises all native calls, while chunks are filtered
 * and decoded in Java on a small shared pool of daemon threads (one per processor), so writes and
 * reads use every core and concurrent reads overlap. Thread-safe.
 */
public final class Hdf5Format implements StorageFormat {

  /** The name written into manifests. */
  public static final String NAME = "hdf5";

  private static final String DEFAULT_CODEC = "deflate-1";
  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  private final Supplier<Availability> loader;
  private volatile Availability availability;

  /** Creates the format; nothing native is loaded until {@link #availability()}. */
  public Hdf5Format() {
    this(NativeHdf5::load);
  }

  /** For tests: a loader that simulates natives that do not load. */
  Hdf5Format(Supplier<Availability> loader) {
    this.loader = loader;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int formatVersion() {
    return Hdf5Layout.VERSION;
  }

  @Override
  public String fileExtension() {
    return "h5";
  }

  @Override
  public Availability availability() {
    Availability a = availability;
    if (a == null) {
      synchronized (this) {
        if (availability == null) {
          availability = loader.get();
        }
        a = availability;
      }
    }
    return a;
  }

  @Override
  public int priority() {
    return 50;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.TIME_RANGE_PUSHDOWN, Capability.PROJECTION_PUSHDOWN, Capability.BLOCK_READS,
        Capability.IMPORT, Capability.WRITES_TO_PATH);
  }

  @Override
  public Set<String> codecs() {
    Set<String> out = new LinkedHashSet<>();
    for (int level = 1; level <= 9; level++) {
      out.add("deflate-" + level);
    }
    out.add("none");
    return Set.copyOf(out);
  }

  @Override
  public String defaultCodec() {
    return DEFAULT_CODEC;
  }

  @Override
  public FormatWriter createWriter(WriteTarget target, WriteSpec spec) {
    requireAvailable(spec.description());
    int level = deflateLevel(spec.codec());
    int chunkRows = Hdf5Layout.DEFAULT_CHUNK_ROWS;
    String rows = spec.options().get("chunk-rows");
    if (rows != null) {
      try {
        chunkRows = Integer.parseInt(rows.trim());
      } catch (NumberFormatException e) {
        chunkRows = -1;
      }
      if (chunkRows < 1 || chunkRows > (1 << 24)) {
        throw new InvalidConfigException("hdf5 option chunk-rows='" + rows + "' for " + spec.description()
            + " must be an integer in [1, 16777216]");
      }
    }
    return new Hdf5FileWriter(target.path(), spec, level, chunkRows);
  }

  private int deflateLevel(String codec) {
    String c = codec.toLowerCase(Locale.ROOT);
    if (c.equals("none")) {
      return 0;
    }
    if (c.equals("default")) {
      return 1;
    }
    if (c.startsWith("deflate-") && c.length() == 9 && c.charAt(8) >= '1' && c.charAt(8) <= '9') {
      return c.charAt(8) - '0';
    }
    throw new InvalidConfigException("hdf5 has no codec '" + codec + "'; its codecs are " + codecs()
        + " (default " + DEFAULT_CODEC + ")");
  }

  @Override
  public FormatReader openReader(ReadSpec spec) {
    requireAvailable(spec.description());
    return new Hdf5FileReader(spec);
  }

  @Override
  public boolean canImport(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (PandasHdfImport.isPickleFileName(name)) {
      return true;
    }
    if (name.endsWith(".h5") || name.endsWith(".hdf5") || name.endsWith(".hdf") || name.endsWith(".he5")) {
      return true;
    }
    return hasHdf5Signature(file);
  }

  /** Whether the file starts with the HDF5 signature (optstore writes no user block before it). */
  static boolean hasHdf5Signature(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(HDF5_SIGNATURE.length);
      return java.util.Arrays.equals(head, HDF5_SIGNATURE);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public FrameStream importFile(Path file, WriteOptions options) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (PandasHdfImport.isPickleFileName(name)) {
      throw PandasHdfImport.pickleFileRefused(file);
    }
    requireAvailable("import of " + file);
    if (!hasHdf5Signature(file)) {
      throw new SchemaException("file " + file + " is not an HDF5 file (no HDF5 signature at its start);"
          + " import HDF5 files written by pandas to_hdf");
    }
    return PandasHdfImport.open(file, options);
  }

  private void requireAvailable(String what) {
    Availability a = availability();
    if (!a.available()) {
      throw new FormatUnavailableException("format hdf5 is unavailable for " + what + ": " + a.reason()
          + "; choose another format (serial, parquet)");
    }
  }
}
