package org.optstore.cli;

import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import org.optstore.FrameStream;
import org.optstore.Query;
import org.optstore.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Rewrites a dataset in another format as a new version. */
@Command(name = "convert", description = "Rewrite a dataset in another format, as a new version.")
final class ConvertCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset name.")
  String name;

  @Option(names = "--to", required = true, paramLabel = "FORMAT",
      description = "The target format, e.g. parquet, hdf5, serial.")
  String target;

  @Override
  boolean readOnly() {
    return false;
  }

  @Override
  int run(DataStore store) {
    DatasetInfo before = store.info(name);
    WriteOptions.Builder options = WriteOptions.builder().format(target);
    if (before.timeColumn().isPresent()) {
      options.timeColumn(before.timeColumn().get());
    } else {
      options.noTimeColumn();
    }
    DatasetInfo after;
    try (Progress progress = Progress.start("converting", before.rowCount());
        FrameStream rows = progress.track(store.scan(name, Query.all()))) {
      after = store.store(name, rows, before.metadata(), options.build());
    }
    out().printf("converted '%s' version %d (%s, %,d bytes) to version %d (%s, %,d bytes)%n",
        name, before.version(), before.format(), before.sizeBytes(), after.version(),
        after.format(), after.sizeBytes());
    return 0;
  }
}
