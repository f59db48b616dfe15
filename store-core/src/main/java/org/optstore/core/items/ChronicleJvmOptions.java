package org.optstore.core.items;

import java.lang.reflect.InaccessibleObjectException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.optstore.InvalidConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM options Chronicle Map needs on Java 17+, the check that they are in force, and the
 * translation of the errors Chronicle throws when they are not.
 *
 * <p>The check runs before any Chronicle class is initialised: a Chronicle class whose static
 * initialiser failed stays unusable for the life of the JVM, so failing early keeps the message
 * clear and the same on every attempt.
 */
final class ChronicleJvmOptions {
  private static final Logger LOG = LoggerFactory.getLogger(ChronicleJvmOptions.class);

  static final String ANALYTICS_PROPERTY = "chronicle.analytics.disable";

  /** One {@code --add-exports} or {@code --add-opens} option. */
  record Access(boolean opens, String module, String pkg) {
    String option() {
      return (opens ? "--add-opens=" : "--add-exports=") + module + "/" + pkg + "=ALL-UNNAMED";
    }
  }

  /** The module and package accesses, in the order the options are printed. */
  static final List<Access> ACCESSES = List.of(
      new Access(false, "java.base", "jdk.internal.ref"),
      new Access(false, "java.base", "sun.nio.ch"),
      new Access(false, "jdk.unsupported", "sun.misc"),
      new Access(false, "jdk.compiler", "com.sun.tools.javac.file"),
      new Access(true, "jdk.compiler", "com.sun.tools.javac"),
      new Access(true, "java.base", "java.lang"),
      new Access(true, "java.base", "java.lang.reflect"),
      new Access(true, "java.base", "java.io"),
      new Access(true, "java.base", "java.util"));

  /** Every option, exactly as it goes on the java command line. */
  static final List<String> OPTIONS = options();

  private ChronicleJvmOptions() {}

  private static List<String> options() {
    List<String> all = new ArrayList<>();
    for (Access a : ACCESSES) {
      all.add(a.option());
    }
    all.add("-D" + ANALYTICS_PROPERTY + "=true");
    return List.copyOf(all);
  }

  /** The options on one line, ready to paste. */
  static String commandLine() {
    return String.join(" ", OPTIONS);
  }

  /**
   * Fails unless this JVM can run Chronicle Map: a full JDK (javac present) and every access in
   * {@link #ACCESSES} granted to Chronicle's classes. Also turns Chronicle's usage analytics off
   * unless the user set {@code chronicle.analytics.disable} explicitly.
   *
   * @param itemsDir the item store's directory, named in the message
   * @throws InvalidConfigException naming what is missing and printing every option to add
   */
  static void checkRuntime(Path itemsDir) {
    String javaHome = System.getProperty("java.home");
    if (ModuleLayer.boot().findModule("jdk.compiler").isEmpty()
        || ModuleLayer.boot().findModule("java.compiler").isEmpty()
        || javax.tools.ToolProvider.getSystemJavaCompiler() == null) {
      throw new InvalidConfigException("the item store in " + itemsDir
          + " needs a full JDK: Chronicle Map compiles code at run time, but the Java runtime at "
          + javaHome + " has no Java compiler (module jdk.compiler). Run on a JDK 17+ rather than"
          + " a JRE or a jlink image, with these options: " + commandLine());
    }
    List<Module> targets = chronicleModules();
    List<String> missing = new ArrayList<>();
    for (Access a : ACCESSES) {
      Optional<Module> module = ModuleLayer.boot().findModule(a.module());
      if (module.isEmpty() || !granted(module.get(), a, targets)) {
        missing.add(a.option());
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidConfigException(
          missingOptionsMessage(itemsDir, "missing: " + String.join(" ", missing)));
    }
    if (System.getProperty(ANALYTICS_PROPERTY) == null) {
      // Chronicle reports usage over the network unless told not to; an embedded store must not.
      System.setProperty(ANALYTICS_PROPERTY, "true");
      LOG.debug("set -D{}=true (Chronicle Map usage analytics off)", ANALYTICS_PROPERTY);
    }
  }

  private static boolean granted(Module module, Access a, List<Module> targets) {
    for (Module target : targets) {
      boolean ok = a.opens() ? module.isOpen(a.pkg(), target) : module.isExported(a.pkg(), target);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The modules of Chronicle's jars that make the reflective calls (not initialised here). */
  private static List<Module> chronicleModules() {
    List<Module> modules = new ArrayList<>();
    for (Class<?> c : new Class<?>[] {net.openhft.chronicle.core.Jvm.class,
        net.openhft.chronicle.map.ChronicleMapBuilder.class}) {
      if (!modules.contains(c.getModule())) {
        modules.add(c.getModule());
      }
    }
    return modules;
  }

  static String missingOptionsMessage(Path itemsDir, String detail) {
    return "the item store in " + itemsDir + " cannot start Chronicle Map: this JVM lacks the"
        + " options it needs on Java 17+ (" + detail + "). Add all of these to the java"
        + " command line (or to the JDK_JAVA_OPTIONS environment variable) and restart: "
        + commandLine() + " -- dataset calls work without them.";
  }

  /**
   * Whether a throwable from Chronicle means the runtime lacks a JVM option or a JDK part: module
   * access refused, a Chronicle class whose initialisation failed, or javac missing.
   */
  static boolean isRuntimeAccessFailure(Throwable thrown) {
    Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof InaccessibleObjectException || t instanceof IllegalAccessError
          || t instanceof IllegalAccessException || t instanceof ExceptionInInitializerError) {
        return true;
      }
      String message = String.valueOf(t.getMessage());
      if (t instanceof NoClassDefFoundError
          && (message.contains("net.openhft") || message.contains("com.sun.tools"))) {
        return true;
      }
      if (t instanceof ClassNotFoundException && message.contains("com.sun.tools")) {
        return true;
      }
      if (message.contains("does not \"opens") || message.contains("does not export")
          || message.contains("does not \"exports")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The exception for a throwable that {@link #isRuntimeAccessFailure(Throwable)} accepted.
   *
   * @param itemsDir the item store's directory
   * @param thrown what Chronicle threw
   * @return an {@link InvalidConfigException} printing the options, with {@code thrown} as cause
   */
  static InvalidConfigException runtimeAccessFailure(Path itemsDir, Throwable thrown) {
    return new InvalidConfigException(missingOptionsMessage(itemsDir,
        "Chronicle Map failed with " + thrown + "; if it started once in this JVM without the"
            + " options it stays broken until a restart"), thrown);
  }
}
