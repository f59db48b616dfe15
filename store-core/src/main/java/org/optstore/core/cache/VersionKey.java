package org.optstore.core.cache;

import java.util.Objects;

/**
 * One committed version of a dataset as the cache knows it. A rebuild keeps the version number and
 * raises the generation; the manifest's checksum tells two manifests of one version apart in any
 * case, so an entry can never answer for a manifest it was not loaded from.
 *
 * @param dataset the dataset name
 * @param version the manifest's version
 * @param generation the manifest's rebuild generation
 * @param checksum the manifest's own CRC32C
 */
public record VersionKey(String dataset, long version, int generation, String checksum) {

  /** Checks the parts. */
  public VersionKey {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(checksum, "checksum");
  }

  /** @return whether {@code other} is of the same dataset and an older version or generation */
  boolean supersedes(VersionKey other) {
    if (!dataset.equals(other.dataset)) {
      return false;
    }
    return version > other.version || (version == other.version && generation > other.generation);
  }
}
