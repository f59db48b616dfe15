package org.optstore.cli;

import java.io.PrintWriter;
import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import org.optstore.Field;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Shows a dataset's newest version. */
@Command(name = "info", description = "Show a dataset's schema, size, time range and metadata.")
final class InfoCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset name.")
  String name;

  @Override
  boolean readOnly() {
    return true;
  }

  @Override
  int run(DataStore store) {
    DatasetInfo i = store.info(name);
    PrintWriter out = out();
    out.printf("dataset     %s%n", i.name());
    out.printf("version     %d (committed %s)%n", i.version(), i.createdAt());
    out.printf("format      %s%n", i.format());
    out.printf("rows        %,d%n", i.rowCount());
    out.printf("bytes       %,d optimized, %,d raw copy%n", i.sizeBytes(), i.rawSizeBytes());
    out.printf("time column %s%s%n", i.timeColumn().orElse("(none)"),
        i.timeColumn().isPresent() ? (i.timeSorted() ? ", sorted" : ", unsorted") : "");
    if (i.minTime().isPresent()) {
      out.printf("time range  %s .. %s%n", i.minTime().get(), i.maxTime().orElseThrow());
    }
    out.println("columns");
    for (Field f : i.schema().fields()) {
      out.printf("  %-28s %s%n", f.name(), f.type());
    }
    if (!i.metadata().isEmpty()) {
      out.println("metadata");
      i.metadata().forEach((k, v) -> out.printf("  %-28s %s%n", k, v));
    }
    return 0;
  }
}
