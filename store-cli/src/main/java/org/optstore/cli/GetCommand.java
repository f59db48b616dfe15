package org.optstore.cli;

import java.time.Instant;
import java.util.List;
import org.optstore.DataStore;
import org.optstore.FrameStream;
import org.optstore.InvalidArgumentException;
import org.optstore.Predicates;
import org.optstore.Query;
import org.optstore.TimeRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Reads rows of a dataset. */
@Command(name = "get", description = "Read rows of a dataset: a time range, columns, a predicate.")
final class GetCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset name.")
  String name;

  @Option(names = "--from", paramLabel = "TIME",
      description = "First instant inside (ISO-8601: 2023-01-10T00:00:00Z, 2023-01-10T09:30, "
          + "2023-01-10 09:30, 2023-01-10; no offset means UTC).")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "First instant outside (exclusive).")
  String to;

  @Option(names = "--columns", split = ",", paramLabel = "NAME",
      description = "Columns to print, comma-separated (default: all).")
  List<String> columns;

  @Option(names = "--where", paramLabel = "EXPR",
      description = "Row filter, e.g. \"price > 105 and symbol == 'SYM042'\" "
          + "(==, !=, <, <=, >, >=, is null, and, or, not, parentheses).")
  String where;

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N rows.")
  Integer limit;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output: table, csv or jsonl (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  boolean readOnly() {
    return true;
  }

  private Query query;

  @Override
  void validate() {
    Query.Builder q = Query.builder();
    try {
      if (from != null || to != null) {
        Instant f = from == null ? null : parseTime("--from", from);
        Instant t = to == null ? null : parseTime("--to", to);
        q.timeRange(f == null ? TimeRange.until(t) : t == null ? TimeRange.from(f)
            : TimeRange.between(f, t));
      }
      if (columns != null) {
        q.columns(columns);
      }
      if (where != null) {
        q.where(Predicates.parse(where));
      }
      if (limit != null) {
        q.limit(limit);
      }
    } catch (InvalidArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    query = q.build();
  }

  @Override
  int run(DataStore store) throws Exception {
    try (FrameStream rows = store.scan(name, query)) {
      long n = output.write(rows, out());
      if (output == OutputFormat.TABLE) {
        out().printf("(%,d rows)%n", n);
      }
    }
    return 0;
  }

  private static Instant parseTime(String option, String text) {
    try {
      return TimeRange.parseInstant(text);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(option + " " + e.getMessage());
    }
  }
}
