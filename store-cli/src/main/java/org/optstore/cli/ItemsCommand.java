package org.optstore.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.optstore.DataStore;
import org.optstore.DataStoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The item store: {@code items put ID JSON}, {@code items get ID}. */
@Command(name = "items", description = "Put and get items (JSON objects) by id.",
    subcommands = {ItemsCommand.Put.class, ItemsCommand.Get.class})
final class ItemsCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  OptstoreCli root;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** Stores an item. */
  @Command(name = "put", description = "Store a JSON object under an id.")
  static final class Put implements Callable<Integer> {
    @ParentCommand
    ItemsCommand items;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "JSON", description = "A JSON object, e.g. '{\"value\": 10}'.")
    String json;

    @Override
    public Integer call() {
      Map<String, Object> item;
      try {
        item = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
      } catch (JsonProcessingException e) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "JSON is not an object: " + e.getOriginalMessage());
      }
      try (DataStore store = items.root.open(false)) {
        store.putItem(id, item);
      }
      spec.commandLine().getOut().printf("stored item '%s'%n", id);
      return 0;
    }
  }

  /** Prints an item. */
  @Command(name = "get", description = "Print the JSON object stored under an id.")
  static final class Get implements Callable<Integer> {
    @ParentCommand
    ItemsCommand items;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws JsonProcessingException {
      Optional<Map<String, Object>> item;
      // the item store needs the writer (Chronicle Map cannot be opened read-only)
      try (DataStore store = items.root.open(false)) {
        item = store.getItem(id);
      }
      if (item.isEmpty()) {
        throw new DataStoreException("no item '" + id + "' in "
            + items.root.basePath.toAbsolutePath());
      }
      spec.commandLine().getOut().println(JSON.writeValueAsString(item.get()));
      return 0;
    }
  }
}
