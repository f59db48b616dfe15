package org.optstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optstore command run in-process: exit codes and output. */
class OptstoreCliTest {
  @TempDir Path dir;

  /** What one run printed and returned. */
  record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    all[0] = "--base-path";
    all[1] = dir.resolve("store").toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int code = OptstoreCli.run(new PrintWriter(out), new PrintWriter(err), all);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void demoWritesTicksAndChecksEveryQuery() {
    Run r = run("demo", "--rows", "100000");
    assertThat(r.code()).as(r.err()).isZero();
    TicksWorkload.Expected e = TicksWorkload.expected(100_000);
    assertThat(r.out())
        .contains("wrote 100,000 rows as version 1")
        .containsPattern("R1 +" + String.format("%,d", e.rows(TicksWorkload.Q.R1)) + " rows")
        .containsPattern("R3 +" + String.format("%,d", e.rows(TicksWorkload.Q.R3)) + " rows")
        .contains("all checks passed")
        .doesNotContain("FAIL");
  }

  @Test
  void lsInfoGetAndRmWorkOnAStoredDataset() {
    assertThat(run("demo", "--rows", "5000").code()).isZero();
    Run ls = run("ls");
    assertThat(ls.code()).isZero();
    assertThat(ls.out()).contains("ticks").contains("5,000");

    Run info = run("info", "ticks");
    assertThat(info.code()).isZero();
    assertThat(info.out()).contains("time column ts, sorted").contains("symbol")
        .contains("STRING").contains("source").contains("optstore demo");

    Run table = run("get", "ticks", "--from", "2023-01-01T00:00:10Z", "--to",
        "2023-01-01T00:00:13Z", "--columns", "ts,volume");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).contains("2023-01-01T00:00:10Z  310")
        .contains("2023-01-01T00:00:12Z  372").doesNotContain("00:00:13Z").contains("(3 rows)");

    Run csv = run("get", "ticks", "--where", "volume == 310 or volume == 341", "--columns",
        "ts,symbol,volume", "-o", "csv");
    assertThat(csv.code()).isZero();
    assertThat(csv.out().lines()).containsExactly("ts,symbol,volume",
        "2023-01-01T00:00:10Z,SYM090,310", "2023-01-01T00:00:11Z,SYM009,341");

    Run jsonl = run("get", "ticks", "--limit", "1", "--columns", "ts,price,flag", "-o", "jsonl");
    assertThat(jsonl.code()).isZero();
    assertThat(jsonl.out().trim())
        .isEqualTo("{\"ts\":\"2023-01-01T00:00:00Z\",\"price\":100.0,\"flag\":true}");

    Run rm = run("rm", "ticks");
    assertThat(rm.code()).isZero();
    assertThat(run("ls").out()).doesNotContain("ticks");
    Run again = run("rm", "ticks");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).startsWith("optstore: ").contains("'ticks' not found");
  }

  @Test
  void convertRewritesTheDatasetInAnotherFormat() {
    assertThat(run("--format", "serial", "demo", "--rows", "3000").code()).isZero();
    Run c = run("convert", "ticks", "--to", "hdf5");
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("version 1 (serial").contains("to version 2 (hdf5");
    Run get = run("get", "ticks", "--where", "volume == 341", "--columns", "volume", "-o", "csv");
    assertThat(get.out().lines()).containsExactly("volume", "341");
  }

  @Test
  void itemsPutAndGet() {
    Run put = run("items", "put", "item-1", "{\"value\": 10, \"name\": \"ä\"}");
    assertThat(put.code()).as(put.err()).isZero();
    Run get = run("items", "get", "item-1");
    assertThat(get.code()).isZero();
    assertThat(get.out().trim()).isEqualTo("{\"value\":10,\"name\":\"ä\"}");
    Run missing = run("items", "get", "nope");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("no item 'nope'");
    Run bad = run("items", "put", "x", "[1, 2]");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("JSON is not an object");
  }

  @Test
  void importReadsACsvFile() throws IOException {
    Path csv = dir.resolve("trades.csv");
    Files.writeString(csv, "day,symbol,price\n20230110,ACME,101.5\n20230111,\"Q, Inc\",99\n",
        StandardCharsets.UTF_8);
    Run imp = run("import", "trades", csv.toString(), "--time-column", "day", "--time-pattern",
        "yyyyMMdd");
    assertThat(imp.code()).as(imp.err()).isZero();
    assertThat(imp.out()).contains("imported 2 rows into 'trades' version 1");
    Run get = run("get", "trades", "--from", "2023-01-11", "-o", "csv");
    assertThat(get.out().lines()).containsExactly("day,symbol,price",
        "2023-01-11T00:00:00Z,\"Q, Inc\",99.0");
  }

  @Test
  void csvOutputKeepsNullsAndEmptyStringsApartSoThatItImportsBackTheSame() throws IOException {
    Path csv = dir.resolve("names.csv");
    Files.writeString(csv, "id,name\n1,\"\"\n2,\n3,x\n", StandardCharsets.UTF_8);
    assertThat(run("import", "names", csv.toString()).code()).isZero();
    Run out = run("get", "names", "-o", "csv");
    assertThat(out.code()).isZero();
    assertThat(out.out().lines()).containsExactly("id,name", "1,\"\"", "2,", "3,x");
    Path back = dir.resolve("back.csv");
    Files.writeString(back, out.out(), StandardCharsets.UTF_8);
    assertThat(run("import", "names2", back.toString()).code()).isZero();
    assertThat(run("get", "names2", "--where", "name is null", "-o", "csv").out().lines())
        .containsExactly("id,name", "2,");
    assertThat(run("get", "names2", "--where", "name == ''", "-o", "csv").out().lines())
        .containsExactly("id,name", "1,\"\"");
  }

  @Test
  void timesTakeEveryIsoFormAndARangeBackwardsIsAUsageError() {
    assertThat(run("demo", "--rows", "100").code()).isZero();
    Run spaced = run("get", "ticks", "--from", "2023-01-01 00:01:00", "--to",
        "2023-01-01T00:01:02+00:00", "--columns", "volume", "-o", "csv");
    assertThat(spaced.code()).as(spaced.err()).isZero();
    assertThat(spaced.out().lines()).containsExactly("volume", "1860", "1891");
    Run backwards = run("get", "ticks", "--from", "2023-01-02", "--to", "2023-01-01");
    assertThat(backwards.code()).isEqualTo(2);
    assertThat(backwards.err()).contains("is before its start");
  }

  @Test
  void usageErrorsExitWithTwoAndFailuresWithOneLine() {
    Run noArgs = run("get");
    assertThat(noArgs.code()).isEqualTo(2);
    assertThat(noArgs.err()).contains("Missing required parameter");

    Run badOutput = run("get", "x", "-o", "xml");
    assertThat(badOutput.code()).isEqualTo(2);

    Run badTime = run("get", "x", "--from", "yesterday");
    assertThat(badTime.code()).isEqualTo(2);
    assertThat(badTime.err()).contains("--from 'yesterday' is not an ISO-8601 time");

    Run noCommand = run();
    assertThat(noCommand.code()).isEqualTo(2);
    assertThat(noCommand.err()).contains("Usage: optstore");

    assertThat(run("demo", "--rows", "1000").code()).isZero();
    Run badWhere = run("get", "ticks", "--where", "price >> 3");
    assertThat(badWhere.code()).isEqualTo(2);
    assertThat(badWhere.err()).startsWith("cannot parse predicate \"price >> 3\" at position 7");

    Run badType = run("get", "ticks", "--where", "price > 'high'");
    assertThat(badType.code()).isEqualTo(1);
    assertThat(badType.err().lines()).hasSize(1);
    assertThat(badType.err()).startsWith("optstore: query on dataset 'ticks'")
        .contains("cannot compare FLOAT64 column 'price' with String literal 'high'");

    Run unknown = run("get", "nope");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err().strip()).startsWith("optstore: dataset 'nope' not found")
        .doesNotContain("\tat ");

    Run verbose = run("--verbose", "get", "nope");
    assertThat(verbose.code()).isEqualTo(1);
    assertThat(verbose.err()).contains("DatasetNotFoundException").contains("\tat ");
  }

  @Test
  void demoRefusesANonPositiveRowCount() {
    Run r = run("demo", "--rows", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--rows must be at least 1, got 0");
  }

  @Test
  void aMissingImportFileIsAUsageError() {
    Run r = run("import", "x", dir.resolve("missing.csv").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no such file");
  }
}
