package org.optstore.testkit;

import java.util.Objects;

/**
 * A named byte range of a written file that the contract suite corrupts: {@code [offset, offset +
 * length)}. Formats name whatever regions they have (header, data, footer, statistics,
 * dictionary, trailer, ...).
 *
 * @param name what the bytes are, for failure messages, e.g. {@code "footer"}
 * @param offset the first byte, from the start of the file
 * @param length the number of bytes, at least 1
 */
public record ByteRegion(String name, long offset, long length) {

  /** Checks the parts. */
  public ByteRegion {
    Objects.requireNonNull(name, "name");
    if (offset < 0 || length < 1) {
      throw new IllegalArgumentException("region '" + name + "' at " + offset + " of " + length
          + " bytes: give offset >= 0 and length >= 1");
    }
  }

  /** @return the offset just past the region */
  public long end() {
    return offset + length;
  }
}
