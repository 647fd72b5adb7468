package dev.flamingo.sync.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The bus contract rule (docs/bus-contracts.md), checked: every constant of {@link Addresses} declares a well-formed
 * contract, and the registry ({@link BusContracts}) only adds to the snapshot of the released contracts
 * ({@code src/test/resources/bus-contracts.snapshot.json}). After adding fields or addresses, update the snapshot
 * with {@code mvn -B -q -pl common test -Dtest=BusContractsTest -Dbus.contracts.update=true} (refused while a
 * change is breaking).
 */
class BusContractsTest {
  static final Path SNAPSHOT = Path.of("src", "test", "resources", "bus-contracts.snapshot.json");
  static final Pattern REQUEST = Pattern.compile("flamingo\\.(auth|data|device)\\.v[1-9][0-9]*\\.[a-z0-9.-]+");
  static final Pattern EVENT = Pattern.compile("flamingo\\.events\\.[a-z0-9.-]+");

  static Map<String, String> addressConstants() throws IllegalAccessException {
    Map<String, String> all = new TreeMap<>();
    for (Field f : Addresses.class.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
        all.put(f.getName(), (String) f.get(null));
      }
    }
    return all;
  }

  @Test
  void everyAddressIsInTheRegistryAndNothingElse() throws Exception {
    JsonObject addresses = BusContracts.registry().getJsonObject("addresses");
    assertEquals(new TreeSet<>(addressConstants().values()), new TreeSet<>(addresses.fieldNames()),
        "every constant of Addresses declares its contract, and only those are in the registry");
  }

  @Test
  void addressesAreVersionedAndEntriesWellFormed() {
    JsonObject addresses = BusContracts.registry().getJsonObject("addresses");
    List<String> problems = new ArrayList<>();
    for (String address : addresses.fieldNames()) {
      JsonObject c = addresses.getJsonObject(address);
      String kind = c.getString("kind");
      if (!BusContracts.KINDS.contains(kind)) {
        problems.add(address + ": kind " + kind);
      } else if (!(kind.equals("request") ? REQUEST : EVENT).matcher(address).matches()) {
        problems.add(address + ": a " + kind + " address must look like "
            + (kind.equals("request") ? "flamingo.<auth|data|device>.v<N>.<action>" : "flamingo.events.<topic>"));
      }
      if (!BusContracts.SHAPES.contains(c.getString("reply_shape"))) {
        problems.add(address + ": reply_shape " + c.getString("reply_shape"));
      }
      if (kind != null && kind.equals("event") != "none".equals(c.getString("reply_shape"))) {
        problems.add(address + ": events (only) have reply_shape none");
      }
      for (String part : List.of("request", "reply")) {
        JsonObject fields = c.getJsonObject(part);
        if (fields == null) {
          problems.add(address + ": no " + part);
          continue;
        }
        fields.forEach(e -> {
          String declared = String.valueOf(e.getValue());
          if (part.equals("reply") && BusContracts.required(declared)) {
            problems.add(address + ": reply field " + e.getKey() + " marked required");
          }
          for (String t : BusContracts.type(declared).split("\\|")) {
            if (!BusContracts.TYPES.contains(t)) {
              problems.add(address + ": " + part + " field " + e.getKey() + " has unknown type " + t);
            }
          }
        });
      }
    }
    assertEquals(List.of(), problems);
  }

  /** The release rule itself: this build's contracts only add to the released ones. */
  @Test
  void contractsOnlyAddToTheReleasedSnapshot() throws IOException {
    JsonObject snapshot = new JsonObject(Files.readString(SNAPSHOT, StandardCharsets.UTF_8));
    JsonObject current = BusContracts.registry();
    List<String> breaking = BusContracts.breakingChanges(snapshot, current);
    assertEquals(List.of(), breaking, "A bus contract changed without a new version. Within flamingo.<svc>.v<N>.<action>"
        + " fields may only be added (see docs/bus-contracts.md): make a v<N+1> address instead, and keep the old one"
        + " answering for at least one release.");
    List<String> added = BusContracts.additions(snapshot, current);
    if (Boolean.getBoolean("bus.contracts.update")) {
      Files.writeString(SNAPSHOT, current.encodePrettily() + "\n", StandardCharsets.UTF_8);
      System.out.println("bus contracts: snapshot updated (" + added.size() + " additions)");
    } else if (!added.isEmpty()) {
      System.out.println("bus contracts: " + added.size() + " additions not yet in the snapshot (compatible): " + added);
    }
  }

  // ---- the comparison itself, on small registries: each kind of breaking change is caught, additions pass

  private static JsonObject registry(String contract) {
    return new JsonObject().put("addresses", new JsonObject().put("flamingo.data.v1.thing", new JsonObject(contract)));
  }

  private static final String BASE = "{\"kind\":\"request\",\"context\":[\"account\"],"
      + "\"request\":{\"type\":\"string required\",\"since\":\"integer\"},"
      + "\"reply_shape\":\"object\",\"reply\":{\"version\":\"integer\",\"items\":\"array\"}}";

  private static List<String> against(String changed) {
    return BusContracts.breakingChanges(registry(BASE), registry(changed));
  }

  @Test
  void addingOptionalRequestFieldsAndReplyFieldsIsCompatible() {
    assertEquals(List.of(), against(BASE.replace("\"since\":\"integer\"", "\"since\":\"integer\",\"limit\":\"integer\"")
        .replace("\"items\":\"array\"", "\"items\":\"array\",\"count\":\"integer\"")));
    JsonObject withV2 = registry(BASE);
    withV2.getJsonObject("addresses").put("flamingo.data.v2.thing", new JsonObject(BASE.replace("\"version\":\"integer\",", "")));
    assertEquals(List.of(), BusContracts.breakingChanges(registry(BASE), withV2));
    assertEquals(List.of("flamingo.data.v2.thing: new address"), BusContracts.additions(registry(BASE), withV2));
  }

  @Test
  void removingOrRetypingAFieldIsBreaking() {
    assertEquals(List.of("flamingo.data.v1.thing: reply field version removed"),
        against(BASE.replace("\"version\":\"integer\",", "")));
    assertEquals(List.of("flamingo.data.v1.thing: reply field version changed type from integer to string"),
        against(BASE.replace("\"version\":\"integer\"", "\"version\":\"string\"")));
    assertEquals(List.of("flamingo.data.v1.thing: request field since removed"),
        against(BASE.replace(",\"since\":\"integer\"", "")));
    assertEquals(List.of("flamingo.data.v1.thing: request field since changed type from integer to string"),
        against(BASE.replace("\"since\":\"integer\"", "\"since\":\"string\"")));
    assertEquals(List.of("flamingo.data.v1.thing: reply shape changed from object to array"),
        against(BASE.replace("\"reply_shape\":\"object\"", "\"reply_shape\":\"array\"")));
  }

  @Test
  void newDemandsOnSendersAreBreaking() {
    assertEquals(List.of("flamingo.data.v1.thing: request field since is now required"),
        against(BASE.replace("\"since\":\"integer\"", "\"since\":\"integer required\"")));
    assertEquals(List.of("flamingo.data.v1.thing: new request field limit is required (a new field must be optional)"),
        against(BASE.replace("\"since\":\"integer\"", "\"since\":\"integer\",\"limit\":\"integer required\"")));
    assertEquals(List.of("flamingo.data.v1.thing: now needs the device context, which senders of the old contract do not set"),
        against(BASE.replace("[\"account\"]", "[\"account\",\"device\"]")));
  }

  @Test
  void removingAnAddressIsBreaking() {
    List<String> problems = BusContracts.breakingChanges(registry(BASE), new JsonObject().put("addresses", new JsonObject()));
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).startsWith("flamingo.data.v1.thing: removed"), problems.get(0));
  }
}
