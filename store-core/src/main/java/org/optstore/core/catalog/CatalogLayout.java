package org.optstore.core.catalog;

import java.nio.file.Path;
import java.util.Objects;
import org.optstore.CorruptDataException;

/**
 * Where everything lives under a base path (see DESIGN.md, "On disk"):
 *
 * <pre>
 * LOCK                                   the writer's lock, its pid inside
 * catalog/&lt;dataset&gt;/&lt;version&gt;.json        manifests, the commit points
 * optimized/&lt;dataset&gt;/&lt;version&gt;/part-0.&lt;ext&gt; the version's data file in its format
 * raw/&lt;dataset&gt;/&lt;version&gt;.avro            the version's raw copy
 * tmp/                                   writes in flight
 * </pre>
 *
 * <p>{@code <dataset>} is always the encoding of {@link DatasetNames}; no path is built from an
 * unchecked string.
 */
public final class CatalogLayout {
  private final Path base;

  /** @param base the store's base path, absolute and normalised */
  public CatalogLayout(Path base) {
    this.base = Objects.requireNonNull(base, "base");
  }

  /** @return the base path */
  public Path base() {
    return base;
  }

  /** @return the lock file */
  public Path lockFile() {
    return base.resolve("LOCK");
  }

  /** @return the directory of all manifests */
  public Path catalogDir() {
    return base.resolve("catalog");
  }

  /** @return the directory of writes in flight */
  public Path tmpDir() {
    return base.resolve("tmp");
  }

  /** @return the directory of data files */
  public Path optimizedDir() {
    return base.resolve("optimized");
  }

  /** @return the directory of raw copies */
  public Path rawDir() {
    return base.resolve("raw");
  }

  /**
   * @param encoded an encoded dataset name
   * @return the directory of its manifests
   */
  public Path datasetCatalog(String encoded) {
    return catalogDir().resolve(encoded);
  }

  /**
   * @param encoded an encoded dataset name
   * @param version a version
   * @return its manifest file
   */
  public Path manifest(String encoded, long version) {
    return datasetCatalog(encoded).resolve(version + ".json");
  }

  /**
   * @param encoded an encoded dataset name
   * @param version a version
   * @return the directory of its data files
   */
  public Path versionDir(String encoded, long version) {
    return optimizedDir().resolve(encoded).resolve(Long.toString(version));
  }

  /**
   * @param encoded an encoded dataset name
   * @param version a version
   * @return its raw copy
   */
  public Path rawFile(String encoded, long version) {
    return rawDir().resolve(encoded).resolve(version + ".avro");
  }

  /**
   * @param file a file under the base path
   * @return its path relative to the base path with {@code /} separators, as manifests record it
   */
  public String relative(Path file) {
    Path rel = base.relativize(file);
    StringBuilder sb = new StringBuilder();
    for (Path part : rel) {
      sb.append(sb.length() == 0 ? "" : "/").append(part);
    }
    return sb.toString();
  }

  /**
   * Resolves a path a manifest records, refusing anything outside the dataset's own directories.
   *
   * @param recorded the recorded relative path
   * @param encoded the dataset's encoded name
   * @param manifest the manifest, for messages
   * @return the absolute path
   * @throws CorruptDataException when the path leaves {@code optimized/<dataset>/} or
   *     {@code raw/<dataset>/}
   */
  public Path resolveRecorded(String recorded, String encoded, Path manifest) {
    String[] parts = recorded.split("/", -1);
    boolean ok = parts.length >= 3 && parts[1].equals(encoded)
        && (parts[0].equals("optimized") || parts[0].equals("raw"));
    for (String p : parts) {
      ok &= !p.isEmpty() && !p.equals(".") && !p.equals("..") && p.indexOf('\\') < 0
          && p.indexOf(':') < 0 && p.indexOf('\0') < 0;
    }
    if (ok) {
      Path resolved = base.resolve(String.join(base.getFileSystem().getSeparator(), parts))
          .normalize();
      if (resolved.startsWith(base.resolve(parts[0]).resolve(encoded))) {
        return resolved;
      }
    }
    throw new CorruptDataException("manifest " + manifest + " names the file '" + recorded
        + "', which is not inside its dataset's directories; restore the manifest from a "
        + "backup or delete the dataset");
  }
}
