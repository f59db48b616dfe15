package org.optstore.core.format;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import org.optstore.FormatUnavailableException;
import org.optstore.spi.Availability;
import org.optstore.spi.Capability;
import org.optstore.spi.StorageFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link StorageFormat} that {@link ServiceLoader} finds, with its availability asked once,
 * and the fallback chain: the configured format when it is available, else the available one with
 * the highest priority. Immutable and thread-safe.
 */
public final class FormatRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(FormatRegistry.class);
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");

  private final Map<String, StorageFormat> formats; // by name, in discovery order
  private final Map<String, Availability> availability;

  private FormatRegistry(Map<String, StorageFormat> formats, Map<String, Availability> avail) {
    this.formats = formats;
    this.availability = avail;
  }

  /**
   * Finds the formats a class loader offers and asks each once whether it can run. A format that
   * fails to load is skipped with one WARN naming why; one that is unavailable is reported by
   * {@link #choose(String, boolean)}, so that it gets exactly one WARN line.
   *
   * @param loader the class loader whose {@code META-INF/services} entries count
   * @return the registry
   */
  public static FormatRegistry load(ClassLoader loader) {
    Map<String, StorageFormat> found = new LinkedHashMap<>();
    Map<String, Availability> avail = new LinkedHashMap<>();
    Iterator<StorageFormat> it = ServiceLoader.load(StorageFormat.class, loader).iterator();
    while (true) {
      StorageFormat f;
      try {
        if (!it.hasNext()) {
          break;
        }
        f = it.next();
      } catch (ServiceConfigurationError e) {
        LOG.warn("a storage format on the classpath could not be loaded and is skipped: {}",
            e.getMessage());
        continue;
      }
      String name;
      try {
        name = f.name();
      } catch (RuntimeException e) {
        LOG.warn("storage format {} fails to report its name and is skipped: {}",
            f.getClass().getName(), e.toString());
        continue;
      }
      if (name == null || !NAME.matcher(name).matches()) {
        LOG.warn("storage format {} has the invalid name '{}' (lowercase [a-z0-9-]+ expected) and "
            + "is skipped", f.getClass().getName(), name);
        continue;
      }
      if (found.containsKey(name)) {
        LOG.warn("storage format '{}' is offered twice ({} and {}); the first is used", name,
            found.get(name).getClass().getName(), f.getClass().getName());
        continue;
      }
      Availability a;
      try {
        a = f.availability();
      } catch (RuntimeException | LinkageError e) {
        a = Availability.unavailable(e.toString());
      }
      found.put(name, f);
      avail.put(name, a);
    }
    return new FormatRegistry(found, avail);
  }

  /**
   * @param name a format name
   * @return the format, when it is on the classpath and available
   */
  public Optional<StorageFormat> available(String name) {
    StorageFormat f = formats.get(name);
    return f != null && availability.get(name).available() ? Optional.of(f) : Optional.empty();
  }

  /**
   * @param name a format name
   * @return why it cannot be used: "not on the classpath" or its unavailability reason; empty
   *     when it can
   */
  public Optional<String> whyUnavailable(String name) {
    Availability a = availability.get(name);
    if (a == null) {
      return Optional.of("it is not on the classpath");
    }
    return a.available() ? Optional.empty() : Optional.of("it is unavailable: " + a.reason());
  }

  /**
   * @param name a format name
   * @param purpose what it is needed for, for the message
   * @return the available format
   * @throws FormatUnavailableException naming why, and listing the formats found
   */
  public StorageFormat require(String name, String purpose) {
    return available(name).orElseThrow(() -> new FormatUnavailableException("format '" + name
        + "' is needed " + purpose + " but " + whyUnavailable(name).orElse("") + " (formats found: "
        + describe() + "); add its jar to the classpath or choose another format"));
  }

  /**
   * The fallback chain: the configured format when available, else the available format with
   * the highest priority. Every unavailable format found gets exactly one WARN line saying why:
   * for a store that writes, the configured one's is the line naming the fallback it writes with
   * instead; a read-only store never writes, so its fallback is logged at DEBUG only, and the
   * configured format, when found but unavailable, gets the same WARN as any other.
   *
   * @param configured the configured format's name
   * @param writes whether the store writes with the chosen format (false for read-only stores)
   * @return the format to write with
   * @throws FormatUnavailableException when no format is available
   */
  public StorageFormat choose(String configured, boolean writes) {
    for (Map.Entry<String, Availability> e : availability.entrySet()) {
      boolean reportedAsFallback = writes && e.getKey().equals(configured);
      if (!e.getValue().available() && !reportedAsFallback) {
        LOG.warn("storage format '{}' is unavailable and is skipped: {}", e.getKey(),
            e.getValue().reason());
      }
    }
    Optional<StorageFormat> f = available(configured);
    if (f.isPresent()) {
      return f.get();
    }
    StorageFormat best = best().orElseThrow(() -> new FormatUnavailableException(
        "no storage format is available (configured '" + configured + "'; formats found: "
            + describe() + "); add a format jar such as format-serial to the classpath"));
    String why = whyUnavailable(configured).orElse("");
    if (writes) {
      LOG.warn("configured storage format '{}' cannot be used because {}; falling back to '{}' "
          + "(formats found: {})", configured, why, best.name(), describe());
    } else {
      LOG.debug("configured storage format '{}' cannot be used because {}; a read-only store "
          + "never writes, and would fall back to '{}' (formats found: {})", configured, why,
          best.name(), describe());
    }
    return best;
  }

  /** @return the available format with the highest priority, if any */
  public Optional<StorageFormat> best() {
    List<StorageFormat> list = new ArrayList<>();
    for (StorageFormat f : formats.values()) {
      if (availability.get(f.name()).available()) {
        list.add(f);
      }
    }
    return list.stream().max(Comparator.comparingInt(StorageFormat::priority));
  }

  /**
   * @return the available formats that import foreign files ({@link Capability#IMPORT}), highest
   *     priority first
   */
  public List<StorageFormat> importers() {
    List<StorageFormat> list = new ArrayList<>();
    for (StorageFormat f : formats.values()) {
      if (availability.get(f.name()).available() && f.capabilities().contains(Capability.IMPORT)) {
        list.add(f);
      }
    }
    list.sort(Comparator.comparingInt(StorageFormat::priority).reversed());
    return List.copyOf(list);
  }

  /** @return every format found, e.g. {@code parquet (available), hdf5 (unavailable: ...)} */
  public String describe() {
    if (formats.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    for (StorageFormat f : formats.values()) {
      Availability a = availability.get(f.name());
      parts.add(f.name() + (a.available() ? " (available)" : " (unavailable: " + a.reason() + ")"));
    }
    return String.join(", ", parts);
  }
}
