package org.optstore.format.hdf5;

import hdf.hdf5lib.H5;
import org.optstore.spi.Availability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the HDF5 natives once and serialises every call into them.
 *
 * <p>The HDF5 library is not thread-safe (the bytedeco build is not compiled thread-safe), so every
 * sequence of native calls, on any file, runs under {@link #LOCK}.
 *
 * <p>Loading goes through JavaCPP: {@code Loader.load(hdf5_java.class)} extracts and loads the
 * natives of the platform classifier on the classpath. The {@code hdf.hdf5lib.H5} class then runs
 * its own loader in its static initialiser, which would print a stack trace when it looks for the
 * library on {@code java.library.path}; pointing its {@code hdf.hdf5lib.H5.hdf5lib} property at the
 * file JavaCPP already loaded makes that a no-op. The JavaCPP binding of the C API ({@code
 * org.bytedeco.hdf5.global.hdf5}) is loaded too, for the chunk calls the classic API lacks (see
 * {@link DirectChunks}); both link the same {@code libhdf5}.
 */
final class NativeHdf5 {

  private static final Logger LOG = LoggerFactory.getLogger(NativeHdf5.class);

  /** Guards every native call. */
  static final Object LOCK = new Object();

  /** Set to {@code true} to make the format unavailable on purpose (e.g. to force another format). */
  static final String DISABLE_PROPERTY = "optstore.hdf5.disabled";

  private static final String H5_LIBRARY_PATH_PROPERTY = "hdf.hdf5lib.H5.hdf5lib";

  private static volatile Availability loaded;

  private NativeHdf5() {}

  /** Loads the natives, once per JVM. */
  static Availability load() {
    Availability a = loaded;
    if (a != null) {
      return a;
    }
    synchronized (LOCK) {
      if (loaded == null) {
        loaded = doLoad();
      }
      return loaded;
    }
  }

  private static Availability doLoad() {
    if (Boolean.getBoolean(DISABLE_PROPERTY)) {
      return Availability.unavailable("disabled by the system property " + DISABLE_PROPERTY + "=true");
    }
    String platform = "unknown";
    try {
      platform = org.bytedeco.javacpp.Loader.getPlatform();
      org.bytedeco.javacpp.Loader.load(org.bytedeco.hdf5.hdf5_java.class);
      // the C API binding, for direct chunk writes and chunk locations (see DirectChunks)
      org.bytedeco.javacpp.Loader.load(org.bytedeco.hdf5.global.hdf5.class);
      String lib = org.bytedeco.javacpp.Loader.getLoadedLibraries().get("hdf5_java");
      if (lib != null && System.getProperty(H5_LIBRARY_PATH_PROPERTY) == null) {
        System.setProperty(H5_LIBRARY_PATH_PROPERTY, lib);
      }
      int[] v = new int[3];
      H5.H5get_libversion(v);
      LOG.info("HDF5 {}.{}.{} natives loaded for {}", v[0], v[1], v[2], platform);
      return Availability.availableNow();
    } catch (LinkageError | RuntimeException e) {
      return unavailable(platform, e);
    }
  }

  /** The reason a failed load gives, naming the platform and what to add. */
  static Availability unavailable(String platform, Throwable e) {
    return Availability.unavailable("HDF5 natives could not be loaded for platform " + platform + " ("
        + e.getClass().getSimpleName() + ": " + e.getMessage() + "); add the artifact org.bytedeco:hdf5 with"
        + " the classifier for this platform to the classpath");
  }
}
