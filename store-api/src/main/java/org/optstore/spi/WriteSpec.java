package org.optstore.spi;

import java.util.Map;
import java.util.Objects;
import org.optstore.Schema;

/**
 * What a {@link FormatWriter} writes.
 *
 * @param schema the schema of every batch, with its time column
 * @param codec the codec, one of {@link StorageFormat#codecs()} (never {@code "default"})
 * @param expectedRows the number of rows if known in advance, else -1
 * @param description what is written, for messages
 * @param options format-specific settings (e.g. {@code row-group-rows}), possibly empty
 */
public record WriteSpec(Schema schema, String codec, long expectedRows, String description,
    Map<String, String> options) {

  /** Checks and copies the parts. */
  public WriteSpec {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(description, "description");
    options = options == null ? Map.of() : Map.copyOf(options);
  }
}
