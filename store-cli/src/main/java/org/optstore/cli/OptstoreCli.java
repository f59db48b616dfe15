package org.optstore.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.optstore.DataStore;
import org.optstore.DataStoreException;
import org.optstore.core.DataStores;
import org.optstore.core.StoreConfig;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code optstore} command. Exit codes: 0 success, 1 failure (one line on stderr; the stack
 * trace with {@code --verbose}), 2 usage error.
 */
@Command(
    name = "optstore",
    mixinStandardHelpOptions = true,
    versionProvider = OptstoreCli.Version.class,
    description = "Stores named tabular and time-series datasets and reads them back fast.",
    subcommands = {
      DemoCommand.class,
      ImportCommand.class,
      ListCommand.class,
      InfoCommand.class,
      GetCommand.class,
      ConvertCommand.class,
      RemoveCommand.class,
      ItemsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class OptstoreCli implements Callable<Integer> {
  /** The base path used when {@code --base-path} is not given. */
  public static final Path DEFAULT_BASE_PATH = Path.of("optstore-data");

  @Option(names = "--base-path", scope = ScopeType.INHERIT, paramLabel = "DIR",
      description = "The store's directory (default: ./optstore-data).")
  Path basePath = DEFAULT_BASE_PATH;

  @Option(names = "--format", scope = ScopeType.INHERIT, paramLabel = "NAME",
      description = "Storage format for writes: parquet, hdf5, serial, ... (default: parquet, "
          + "falling back to the best available).")
  String format;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Log progress and print stack traces of failures.")
  boolean verbose;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** Opens the store the global options describe. */
  DataStore open(boolean readOnly) {
    StoreConfig.Builder b = StoreConfig.builder().basePath(basePath).readOnly(readOnly);
    if (format != null) {
      b.format(format);
    }
    return DataStores.open(b.build());
  }

  /**
   * Runs the command line and returns its exit code without exiting (for tests and embedding).
   *
   * @param out standard output
   * @param err standard error
   * @param args the arguments
   * @return the exit code
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    OptstoreCli root = new OptstoreCli();
    CommandLine cl = new CommandLine(root);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionStrategy(parseResult -> {
      configureLogging(root.verbose);
      return new CommandLine.RunLast().execute(parseResult);
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (root.verbose) {
        ex.printStackTrace(err);
      } else {
        String kind = ex instanceof DataStoreException ? "" : ex.getClass().getSimpleName() + ": ";
        err.println("optstore: " + kind + ex.getMessage());
      }
      err.flush();
      return 1;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static void configureLogging(boolean verbose) {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      root.setLevel(verbose ? Level.INFO : Level.WARN);
    }
  }

  /**
   * The entry point of {@code java -jar optstore.jar}.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    // before anything loads Chronicle Map (the item store): no usage reporting from a CLI run
    System.setProperty("chronicle.analytics.disable", "true");
    int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    System.exit(code);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = OptstoreCli.class.getPackage().getImplementationVersion();
      return new String[] {"optstore " + (v == null ? "(development build)" : v)};
    }
  }
}
