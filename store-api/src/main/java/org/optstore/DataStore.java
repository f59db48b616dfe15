package org.optstore;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A store of named, versioned datasets under one base directory. Obtain one from {@code
 * org.optstore.core.DataStores}; close it when done. All methods are thread-safe.
 *
 * <pre>{@code
 * try (DataStore store = DataStores.open(StoreConfig.builder().basePath(Path.of("data")).build())) {
 *   store.store("ticks", frame, Map.of("source", "feed-a"));
 *   Result r = store.retrieve("ticks", Query.builder()
 *       .timeRange(TimeRange.between(from, to))
 *       .columns("ts", "price")
 *       .where(Predicates.gt("price", 105.0))
 *       .build());
 * }
 * }</pre>
 *
 * <p><b>Names.</b> A dataset or item name is any string of 1 to 200 characters without control
 * characters (U+0000 to U+001F, U+007F to U+009F); anything else is an {@link
 * InvalidArgumentException}. Names never reach the file system as given: every character outside
 * {@code [A-Za-z0-9_-]} (including {@code .}, {@code /}, {@code \}, spaces and all non-ASCII) is
 * percent-encoded as its UTF-8 bytes ({@code "a/b"} is stored as {@code a%2Fb}, {@code ".."} as
 * {@code %2E%2E}), so no name can reach outside the base path, and distinct names never share a
 * directory. An encoding longer than 240 characters (file systems stop at 255 bytes) is cut to its
 * first 160 characters, never inside an escape, followed by {@code ~} and the SHA-256 of the name
 * in hex. Names are case-sensitive.
 *
 * <p><b>Versions.</b> Each write creates a new version; readers see the newest committed one. A
 * crash leaves either the old or the new version, never a mix. {@link #delete(String)} removes
 * all versions.
 *
 * <p><b>Errors.</b> Every failure is a {@link DataStoreException} subclass: {@link
 * DatasetNotFoundException}, {@link SchemaException}, {@link CorruptDataException}, {@link
 * FormatUnavailableException}, {@link InvalidConfigException}, {@link InvalidArgumentException},
 * and {@link StoreClosedException} once closed.
 */
public interface DataStore extends AutoCloseable {

  /**
   * Stores records (the Python original's list of dicts) as a new version, inferring the schema:
   * integers become INT64, decimals FLOAT64 (a field mixing both widens to FLOAT64), booleans
   * BOOL, strings STRING, and the time column's ISO-8601 strings TIMESTAMP. Missing keys and nulls
   * are nulls.
   *
   * @param name the dataset name
   * @param records the rows; values are Long/Integer/Double/Float/Boolean/String/Instant or null
   * @param metadata user metadata kept with the version (JSON-compatible values)
   * @return the new version's info
   * @throws SchemaException on any other mix in one field, a nested map or list, or a null time
   *     value, naming the field and the first bad row
   */
  DatasetInfo storeRecords(String name, List<? extends Map<String, ?>> records,
      Map<String, ?> metadata);

  /**
   * As {@link #storeRecords(String, List, Map)}, with options for the time column and format.
   *
   * @param name the dataset name
   * @param records the rows
   * @param metadata user metadata
   * @param options time column, time pattern or epoch unit, format override
   * @return the new version's info
   */
  DatasetInfo storeRecords(String name, List<? extends Map<String, ?>> records,
      Map<String, ?> metadata, WriteOptions options);

  /**
   * Stores a frame as a new version. The frame's schema names its time column.
   *
   * @param name the dataset name
   * @param frame the rows
   * @param metadata user metadata kept with the version
   * @return the new version's info
   */
  DatasetInfo store(String name, Frame frame, Map<String, ?> metadata);

  /**
   * As {@link #store(String, Frame, Map)}, with options (a named time column overrides the
   * frame's).
   *
   * @param name the dataset name
   * @param frame the rows
   * @param metadata user metadata
   * @param options time column, format override
   * @return the new version's info
   */
  DatasetInfo store(String name, Frame frame, Map<String, ?> metadata, WriteOptions options);

  /**
   * Stores batches as one new version without holding them all in memory; the stream is closed.
   *
   * @param name the dataset name
   * @param batches the rows, batch by batch
   * @param metadata user metadata
   * @param options time column, format override
   * @return the new version's info
   */
  DatasetInfo store(String name, FrameStream batches, Map<String, ?> metadata,
      WriteOptions options);

  /**
   * Imports a file as a new version: CSV (header row), JSON lines, Avro container files, or any
   * file a format on the classpath can import (e.g. Parquet). Streams in batches, so a file larger
   * than the heap imports. The kind is told by the file's first bytes, then by its extension.
   *
   * <p>CSV and JSON lines get the column types their whole content gives (integers INT64,
   * decimals FLOAT64, also when mixed with integers, booleans BOOL, ISO-8601 times TIMESTAMP, other
   * text STRING). In CSV an empty unquoted field is null and a quoted empty field ({@code ""}) is
   * the empty string. The time column is the one the options name, else a column named {@code
   * timestamp}, else the only ISO-8601 (or, in Avro, timestamp) column without nulls. Python pickle
   * files are refused: reading one runs arbitrary code.
   *
   * @param name the dataset name
   * @param file the file
   * @return the new version's info
   * @throws SchemaException for a bad row, naming file, line and column, for a pickle, or for a
   *     kind of file nothing on the classpath imports
   * @throws DataStoreException naming the file when it does not exist or cannot be read
   */
  DatasetInfo importFile(String name, Path file);

  /**
   * As {@link #importFile(String, Path)} with options for the time column and its pattern.
   *
   * @param name the dataset name
   * @param file the file
   * @param options time column, pattern, epoch unit, format override
   * @return the new version's info
   */
  DatasetInfo importFile(String name, Path file, WriteOptions options);

  /**
   * Reads a whole dataset.
   *
   * @param name the dataset name
   * @return the newest version's rows
   * @throws DatasetNotFoundException when there is no such dataset
   */
  Result retrieve(String name);

  /**
   * Reads what a query asks for: exactly the rows in its time range that satisfy its predicate,
   * projected, limited.
   *
   * @param name the dataset name
   * @param query the query
   * @return the rows and the version they came from
   * @throws DatasetNotFoundException when there is no such dataset
   * @throws SchemaException when the query does not fit the dataset
   * @throws CorruptDataException when the data fails its checksums and cannot be rebuilt
   */
  Result retrieve(String name, Query query);

  /**
   * Reads a query's rows batch by batch, for results larger than the heap. Close the stream.
   *
   * @param name the dataset name
   * @param query the query
   * @return the batches
   */
  FrameStream scan(String name, Query query);

  /**
   * Reads a whole dataset and applies a function to it (the original's {@code
   * retrieve_filtered_dataset}).
   *
   * @param name the dataset name
   * @param filter a function of the frame
   * @return its result, with the version's info
   */
  Result retrieveFiltered(String name, Function<Frame, Frame> filter);

  /**
   * Reads several datasets in parallel on the store's executor.
   *
   * @param names dataset names
   * @param query the query for each
   * @return results keyed by name, in the order of {@code names}
   * @throws DataStoreException naming the first dataset that failed (no partial result)
   */
  Map<String, Result> retrieveAll(Collection<String> names, Query query);

  /**
   * Reads a dataset on the store's executor.
   *
   * @param name the dataset name
   * @param query the query
   * @return a future of the result; it fails with {@link StoreClosedException} when the store
   *     closes before the read starts
   */
  CompletableFuture<Result> retrieveAsync(String name, Query query);

  /**
   * Stores an item (the original's base JSON store), replacing any item of that id.
   *
   * @param id the item id (see the name rule above)
   * @param item JSON-compatible values: strings, numbers, booleans, nulls, lists and maps of them
   */
  void putItem(String id, Map<String, ?> item);

  /**
   * @param id an item id
   * @return the item, or empty when there is none
   */
  Optional<Map<String, Object>> getItem(String id);

  /**
   * @param id an item id
   * @return whether an item was removed
   */
  boolean deleteItem(String id);

  /**
   * Reads many items in parallel, in batches of the configured batch size (the original's {@code
   * batch_retrieve}).
   *
   * @param ids item ids
   * @return the items found, keyed by id in the order given; ids with no item are absent
   */
  Map<String, Map<String, Object>> batchGetItems(Collection<String> ids);

  /** @return the newest version of every dataset, by name */
  List<DatasetInfo> list();

  /**
   * @param name the dataset name
   * @return the newest version's info
   * @throws DatasetNotFoundException when there is no such dataset
   */
  DatasetInfo info(String name);

  /**
   * Deletes every version of a dataset.
   *
   * @param name the dataset name
   * @return whether the dataset existed
   */
  boolean delete(String name);

  /** @return the cache's counters */
  CacheStats cacheStats();

  /** Looks for versions committed by another process now rather than within a second. */
  void refresh();

  /** Lets running work finish, fails queued work, releases files and the lock. Idempotent. */
  @Override
  void close();
}
