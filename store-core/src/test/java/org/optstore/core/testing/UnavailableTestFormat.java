package org.optstore.core.testing;

import java.util.Set;
import org.optstore.spi.Availability;
import org.optstore.spi.Capability;
import org.optstore.spi.FormatReader;
import org.optstore.spi.FormatWriter;
import org.optstore.spi.ReadSpec;
import org.optstore.spi.StorageFormat;
import org.optstore.spi.WriteSpec;
import org.optstore.spi.WriteTarget;

/** A test-only format that is on the classpath but cannot run, with the highest priority. */
public final class UnavailableTestFormat implements StorageFormat {
  public static final String NAME = "testgone";
  public static final String REASON = "test natives for linux-x86_64 are not installed";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int formatVersion() {
    return 1;
  }

  @Override
  public String fileExtension() {
    return "gone";
  }

  @Override
  public Availability availability() {
    return Availability.unavailable(REASON);
  }

  @Override
  public int priority() {
    return 1000;
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of();
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
    throw new AssertionError("an unavailable format is never asked to write");
  }

  @Override
  public FormatReader openReader(ReadSpec spec) {
    throw new AssertionError("an unavailable format is never asked to read");
  }
}
