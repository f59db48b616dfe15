package org.optstore.spi;

/** What a {@link StorageFormat} can do. The engine reads these instead of probing. */
public enum Capability {
  /** Readers can skip data outside a time range (statistics, zone maps, binary search). */
  TIME_RANGE_PUSHDOWN,
  /** Readers can skip or filter rows by a predicate. */
  PREDICATE_PUSHDOWN,
  /** Readers read only the asked columns. */
  PROJECTION_PUSHDOWN,
  /** Readers can return columns backed by memory-mapped buffers (zero copy). */
  MEMORY_MAPPING,
  /** Readers expose blocks ({@link FormatReader#blocks()}) that the engine can cache one by one. */
  BLOCK_READS,
  /** The format can import foreign files ({@link StorageFormat#importFile}). */
  IMPORT,
  /**
   * The writer needs a file path rather than a channel (native libraries). The engine then hands
   * it a path in {@code tmp/} and fault injection covers only what happens after.
   */
  WRITES_TO_PATH
}
