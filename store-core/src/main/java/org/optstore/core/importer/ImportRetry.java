package org.optstore.core.importer;

import org.optstore.DataStoreException;

/**
 * Thrown out of an import's batches when a row shows that the types chosen before it do not fit
 * the file: the write that consumes the batches fails (leaving nothing behind, as every failed
 * write does) and {@link FileImporter} imports the file again with {@link #plan}, the types of the
 * whole file. Never reaches a caller of the store.
 */
final class ImportRetry extends DataStoreException {
  private static final long serialVersionUID = 1L;

  /** The plan to import with: {@link ImportPlan} for text, a Boolean (keep the time column) for Avro. */
  final transient Object plan;

  ImportRetry(String why, Object plan) {
    super(why);
    this.plan = plan;
  }

  /**
   * @param t a failure, possibly wrapping a retry
   * @return the retry in its cause chain, or null
   */
  static ImportRetry in(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ImportRetry r) {
        return r;
      }
    }
    return null;
  }
}
