package org.optstore.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.optstore.DataStore;
import org.optstore.DatasetInfo;
import org.optstore.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Imports a CSV, JSON lines, Avro, Parquet or HDF5 file as a new version of a dataset. */
@Command(name = "import", description = "Import a file (CSV, JSON lines, Avro, or any file a "
    + "format on the classpath imports, e.g. Parquet, HDF5) as a new version of a dataset.")
final class ImportCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset name.")
  String name;

  @Parameters(index = "1", paramLabel = "FILE", description = "The file to import.")
  Path file;

  @Option(names = "--time-column", paramLabel = "COLUMN",
      description = "The time column (default: 'timestamp', else the only timestamp column).")
  String timeColumn;

  @Option(names = "--time-pattern", paramLabel = "PATTERN",
      description = "How time strings are written, e.g. yyyyMMdd or 'yyyy-MM-dd HH:mm:ss' "
          + "(default: ISO-8601; no offset means UTC).")
  String timePattern;

  @Option(names = "--epoch-unit", paramLabel = "UNIT",
      description = "Unit of numeric time values: SECONDS, MILLISECONDS, MICROSECONDS, NANOSECONDS.")
  TimeUnit epochUnit;

  @Override
  boolean readOnly() {
    return false;
  }

  @Override
  void validate() {
    if (!Files.isRegularFile(file)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "no such file: " + file);
    }
  }

  @Override
  int run(DataStore store) {
    WriteOptions.Builder b = WriteOptions.builder();
    if (timeColumn != null) {
      b.timeColumn(timeColumn);
    }
    if (timePattern != null) {
      b.timePattern(timePattern);
    }
    if (epochUnit != null) {
      b.epochUnit(epochUnit);
    }
    if (root.format != null) {
      b.format(root.format);
    }
    DatasetInfo info;
    try (Progress progress = Progress.start("importing " + file.getFileName(), -1)) {
      info = store.importFile(name, file, b.build());
    }
    out().printf("imported %,d rows into '%s' version %d (%s, %,d bytes)%n", info.rowCount(),
        info.name(), info.version(), info.format(), info.sizeBytes());
    return 0;
  }
}
