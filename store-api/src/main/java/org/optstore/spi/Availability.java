package org.optstore.spi;

import java.util.Objects;
import org.optstore.InvalidArgumentException;

/**
 * Whether a {@link StorageFormat} can run here, and if not, why.
 *
 * @param available whether it can run
 * @param reason why not (empty when available), e.g. "natives for linux-aarch64 not found"
 */
public record Availability(boolean available, String reason) {
  private static final Availability AVAILABLE = new Availability(true, "");

  /** Checks the parts. */
  public Availability {
    Objects.requireNonNull(reason, "reason");
    if (!available && reason.isBlank()) {
      throw new InvalidArgumentException("an unavailable format must say why: give a reason "
          + "naming what is missing");
    }
  }

  /** @return available */
  public static Availability availableNow() {
    return AVAILABLE;
  }

  /**
   * @param reason why the format cannot run, naming what is missing
   * @return unavailable
   */
  public static Availability unavailable(String reason) {
    return new Availability(false, reason);
  }
}
