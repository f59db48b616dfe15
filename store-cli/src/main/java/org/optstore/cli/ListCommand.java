package org.optstore.cli;

import java.io.PrintWriter;
import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import picocli.CommandLine.Command;

/** Lists the datasets. */
@Command(name = "ls", description = "List the datasets with their newest version.")
final class ListCommand extends StoreCommand {
  @Override
  boolean readOnly() {
    return true;
  }

  @Override
  int run(DataStore store) {
    PrintWriter out = out();
    out.printf("%-30s %8s %14s %-8s %14s  %s%n", "DATASET", "VERSION", "ROWS", "FORMAT", "BYTES",
        "TIME RANGE");
    for (DatasetInfo i : store.list()) {
      String range = i.minTime().isPresent()
          ? i.minTime().get() + " .. " + i.maxTime().orElseThrow()
          : "-";
      out.printf("%-30s %8d %,14d %-8s %,14d  %s%n", i.name(), i.version(), i.rowCount(),
          i.format(), i.sizeBytes(), range);
    }
    return 0;
  }
}
