package org.optstore.core.importer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.StringColumn;
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
 * A test-only format that only imports: files starting with the magic {@code LINES1\n} become one
 * STRING column {@code line}. Stands for a format such as Parquet reached through the SPI.
 */
public final class LinesImportFormat implements StorageFormat {
  static final String MAGIC = "LINES1\n";

  @Override
  public String name() {
    return "testlines";
  }

  @Override
  public int formatVersion() {
    return 1;
  }

  @Override
  public String fileExtension() {
    return "lines";
  }

  @Override
  public Availability availability() {
    return Availability.availableNow();
  }

  @Override
  public int priority() {
    return 1;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.IMPORT);
  }

  @Override
  public Set<String> codecs() {
    return Set.of("none");
  }

  @Override
  public String defaultCodec() {
    return "none";
  }

  @Override
  public FormatWriter createWriter(WriteTarget target, WriteSpec spec) {
    throw new UnsupportedOperationException("import only");
  }

  @Override
  public FormatReader openReader(ReadSpec spec) {
    throw new UnsupportedOperationException("import only");
  }

  @Override
  public boolean canImport(Path file) {
    try {
      return Files.readString(file).startsWith(MAGIC);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public FrameStream importFile(Path file, WriteOptions options) {
    try {
      List<String> lines = Files.readAllLines(file);
      lines = lines.subList(1, lines.size());
      Frame f = Frame.builder().column("line", StringColumn.of(lines.toArray(new String[0])))
          .build();
      return FrameStream.of(f.schema(), List.of(f));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
