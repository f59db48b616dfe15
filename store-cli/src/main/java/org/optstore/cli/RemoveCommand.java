package org.optstore.cli;

import org.optstore.DataStore;
import org.optstore.DatasetNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Deletes a dataset. */
@Command(name = "rm", description = "Delete a dataset (every version).")
final class RemoveCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset name.")
  String name;

  @Override
  boolean readOnly() {
    return false;
  }

  @Override
  int run(DataStore store) {
    if (!store.delete(name)) {
      throw new DatasetNotFoundException("dataset '" + name + "' not found in "
          + root.basePath.toAbsolutePath() + "; 'optstore ls' lists the datasets");
    }
    out().printf("deleted '%s'%n", name);
    return 0;
  }
}
