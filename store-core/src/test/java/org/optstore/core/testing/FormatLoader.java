package org.optstore.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Collectors;
import org.optstore.spi.StorageFormat;

/**
 * A class loader that offers exactly the given formats through {@code META-INF/services} (and
 * delegates everything else), to put formats on and off the classpath in a test.
 */
public final class FormatLoader extends ClassLoader {
  private static final String SERVICES = "META-INF/services/" + StorageFormat.class.getName();
  private final URL services;

  private FormatLoader(URL services) {
    super(FormatLoader.class.getClassLoader());
    this.services = services;
  }

  /**
   * @param dir a scratch directory
   * @param formats the format classes to offer
   * @return the loader
   */
  @SafeVarargs
  public static FormatLoader only(Path dir, Class<? extends StorageFormat>... formats) {
    try {
      Path f = Files.createTempFile(dir, "services", ".txt");
      Files.writeString(f, List.of(formats).stream().map(Class::getName)
          .collect(Collectors.joining("\n", "", "\n")));
      return new FormatLoader(f.toUri().toURL());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    if (name.equals(SERVICES)) {
      return Collections.enumeration(List.of(services));
    }
    return super.getResources(name);
  }
}
