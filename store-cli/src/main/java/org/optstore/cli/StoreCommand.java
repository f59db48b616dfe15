package org.optstore.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.optstore.DataStore;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand that works on the store the global options name. */
abstract class StoreCommand implements Callable<Integer> {
  @ParentCommand
  OptstoreCli root;

  @Spec
  CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Whether the command only reads (then the store opens read-only and takes no lock). */
  abstract boolean readOnly();

  abstract int run(DataStore store) throws Exception;

  /** Checks the options before the store is opened; throws a ParameterException on bad ones. */
  void validate() {}

  @Override
  public Integer call() throws Exception {
    validate();
    try (DataStore store = root.open(readOnly())) {
      return run(store);
    }
  }
}
