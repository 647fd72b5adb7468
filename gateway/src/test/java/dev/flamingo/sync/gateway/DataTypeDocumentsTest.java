package dev.flamingo.sync.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.BusContracts;
import dev.flamingo.sync.common.data.DataType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documents that spell the data types out follow {@link DataType}: every type enum of openapi.json is the
 * enum's list, the sync-config objects (openapi.json and bus-contracts.json) have its keys, and the web
 * pages name none of them (they read {@code GET /api/server}'s {@code data_types}).
 */
class DataTypeDocumentsTest {
  static final Set<String> NAMES = Set.copyOf(DataType.wireNames());
  static final Set<String> KEYS = Set.copyOf(DataType.configKeys());

  @Test
  void everyTypeEnumOfTheOpenApiDocumentIsTheEnumsList() throws IOException {
    List<JsonArray> enums = new ArrayList<>();
    walk(openApi(), node -> {
      if (node instanceof JsonObject o && o.getValue("enum") instanceof JsonArray values
          && values.stream().anyMatch(NAMES::contains)) {
        enums.add(values);
      }
    });
    assertFalse(enums.isEmpty(), "openapi.json documents the type enum");
    enums.forEach(values -> assertEquals(DataType.wireNames(), values.getList(), "an enum of openapi.json"));
  }

  /**
   * Every object naming a config key names only config keys, and the full config objects (GET/PUT
   * /api/sync/config in openapi.json; config.get and config.put in bus-contracts.json) name all of them. (PUT
   * /api/web/config's body documents only {@code sync_history} as an example of the same partial update.)
   */
  @Test
  void everySyncConfigObjectHasTheConfigKeys() throws IOException {
    assertTrue(full(openApi()) >= 1, "openapi.json: the /api/sync/config object names every config key");
    assertEquals(3, full(BusContracts.registry().getJsonObject("addresses")), "bus-contracts.json: config.get, config.put");
  }

  /** How many objects in the tree hold every config key; fails on a sync_* key that is not one. */
  static int full(JsonObject document) {
    List<Set<String>> found = new ArrayList<>();
    walk(document, node -> {
      if (node instanceof JsonObject o && o.fieldNames().stream().anyMatch(KEYS::contains)) {
        Set<String> keys = new TreeSet<>(o.fieldNames().stream().filter(k -> k.startsWith("sync_")).toList());
        assertTrue(KEYS.containsAll(keys), "not a config key in " + keys);
        found.add(keys);
      }
    });
    return (int) found.stream().filter(keys -> keys.equals(KEYS)).count();
  }

  @Test
  void thePagesNameNoTypeAndNoConfigKey() throws IOException, URISyntaxException {
    Path webroot = Path.of(getClass().getResource("/webroot").toURI());
    List<Path> pages;
    try (Stream<Path> files = Files.walk(webroot)) {
      pages = files.filter(p -> p.toString().endsWith(".js") || p.toString().endsWith(".html")).toList();
    }
    assertTrue(pages.size() >= 4, "pages: " + pages);
    for (Path page : pages) {
      String text = Files.readString(page, StandardCharsets.UTF_8);
      for (DataType type : DataType.ALL) {
        assertFalse(text.contains(type.configKey()), page + " names " + type.configKey());
        assertFalse(text.contains('"' + type.wireName() + '"') || text.contains("'" + type.wireName() + "'"),
            page + " names the type " + type.wireName());
      }
    }
  }

  static JsonObject openApi() throws IOException {
    try (InputStream in = DataTypeDocumentsTest.class.getResourceAsStream("/openapi.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Every object and array in the tree, depth first. */
  static void walk(Object node, Consumer<Object> visit) {
    visit.accept(node);
    if (node instanceof JsonObject o) {
      o.forEach(e -> walk(e.getValue(), visit));
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> walk(v, visit));
    }
  }
}
