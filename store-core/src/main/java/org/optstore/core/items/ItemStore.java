package org.optstore.core.items;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BiConsumer;
import net.openhft.chronicle.hash.ChronicleHashClosedException;
import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.hash.ChronicleHashRecoveryFailedException;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.optstore.CorruptDataException;
import org.optstore.DataStoreException;
import org.optstore.InvalidArgumentException;
import org.optstore.InvalidConfigException;
import org.optstore.StoreClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The item store: item id &rarr; JSON-compatible map, persisted in a Chronicle Map file (the
 * Python original's base JSON store).
 *
 * <p><b>Files.</b> Everything lives in the directory given to {@link #open(Path)}: {@code
 * items.dat} (the Chronicle Map), {@code items.lock} (locked while open; holds the holder's pid)
 * and {@code items.open} (present while open). One {@code ItemStore} at a time may have a directory
 * open, in any process; a second open fails with an {@link InvalidConfigException} naming the
 * holder.
 *
 * <p><b>Two copies per id.</b> Chronicle Map rewrites a value in place when the new one fits, so
 * a crash in the middle of such a rewrite would leave an entry that fails Chronicle's entry
 * checksum, and recovery drops it: the id would lose its old item along with the new one. The
 * store therefore never rewrites the copy that holds an id's current item. Each id has two slot
 * keys in the map, and each stored copy carries a generation and a CRC32C (see {@code
 * ItemCodec}); a put writes the new copy, one generation higher, under the slot key that does not
 * hold the current item, and only then removes the old copy. A read looks at both slots and
 * returns the intact copy of the higher generation. So an id has one copy at rest, two for the
 * length of a put, and a delete removes the older copy before the current one.
 *
 * <p><b>Durability.</b>
 *
 * <ul>
 *   <li><i>A crash or kill of the process</i> (any signal, a JVM crash, {@code System.exit} or
 *       {@code halt} without {@link #close()}): every {@code put} and {@code delete} that returned
 *       is kept, because the map's pages belong to the operating system, which writes them back
 *       after the process is gone. A {@code put} or {@code delete} that was running when the
 *       process died either took effect or did not: the id then holds its old item or its new one
 *       (for a delete: its item or none), never nothing, a mix of the two, or damaged bytes. The
 *       next open finds the open marker {@code items.open} and recovers the map with Chronicle's
 *       {@code recoverPersistedTo} (logged at WARN): locks left held are cleared; a copy cut off
 *       mid-write fails Chronicle's entry checksum and is dropped (the id's other copy, the old
 *       item, stays); where a put had written its new copy but not yet removed the old one, the
 *       old one is removed. A copy that passes Chronicle's checksum but not its own CRC32C is never
 *       returned while the id's other copy is intact.
 *   <li><i>{@link #close()}</i> forces the map file to disk before it removes the open marker, so
 *       the items of a store that was closed survive a later power loss.
 *   <li><i>A power loss or operating-system crash while the store is open</i>: puts and deletes
 *       are not forced to disk one by one; the operating system writes the map's pages back in its
 *       own time and order. The next open recovers the map (the marker was forced to disk when the
 *       store opened) and every item read afterwards is whole and was put under its id, or the
 *       read fails with {@link CorruptDataException}; nothing more is promised. Puts and deletes
 *       made since the store was opened may be lost, an item may come back at an earlier value or
 *       after its delete, and, because the pages reach the disk in no particular order, even an
 *       item written before the store was opened can be lost. Close the store at the points where
 *       items must be safe on disk, or keep such data as datasets, whose every commit is forced.
 * </ul>
 *
 * <p>A new map file is built under another name and renamed into place, so a crash while it is
 * created leaves no half-made map. Files written in the older single-copy layout are moved to this
 * layout when they are opened (logged at INFO).
 *
 * <p><b>Values.</b> An item is a {@code Map<String, ?>} of JSON-compatible values: {@code String},
 * {@code Boolean}, {@code null}, {@code Long}/{@code Integer}/{@code Short}/{@code Byte}/{@code
 * BigInteger}, {@code Double}/{@code Float}/{@code BigDecimal} (NaN and infinities included), and
 * {@code List}s and {@code Map<String, ?>}s of them, nested fewer than 256 levels. It is stored as
 * Smile (binary JSON, through Jackson) with a CRC32C checked on every read; never with Java
 * serialisation. Items come back as unmodifiable maps in the key order they were put with, with
 * numbers normalised: integral values as {@code Long} ({@code BigInteger} only beyond 64 bits),
 * {@code Float} as the {@code Double} of its decimal form ({@code 1.1f} reads back as {@code 1.1}),
 * {@code Double} and {@code BigDecimal} unchanged.
 *
 * <p><b>Ids</b> follow the name rule of {@code org.optstore.DataStore}: 1 to 200 characters
 * ({@link String#length()}), no control characters (U+0000 to U+001F, U+007F to U+009F). Ids are
 * keys inside the map file, never file names.
 *
 * <p><b>Sizing.</b> A Chronicle Map's capacity is fixed when its file is created: {@link
 * #open(Path, long, int)} takes the expected number of items and their average encoded size
 * (defaults 100,000 items of 256 bytes, about 40 MB of disk), and the map may then grow to
 * roughly ten times that many items ({@code maxBloatFactor} 10) before a {@code put} fails as full
 * (a put that replaces an item needs room for its new copy before the old one is removed, so near
 * that limit it can fail as full too). Opening an existing file keeps the sizing it was created
 * with. An item whose encoded form does not fit in one segment of the map is refused as too large.
 *
 * <p><b>Runtime.</b> Chronicle Map needs a full JDK (it compiles code at run time) and these JVM
 * options:
 *
 * <pre>
 * --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
 * --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
 * --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED
 * --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
 * --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
 * --add-opens=java.base/java.lang=ALL-UNNAMED
 * --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
 * --add-opens=java.base/java.io=ALL-UNNAMED
 * --add-opens=java.base/java.util=ALL-UNNAMED
 * -Dchronicle.analytics.disable=true
 * </pre>
 *
 * <p>{@link #open} checks for them before any Chronicle class initialises and fails with an {@link
 * InvalidConfigException} that prints them, the same way on every attempt. Unless the system
 * property {@code chronicle.analytics.disable} is set, open sets it to {@code true}, so Chronicle
 * never reports usage over the network. The store starts no thread of its own; Chronicle's core
 * starts one daemon thread per JVM ({@code background~resource~releaser}) the first time it is
 * used, shared by every Chronicle user in the JVM.
 *
 * <p><b>Threads.</b> All methods are thread-safe, and each call on one id is atomic: a {@code
 * get} sees an item as it was before or after a concurrent {@code put} or {@code delete} of that
 * id, never in between. {@link #close()} waits for calls in progress, after which every call fails
 * with {@link StoreClosedException}.
 */
public final class ItemStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ItemStore.class);

  private static final long DEFAULT_EXPECTED_ITEMS = 100_000;
  private static final int DEFAULT_AVERAGE_ITEM_BYTES = 256;
  private static final long MAX_EXPECTED_ITEMS = 1L << 34;
  private static final int MAX_AVERAGE_ITEM_BYTES = 16 << 20;
  private static final double MAX_BLOAT_FACTOR = 10.0;
  /** Chronicle's encoded size of a typical slot key (stop-bit length + UTF-8 + slot char). */
  private static final double AVERAGE_KEY_BYTES = 25;
  private static final int MAX_ID_LENGTH = 200;
  private static final int MAX_CORRUPTIONS_LOGGED = 20;
  /** Lock stripes that order the calls on one id; a power of two. */
  private static final int STRIPES = 256;

  private final ItemsDirectory directory;
  private final Path dir;
  private final Path mapFile;
  private final ChronicleMap<String, byte[]> map;
  private final boolean recovered;
  private final ItemsLayout.Repairs repairs;
  private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
  /**
   * Puts and deletes of an id hold its stripe's write lock for their two steps; reads validate an
   * optimistic stamp, so that they never see an id between the two steps (both copies gone, say).
   */
  private final StampedLock[] stripes = new StampedLock[STRIPES];
  private final BiConsumer<String, byte[]> refuseTooLarge;
  /**
   * False while every id has at most one copy whenever no put of it runs, so that a read that
   * finds slot 0 filled need not look at slot 1. Set, for the life of this open, when a put fails
   * after it may have written its new copy, or when the open kept an id with two damaged copies.
   */
  private volatile boolean pairsMayExist;
  /** Guarded by {@link #closeLock}: written under the write lock, read under either. */
  private boolean closed;

  private ItemStore(ItemsDirectory directory, ChronicleMap<String, byte[]> map,
      boolean recovered, ItemsLayout.Repairs repairs) {
    this.directory = directory;
    this.dir = directory.dir();
    this.mapFile = directory.mapFile();
    this.map = map;
    this.recovered = recovered;
    this.repairs = repairs;
    this.pairsMayExist = repairs.pairsKept() > 0;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new StampedLock();
    }
    this.refuseTooLarge = (key, value) -> {
      throw tooLarge(ItemKeys.idOf(key), value.length, null);
    };
  }

  /**
   * Opens the item store in {@code itemsDir} (normally {@code <basePath>/items}), creating it with
   * the default sizing (100,000 items averaging 256 bytes, growing to about ten times that) if it
   * does not exist, and recovering it if it was not closed cleanly.
   *
   * @param itemsDir the directory; created if missing
   * @return the open store; close it
   * @throws InvalidConfigException when this JVM lacks the options or the JDK Chronicle Map needs
   *     (the message prints the options), the directory cannot be created, or another store holds
   *     it
   * @throws CorruptDataException when the map file cannot be recovered
   * @throws DataStoreException when the map file cannot be opened for another reason
   */
  public static ItemStore open(Path itemsDir) {
    return open(itemsDir, DEFAULT_EXPECTED_ITEMS, DEFAULT_AVERAGE_ITEM_BYTES);
  }

  /**
   * As {@link #open(Path)}, with the sizing used when the map file is created (an existing file
   * keeps its own).
   *
   * @param itemsDir the directory; created if missing
   * @param expectedItems how many items the store is expected to hold, 1 to 2^34; it can grow to
   *     about ten times that before it is full
   * @param averageItemBytes the average encoded size of an item in bytes (Smile, a little smaller
   *     than its JSON text), 1 to 16 MiB
   * @return the open store; close it
   * @throws InvalidArgumentException for a sizing out of range or a null directory
   */
  public static ItemStore open(Path itemsDir, long expectedItems, int averageItemBytes) {
    if (itemsDir == null) {
      throw new InvalidArgumentException("the item store directory must not be null");
    }
    if (expectedItems < 1 || expectedItems > MAX_EXPECTED_ITEMS) {
      throw new InvalidArgumentException("expectedItems must be 1 to " + MAX_EXPECTED_ITEMS
          + ", not " + expectedItems);
    }
    if (averageItemBytes < 1 || averageItemBytes > MAX_AVERAGE_ITEM_BYTES) {
      throw new InvalidArgumentException("averageItemBytes must be 1 to " + MAX_AVERAGE_ITEM_BYTES
          + ", not " + averageItemBytes);
    }
    Path dir = itemsDir.toAbsolutePath().normalize();
    ChronicleJvmOptions.checkRuntime(dir);
    ItemsDirectory directory = ItemsDirectory.acquire(dir);
    boolean recovering = directory.previousMarker().isPresent();
    try {
      ChronicleMap<String, byte[]> map = null;
      boolean recovered = false;
      ItemsLayout.Repairs repairs;
      long held;
      try {
        ChronicleMapBuilder<String, byte[]> builder = mapBuilder(expectedItems, averageItemBytes);
        Files.deleteIfExists(directory.creatingFile());
        if (Files.notExists(directory.mapFile())) {
          create(directory, builder, expectedItems, averageItemBytes);
          map = builder.createPersistedTo(directory.mapFile().toFile());
        } else if (recovering) {
          map = recover(directory, builder);
          recovered = true;
        } else {
          map = builder.createPersistedTo(directory.mapFile().toFile());
        }
        repairs = ItemsLayout.prepare(map, directory.mapFile(), recovered);
        held = map.longSize() - 1;
      } catch (Throwable t) {
        if (map != null) {
          map.close();
        }
        throw openFailure(directory, recovering, t);
      }
      LOG.info("opened item store {} ({} items)", directory.mapFile(), held);
      return new ItemStore(directory, map, recovered, repairs);
    } catch (RuntimeException | Error e) {
      // a failed clean open leaves nothing to recover; a failed recovery must be tried again
      directory.release(!recovering);
      throw e;
    }
  }

  /** The builder of the map: its settings apply when a file is created. */
  static ChronicleMapBuilder<String, byte[]> mapBuilder(long expectedItems, int averageItemBytes) {
    return ChronicleMapBuilder
        .of(String.class, byte[].class)
        .name("optstore-items")
        .entries(expectedItems)
        .averageKeySize(AVERAGE_KEY_BYTES)
        .averageValueSize(averageItemBytes + (double) ItemCodec.HEADER_BYTES)
        .maxBloatFactor(MAX_BLOAT_FACTOR)
        .checksumEntries(true)
        .putReturnsNull(true)
        .removeReturnsNull(true);
  }

  private static void create(ItemsDirectory directory, ChronicleMapBuilder<String, byte[]> builder,
      long expectedItems, int averageItemBytes) throws IOException {
    Path creating = directory.creatingFile();
    try (ChronicleMap<String, byte[]> map = builder.createPersistedTo(creating.toFile())) {
      ItemsLayout.initialise(map);
    }
    // the rename publishes the file: it must be whole on disk first, even after a power loss
    try (FileChannel channel = FileChannel.open(creating, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(creating, directory.mapFile(), StandardCopyOption.ATOMIC_MOVE);
    directory.syncDirectory();
    LOG.info("created item store {} for {} items averaging {} bytes (room for about {} times"
        + " that many)", directory.mapFile(), expectedItems, averageItemBytes,
        (int) MAX_BLOAT_FACTOR);
  }

  private static ChronicleMap<String, byte[]> recover(ItemsDirectory directory,
      ChronicleMapBuilder<String, byte[]> builder) throws IOException {
    Path file = directory.mapFile();
    LOG.warn("item store {} was not closed cleanly ({}); recovering {}", directory.dir(),
        directory.previousMarker().filter(s -> !s.isEmpty()).orElse("no details"), file);
    AtomicInteger corruptions = new AtomicInteger();
    ChronicleHashCorruption.Listener listener = c -> {
      if (corruptions.incrementAndGet() <= MAX_CORRUPTIONS_LOGGED) {
        // Chronicle's message quotes the key, whose slot character is a control character
        LOG.warn("recovering {}: segment {}: {}", file, c.segmentIndex(),
            ItemKeys.printable(String.valueOf(c.message()), Integer.MAX_VALUE), c.exception());
      }
    };
    // false: take the configuration from the file's own header, which is right even when the
    // sizing passed to open() differs from the one the file was created with
    ChronicleMap<String, byte[]> map = builder.recoverPersistedTo(file.toFile(), false, listener);
    LOG.warn("recovered item store {}: {} map entries held, {} corruption(s) repaired{}", file,
        map.longSize(), corruptions.get(),
        corruptions.get() == 0 ? "" : " (entries cut off mid-write are dropped)");
    return map;
  }

  private static RuntimeException openFailure(ItemsDirectory directory, boolean recovering,
      Throwable t) {
    Path file = directory.mapFile();
    if (ChronicleJvmOptions.isRuntimeAccessFailure(t)) {
      return ChronicleJvmOptions.runtimeAccessFailure(directory.dir(), t);
    }
    if (t instanceof DataStoreException) {
      return (DataStoreException) t;
    }
    if (t instanceof ChronicleHashRecoveryFailedException) {
      return new CorruptDataException("the item store file " + file + " could not be recovered"
          + " after an unclean shutdown (" + t.getMessage() + "); move it aside to start an empty"
          + " item store (its items are then lost)", t);
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    String message = String.valueOf(t.getMessage());
    if (message.contains("corrupt") || message.contains("checksum")) {
      return new CorruptDataException("the item store file " + file + " is damaged (" + message
          + "); move it aside to start an empty item store (its items are then lost)", t);
    }
    return new DataStoreException("cannot " + (recovering ? "recover" : "open")
        + " the item store file " + file + ": " + t
        + "; check the file's permissions and the free disk space", t);
  }

  /**
   * Stores an item, replacing any item with that id.
   *
   * @param id the item id (see the class comment for the rule)
   * @param item JSON-compatible values (see the class comment); not null
   * @throws InvalidArgumentException for a bad id, a value that is not JSON-compatible (naming the
   *     id and the key), or an item too large for the store
   * @throws DataStoreException when the store is full
   * @throws StoreClosedException after {@link #close()}
   */
  public void put(String id, Map<String, ?> item) {
    checkId(id);
    byte[] value = ItemCodec.encode(id, item);
    String key0 = ItemKeys.slotKey(id, 0);
    String key1 = ItemKeys.slotKey(id, 1);
    Lock lock = enter();
    StampedLock stripe = stripe(id);
    long stamp = stripe.writeLock();
    boolean reading = true;
    try {
      byte[] copy0 = map.get(key0);
      byte[] copy1 = map.get(key1);
      reading = false;
      int current = currentSlot(id, copy0, copy1);
      long generation = current < 0 ? 1
          : ItemCodec.generation(current == 0 ? copy0 : copy1) + 1;
      ItemCodec.setGeneration(id, value, generation);
      // the current copy is never touched before the new one is whole: a crash in between
      // leaves the id with its old item
      boolean toSlot0 = current != 0;
      map.safePut(toSlot0 ? key0 : key1, value, refuseTooLarge);
      if ((toSlot0 ? copy1 : copy0) != null) {
        removeOlderCopy(id, toSlot0 ? key1 : key0);
      }
    } catch (RuntimeException e) {
      if (!reading && !(e instanceof InvalidArgumentException)) {
        pairsMayExist = true; // the new copy may be written and the old one still there
      }
      throw failure("put", id, value.length, e);
    } finally {
      stripe.unlockWrite(stamp);
      lock.unlock();
    }
  }

  /** Removes the superseded copy after a put; the put has taken effect whatever happens here. */
  private void removeOlderCopy(String id, String key) {
    try {
      map.remove(key);
    } catch (RuntimeException e) {
      pairsMayExist = true;
      LOG.warn("put of item '{}' in {}: the new copy is written but removing the older one failed"
          + " ({}); reads return the new copy, and the older one goes with the next put of this id"
          + " or the next recovery", printable(id), mapFile, e.toString());
    }
  }

  /**
   * @param id the item id
   * @return the item (unmodifiable, numbers normalised as the class comment says), or empty when
   *     there is none
   * @throws InvalidArgumentException for a bad id
   * @throws CorruptDataException when the stored bytes fail their checksum
   * @throws StoreClosedException after {@link #close()}
   */
  public Optional<Map<String, Object>> get(String id) {
    checkId(id);
    byte[] bytes;
    Lock lock = enter();
    try {
      bytes = readCurrent(id);
    } catch (RuntimeException e) {
      throw failure("get", id, -1, e);
    } finally {
      lock.unlock();
    }
    return bytes == null ? Optional.empty() : Optional.of(ItemCodec.decode(id, bytes, mapFile));
  }

  /**
   * The stored bytes of the id's current copy, or null when it has none. The slots are read
   * without a lock and the stripe's stamp is validated after; when a put or delete of an id of the
   * same stripe ran meanwhile, they are read again under the stripe's read lock. Slot 1 is only
   * looked at when slot 0 is empty or {@link #pairsMayExist}.
   */
  private byte[] readCurrent(String id) {
    String key0 = ItemKeys.slotKey(id, 0);
    StampedLock stripe = stripe(id);
    long stamp = stripe.tryOptimisticRead();
    if (stamp != 0) {
      byte[] copy0 = map.get(key0);
      if (copy0 != null && !pairsMayExist) {
        if (stripe.validate(stamp)) {
          return copy0;
        }
      } else {
        byte[] copy1 = map.get(ItemKeys.slotKey(id, 1));
        if (stripe.validate(stamp)) {
          return pick(id, copy0, copy1);
        }
      }
    }
    stamp = stripe.readLock();
    try {
      return pick(id, map.get(key0), map.get(ItemKeys.slotKey(id, 1)));
    } finally {
      stripe.unlockRead(stamp);
    }
  }

  /**
   * The copy to read of the two an id's slots hold. At rest only one is there; both are there
   * only after a put whose older copy could not be removed, or, until the next open repairs it,
   * after a crash.
   */
  private byte[] pick(String id, byte[] copy0, byte[] copy1) {
    if (copy0 == null) {
      return copy1;
    }
    if (copy1 == null) {
      return copy0;
    }
    int current = currentSlot(id, copy0, copy1);
    if (current < 0) {
      // both damaged: decoding the one claiming the higher generation reports it
      return ItemCodec.generation(copy0) >= ItemCodec.generation(copy1) ? copy0 : copy1;
    }
    byte[] chosen = current == 0 ? copy0 : copy1;
    byte[] other = current == 0 ? copy1 : copy0;
    if (!ItemCodec.isIntact(id, other)) {
      LOG.warn("item '{}' in {} has a copy that fails its CRC32C; the intact copy (generation {})"
          + " is returned, and the next put of this id replaces the damaged one", printable(id),
          mapFile, ItemCodec.generation(chosen));
    }
    return chosen;
  }

  /**
   * The slot of the id's current copy: of the copies present that pass their CRC32C, the one of
   * the higher generation; -1 when there is none.
   */
  static int currentSlot(String id, byte[] copy0, byte[] copy1) {
    boolean intact0 = copy0 != null && ItemCodec.isIntact(id, copy0);
    boolean intact1 = copy1 != null && ItemCodec.isIntact(id, copy1);
    if (intact0 && intact1) {
      return ItemCodec.generation(copy0) >= ItemCodec.generation(copy1) ? 0 : 1;
    }
    return intact0 ? 0 : intact1 ? 1 : -1;
  }

  /**
   * @param id the item id
   * @return whether an item was removed
   * @throws InvalidArgumentException for a bad id
   * @throws StoreClosedException after {@link #close()}
   */
  public boolean delete(String id) {
    checkId(id);
    String key0 = ItemKeys.slotKey(id, 0);
    String key1 = ItemKeys.slotKey(id, 1);
    Lock lock = enter();
    StampedLock stripe = stripe(id);
    long stamp = stripe.writeLock();
    try {
      byte[] copy0 = map.get(key0);
      byte[] copy1 = map.get(key1);
      if (copy0 == null && copy1 == null) {
        return false;
      }
      // the older copy first: a crash in between leaves the current item, never an older one
      boolean slot0First = currentSlot(id, copy0, copy1) == 1;
      byte[] first = slot0First ? copy0 : copy1;
      byte[] second = slot0First ? copy1 : copy0;
      if (first != null) {
        map.remove(slot0First ? key0 : key1);
      }
      if (second != null) {
        map.remove(slot0First ? key1 : key0);
      }
      return true;
    } catch (RuntimeException e) {
      throw failure("delete", id, -1, e);
    } finally {
      stripe.unlockWrite(stamp);
      lock.unlock();
    }
  }

  /**
   * Reads many items, split into chunks of {@code batchSize} ids that run in parallel on {@code
   * executor} and on the calling thread (the original's {@code batch_retrieve}).
   *
   * <p>The result holds the items found, keyed by id, iterating in the order of {@code ids}; ids
   * with no item are absent (not mapped to null). An id given more than once appears once, at its
   * first position, and is read once. The call returns when every chunk has finished; if {@code
   * executor} rejects work (for example because it is shut down) the calling thread reads the rest
   * itself. It never waits for a chunk that no thread has started, so it is safe to call from a
   * thread of {@code executor}.
   *
   * @param ids the ids, each valid (checked before anything is read)
   * @param batchSize ids per chunk, at least 1
   * @param executor where chunks run besides the calling thread
   * @return the items found, unmodifiable, in the order of {@code ids}
   * @throws InvalidArgumentException for null arguments, a batch size below 1, or a bad id (naming
   *     it and its position)
   * @throws CorruptDataException when a stored item fails its checksum
   * @throws StoreClosedException when the store is closed before or during the call
   */
  public Map<String, Map<String, Object>> batchGet(Collection<String> ids, int batchSize,
      Executor executor) {
    if (ids == null) {
      throw new InvalidArgumentException("batchGet: ids must not be null");
    }
    if (batchSize < 1) {
      throw new InvalidArgumentException("batchGet: batchSize must be at least 1, not "
          + batchSize);
    }
    if (executor == null) {
      throw new InvalidArgumentException("batchGet: executor must not be null");
    }
    LinkedHashSet<String> distinct = new LinkedHashSet<>(Math.max(16, ids.size() * 4 / 3 + 1));
    int position = 0;
    for (String id : ids) {
      try {
        checkId(id);
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException("batchGet: the id at position " + position + " is"
            + " invalid: " + e.getMessage(), e);
      }
      distinct.add(id);
      position++;
    }
    String[] order = distinct.toArray(new String[0]);
    int n = order.length;
    if (n == 0) {
      ensureOpen();
      return Map.of();
    }
    Object[] found = new Object[n];
    int chunks = (int) ((n + (long) batchSize - 1) / batchSize);
    ChunkedRun.run(chunks, c -> readChunk(order, c * batchSize,
        (int) Math.min(n, (long) (c + 1) * batchSize), found), executor,
        "batchGet of " + n + " items from " + mapFile);
    Map<String, Map<String, Object>> result = new LinkedHashMap<>(Math.max(16, n * 4 / 3 + 1));
    for (int i = 0; i < n; i++) {
      if (found[i] != null) {
        @SuppressWarnings("unchecked")
        Map<String, Object> item = (Map<String, Object>) found[i];
        result.put(order[i], item);
      }
    }
    return Collections.unmodifiableMap(result);
  }

  /** Reads ids[from, to) into found[from, to): bytes under the lock, decoding after it. */
  private void readChunk(String[] ids, int from, int to, Object[] found) {
    Lock lock = enter();
    int i = from;
    try {
      for (; i < to; i++) {
        found[i] = readCurrent(ids[i]);
      }
    } catch (RuntimeException e) {
      throw failure("get", ids[i], -1, e);
    } finally {
      lock.unlock();
    }
    for (i = from; i < to; i++) {
      if (found[i] != null) {
        found[i] = ItemCodec.decode(ids[i], (byte[]) found[i], mapFile);
      }
    }
  }

  /**
   * @return how many items the store holds; exact when no put or delete runs at the same time
   *     (one that does may be counted twice or not at all)
   * @throws StoreClosedException after {@link #close()}
   */
  public long size() {
    Lock lock = enter();
    try {
      // less the layout entry
      return map.longSize() - 1;
    } catch (RuntimeException e) {
      throw failure("size", null, -1, e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for calls in progress, closes the map, forces the map file to disk, removes the open
   * marker and releases the directory. Idempotent. If the map fails to close or to reach the disk,
   * the marker stays and the next open recovers.
   */
  @Override
  public void close() {
    Lock lock = closeLock.writeLock();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      boolean clean = false;
      try {
        // a clean open neither walks the map nor looks at slot 1 when slot 0 is filled: ids with
        // two copies must go first, or the marker stays so that the next open walks the map
        boolean oneCopyEach = !pairsMayExist || removeSupersededCopies();
        map.close();
        // closing unmaps the file but writes nothing back: until this force, a power loss could
        // leave a torn map that the next open, finding no marker, would not recover
        directory.forceMapFile();
        clean = oneCopyEach;
      } catch (RuntimeException | IOException e) {
        LOG.warn("closing the item store map {} failed ({}); the next open will recover it",
            mapFile, e.toString());
      } finally {
        directory.release(clean);
      }
      LOG.debug("closed item store {}", mapFile);
    } finally {
      lock.unlock();
    }
  }

  /** @return whether every id is left with at most one copy */
  private boolean removeSupersededCopies() {
    try {
      if (ItemsLayout.removeSupersededCopies(map, mapFile).pairsKept() == 0) {
        return true;
      }
    } catch (RuntimeException e) {
      LOG.warn("closing the item store {}: removing the older copies of interrupted puts failed"
          + " ({})", mapFile, e.toString());
    }
    LOG.warn("closing the item store {} with ids that have two copies; the next open will recover"
        + " it", mapFile);
    return false;
  }

  /** Whether this open had to recover the map after an unclean shutdown. */
  boolean recoveredOnOpen() {
    return recovered;
  }

  /** What this open repaired in the map's layout. */
  ItemsLayout.Repairs repairsOnOpen() {
    return repairs;
  }

  private StampedLock stripe(String id) {
    int h = id.hashCode();
    return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
  }

  private Lock enter() {
    Lock lock = closeLock.readLock();
    lock.lock();
    if (closed) {
      lock.unlock();
      throw closedException();
    }
    return lock;
  }

  private void ensureOpen() {
    enter().unlock();
  }

  private StoreClosedException closedException() {
    return new StoreClosedException("the item store in " + dir + " is closed; open it again");
  }

  private DataStoreException failure(String op, String id, int encodedBytes, RuntimeException e) {
    if (e instanceof DataStoreException) {
      return (DataStoreException) e;
    }
    String what = id == null ? op : op + " of item '" + id + "'";
    if (e instanceof ChronicleHashClosedException) {
      return new StoreClosedException("the item store map " + mapFile + " was closed under the"
          + " store (JVM shutdown?) during " + what, e);
    }
    String message = String.valueOf(e.getMessage());
    if (e instanceof IllegalArgumentException && message.contains("too large")) {
      return tooLarge(id, encodedBytes, e);
    }
    if (e instanceof IllegalStateException && message.contains("extra segment tier")) {
      return new DataStoreException("the item store " + mapFile + " is full: " + what
          + " failed with " + itemCount(map) + " items held. Its capacity was fixed when it was"
          + " created (about " + (int) MAX_BLOAT_FACTOR + " times the expectedItems given then):"
          + " delete items no longer needed, or move the items to a store created with a larger"
          + " expectedItems", e);
    }
    return new DataStoreException(what + " in " + mapFile + " failed: " + e, e);
  }

  private InvalidArgumentException tooLarge(String id, int encodedBytes, RuntimeException cause) {
    return new InvalidArgumentException("item '" + id + "' is too large for the item store "
        + mapFile + ": " + encodedBytes + " bytes encoded, more than one segment of the map can"
        + " hold (that limit follows from the averageItemBytes the store was created with). Split"
        + " the item, or keep large payloads as a dataset", cause);
  }

  private static String itemCount(ChronicleMap<?, ?> map) {
    try {
      return Long.toString(map.longSize());
    } catch (RuntimeException e) {
      return "an unknown number of";
    }
  }

  private static String printable(String id) {
    return ItemKeys.printable(id, 60);
  }

  private static void checkId(String id) {
    if (id == null) {
      throw new InvalidArgumentException("an item id must not be null; use 1 to " + MAX_ID_LENGTH
          + " characters without control characters");
    }
    int length = id.length();
    if (length == 0 || length > MAX_ID_LENGTH) {
      throw new InvalidArgumentException("item id '" + (length > 40 ? id.substring(0, 40) + "..."
          : id) + "' has " + length + " characters; an item id has 1 to " + MAX_ID_LENGTH);
    }
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      if (Character.isISOControl(c)) {
        throw new InvalidArgumentException("item id '" + printable(id)
            + "' contains the control character U+" + String.format("%04X", (int) c)
            + " at index " + i + "; item ids are 1 to " + MAX_ID_LENGTH
            + " characters without control characters");
      }
    }
  }
}
