package org.optstore.format.parquet;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mappings shared by the readers of one unchanged file. A store's data files never change once
 * written, and a read that maps a file afresh pays a page fault for every page it touches again;
 * readers opened one after another (a store without a frame cache opens one per read) reuse the
 * live mapping instead. Entries are soft references (the collector drops them under memory
 * pressure; mappings are never unmapped explicitly), and an entry whose file is gone or changed is
 * dropped at the next open, so a deleted version's space returns once the collector takes its
 * mapping. The key includes the file's identity, size and modification time, so a replaced file is
 * mapped anew; its checksums are verified at every open.
 */
final class MappedFiles {
  private record Key(Path path, Object fileKey, long size, long modified) {}

  private static final Map<Key, SoftReference<ByteBuffer>> CACHE = new ConcurrentHashMap<>();

  private MappedFiles() {}

  /** Drops entries whose mapping was collected or whose file was deleted or changed. */
  private static void purge() {
    for (Iterator<Map.Entry<Key, SoftReference<ByteBuffer>>> it = CACHE.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, SoftReference<ByteBuffer>> e = it.next();
      Key k = e.getKey();
      boolean keep = e.getValue().get() != null;
      if (keep) {
        try {
          BasicFileAttributes a = Files.readAttributes(k.path(), BasicFileAttributes.class);
          keep = k.fileKey().equals(a.fileKey()) && a.size() == k.size()
              && a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) == k.modified();
        } catch (IOException gone) {
          keep = false;
        }
      }
      if (!keep) {
        it.remove();
      }
    }
  }

  static ByteBuffer map(Path path, FileChannel channel, long size) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    Object fileKey = a.fileKey();
    if (fileKey == null || a.size() != size) {
      return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
    long modified = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
    Key key = new Key(path.toAbsolutePath().normalize(), fileKey, size, modified);
    SoftReference<ByteBuffer> ref = CACHE.get(key);
    ByteBuffer b = ref == null ? null : ref.get();
    if (b != null) {
      return b;
    }
    b = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
    purge();
    if (CACHE.size() < 64) {
      CACHE.put(key, new SoftReference<>(b));
    }
    return b;
  }
}
