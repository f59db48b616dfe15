package org.optstore.core.items;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.InaccessibleObjectException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.optstore.InvalidConfigException;

class ChronicleJvmOptionsTest {
  private static final Path DIR = Path.of("/data/items");

  /** The shapes Chronicle Map 2026.1 failed with here, each with one option left out. */
  @Test
  void theFailuresChronicleThrowsWithoutTheOptionsAreRecognised() {
    Throwable[] failures = {
        // no --add-opens=java.base/java.lang
        new ExceptionInInitializerError(new InaccessibleObjectException("Unable to make protected"
            + " final java.lang.Class java.lang.ClassLoader.defineClass accessible: module"
            + " java.base does not \"opens java.lang\" to unnamed module @69eee410")),
        // no --add-exports=java.base/sun.nio.ch
        new IOException(new IllegalAccessError("class net.openhft.chronicle.core.OS cannot access"
            + " class sun.nio.ch.FileChannelImpl because module java.base does not export"
            + " sun.nio.ch to unnamed module @1cab0bfb")),
        // no --add-exports=jdk.compiler/com.sun.tools.javac.file
        new RuntimeException(new InaccessibleObjectException("module jdk.compiler does not"
            + " \"exports com.sun.tools.javac.file\" to unnamed module @1cab0bfb")),
        // no --add-opens=java.base/java.lang.reflect
        new AssertionError(new IllegalAccessException("class net.openhft.chronicle.core.Jvm cannot"
            + " access a member of class net.openhft.chronicle.map.ChronicleMapBuilder with"
            + " modifiers \"private\"")),
        // any later attempt in a JVM where Chronicle's static init once failed
        new NoClassDefFoundError("Could not initialize class net.openhft.chronicle.core.Jvm"),
    };
    for (Throwable t : failures) {
      assertThat(ChronicleJvmOptions.isRuntimeAccessFailure(t)).as("%s", t).isTrue();
      InvalidConfigException e = ChronicleJvmOptions.runtimeAccessFailure(DIR, t);
      assertThat(e).hasCause(t).hasMessageContaining(DIR.toString())
          .hasMessageContaining(ChronicleJvmOptions.commandLine());
    }
  }

  @Test
  void ordinaryFailuresAreNotMistakenForMissingOptions() {
    Throwable[] failures = {
        new IOException("No space left on device"),
        new IllegalStateException("Attempt to allocate #81 extra segment tier, 80 is maximum"),
        new IllegalArgumentException("Value too large: entry takes 8001 chunks"),
        new NoClassDefFoundError("com/example/Unrelated"),
    };
    for (Throwable t : failures) {
      assertThat(ChronicleJvmOptions.isRuntimeAccessFailure(t)).as("%s", t).isFalse();
    }
  }

  @Test
  void aCauseCycleDoesNotLoopForever() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertThat(ChronicleJvmOptions.isRuntimeAccessFailure(a)).isFalse();
  }
}
