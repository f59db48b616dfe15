package org.optstore.format.serial;

import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.optstore.InvalidConfigException;
import org.optstore.spi.Availability;
import org.optstore.spi.Capability;
import org.optstore.spi.FormatReader;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteTarget;

/**
 * The {@code serial} format: optstore's own dependency-free binary layout and the always-available
 * fallback (priority 10). Each column is a 64-byte-aligned little-endian region that is read
 * zero-copy through a memory mapping; every block of rows carries a CRC32C and min/max zone maps
 * in a checksummed footer. The layout is documented in the module's README.
 *
 * <p>Codecs: only {@code none} (the point is zero-copy reads). Write option {@code block-rows}:
 * the rows per checksummed block, a multiple of 64 from 64 to 16777216 (default 65536).
 *
 * <p>Thread-safe and stateless; found through {@link java.util.ServiceLoader}.
 */
public final class SerialFormat implements StorageFormat {
  /** The format's stable name, written into manifests. */
  public static final String NAME = "serial";
  private static final String CODEC = "none";

  private final long maxMapBytes;

  /** The instance {@link java.util.ServiceLoader} creates. */
  public SerialFormat() {
    this(Integer.MAX_VALUE);
  }

  /** Tests shrink the largest single mapping to exercise columns of several mappings. */
  SerialFormat(long maxMapBytes) {
    if (maxMapBytes < 1 || maxMapBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("mapping size " + maxMapBytes + " out of range");
    }
    this.maxMapBytes = maxMapBytes;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int formatVersion() {
    return SerialLayout.VERSION;
  }

  @Override
  public String fileExtension() {
    return "osr";
  }

  @Override
  public Availability availability() {
    return Availability.availableNow();
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.TIME_RANGE_PUSHDOWN, Capability.PREDICATE_PUSHDOWN,
        Capability.PROJECTION_PUSHDOWN, Capability.MEMORY_MAPPING, Capability.BLOCK_READS);
  }

  @Override
  public Set<String> codecs() {
    return Set.of(CODEC);
  }

  @Override
  public String defaultCodec() {
    return CODEC;
  }

  @Override
  public FormatWriter createWriter(WriteTarget target, WriteSpec spec) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(spec, "spec");
    if (!spec.codec().equals(CODEC) && !spec.codec().equals("default")) {
      throw new InvalidConfigException("format 'serial' has no codec '" + spec.codec()
          + "' (writing " + spec.description() + "); its codecs are [" + CODEC
          + "]: serial files are uncompressed so that they map without a copy");
    }
    int blockRows = SerialLayout.DEFAULT_BLOCK_ROWS;
    for (Map.Entry<String, String> e : spec.options().entrySet()) {
      if (!e.getKey().equals(SerialLayout.BLOCK_ROWS_OPTION)) {
        throw new InvalidConfigException("format 'serial' has no option '" + e.getKey()
            + "' (writing " + spec.description() + "); its options are ["
            + SerialLayout.BLOCK_ROWS_OPTION + "]");
      }
      blockRows = parseBlockRows(e.getValue(), spec.description());
    }
    return new SerialWriter(target.channel(), spec.schema(), blockRows, spec.expectedRows(),
        target.description());
  }

  private static int parseBlockRows(String v, String what) {
    int rows;
    try {
      rows = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      rows = -1;
    }
    if (rows < SerialLayout.MIN_BLOCK_ROWS || rows > SerialLayout.MAX_BLOCK_ROWS || rows % 64 != 0) {
      throw new InvalidConfigException("format 'serial' option '" + SerialLayout.BLOCK_ROWS_OPTION
          + "' is '" + v + "' (writing " + what + "); give a multiple of 64 from "
          + SerialLayout.MIN_BLOCK_ROWS + " to " + SerialLayout.MAX_BLOCK_ROWS);
    }
    return rows;
  }

  @Override
  public FormatReader openReader(ReadSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return SerialReader.open(spec, maxMapBytes);
  }

  @Override
  public String toString() {
    return "SerialFormat[" + NAME + " v" + SerialLayout.VERSION + "]";
  }
}
