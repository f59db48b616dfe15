package org.optstore.format.parquet;

import java.io.IOException;

/** A page whose checksum or compressed data is wrong; turned into the API's corruption error above. */
final class PageCorruptException extends IOException {
  private static final long serialVersionUID = 1L;

  PageCorruptException(String message) {
    super(message);
  }
}
