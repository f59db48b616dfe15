package org.optstore.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.optstore.DataStore;

/**
 * A writer in its own JVM, driven through stdin ({@code write N}, {@code exit}) and answering on
 * stdout, for the tests of what a second process sees.
 */
public final class WriterProcess {
  private WriterProcess() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    StoreConfig config = StoreConfig.builder().basePath(Path.of(args[0])).format("testcol")
        .maxWorkers(1).build();
    try (DataStore store = DataStores.open(config);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
            StandardCharsets.UTF_8))) {
      out.println("ready " + ProcessHandle.current().pid());
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("write ")) {
          int n = Integer.parseInt(line.substring(6));
          out.println("written " + store.store("t", TestStores.ticks(n), Map.of()).version());
        } else if (line.equals("exit")) {
          break;
        }
      }
    }
    out.println("closed");
  }
}
