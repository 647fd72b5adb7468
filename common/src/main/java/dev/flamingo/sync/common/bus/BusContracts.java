package dev.flamingo.sync.common.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The bus contract of every address, machine-readable: the registry that the constants of {@link Addresses} declare
 * (request fields with their types and whether they are required, the request-context headers a handler needs, the
 * reply's shape and fields). {@link #breakingChanges} compares two versions of it the way the release rule does
 * (docs/bus-contracts.md): within one versioned address, fields may be added (a new request field only as optional),
 * never removed, retyped or made required, and a handler never starts to need more context; a breaking change is a
 * new {@code v<N+1>} address. The test in common keeps this registry compatible with the snapshot of the last
 * release's contracts.
 */
public final class BusContracts {
  static final Set<String> KINDS = Set.of("request", "event");
  static final Set<String> SHAPES = Set.of("object", "array", "message", "none");
  static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "object", "array", "any", "null");
  static final String REQUIRED = " required";
  static final String ABOUT = "The bus contract of every address, as declared in Addresses.java. kind: request (one"
      + " instance answers) or event (published). context: the request-context headers the handler requires (account,"
      + " session, device). request: the body's fields (events: the payload); a type ending in ' required' must be"
      + " sent. reply_shape: object | array (of objects with the reply fields) | message (data null, a message) | none."
      + " reply: the fields of the reply's data. Types: string, integer, number, boolean, object, array, any, or"
      + " alternatives joined by '|'. The rule and how to change a contract: docs/bus-contracts.md.";

  private BusContracts() {}

  /** The registry of this build: {about, addresses: {address: contract}}. */
  public static JsonObject registry() {
    return new JsonObject().put("about", ABOUT).put("addresses", Addresses.contracts());
  }

  /** The type of a field without its " required" mark. */
  public static String type(String declared) {
    return declared.endsWith(REQUIRED) ? declared.substring(0, declared.length() - REQUIRED.length()) : declared;
  }

  public static boolean required(String declared) {
    return declared.endsWith(REQUIRED);
  }

  /**
   * What in {@code current} breaks a sender or a receiver built against {@code previous} (both registries):
   * one line per problem, empty when {@code current} only adds. An address of {@code previous} missing from
   * {@code current} is a problem too: an address keeps answering at least one release after its successor.
   */
  public static List<String> breakingChanges(JsonObject previous, JsonObject current) {
    List<String> problems = new ArrayList<>();
    JsonObject before = previous.getJsonObject("addresses");
    JsonObject now = current.getJsonObject("addresses");
    for (String address : before.fieldNames()) {
      JsonObject was = before.getJsonObject(address);
      JsonObject is = now.getJsonObject(address);
      if (is == null) {
        problems.add(address + ": removed (keep it answering for at least one release after its successor; then drop it"
            + " from the snapshot by hand)");
        continue;
      }
      if (!was.getString("kind").equals(is.getString("kind"))) {
        problems.add(address + ": kind changed from " + was.getString("kind") + " to " + is.getString("kind"));
      }
      JsonArray wasContext = was.getJsonArray("context", new JsonArray());
      for (Object c : is.getJsonArray("context", new JsonArray())) {
        if (!wasContext.contains(c)) {
          problems.add(address + ": now needs the " + c + " context, which senders of the old contract do not set");
        }
      }
      JsonObject wasRequest = was.getJsonObject("request", new JsonObject());
      JsonObject isRequest = is.getJsonObject("request", new JsonObject());
      for (String field : wasRequest.fieldNames()) {
        String w = wasRequest.getString(field);
        String i = isRequest.getString(field);
        if (i == null) {
          problems.add(address + ": request field " + field + " removed");
        } else if (!type(w).equals(type(i))) {
          problems.add(address + ": request field " + field + " changed type from " + type(w) + " to " + type(i));
        } else if (required(i) && !required(w)) {
          problems.add(address + ": request field " + field + " is now required");
        }
      }
      for (String field : isRequest.fieldNames()) {
        if (!wasRequest.containsKey(field) && required(isRequest.getString(field))) {
          problems.add(address + ": new request field " + field + " is required (a new field must be optional)");
        }
      }
      if (!was.getString("reply_shape").equals(is.getString("reply_shape"))) {
        problems.add(address + ": reply shape changed from " + was.getString("reply_shape") + " to "
            + is.getString("reply_shape"));
      }
      JsonObject wasReply = was.getJsonObject("reply", new JsonObject());
      JsonObject isReply = is.getJsonObject("reply", new JsonObject());
      for (String field : wasReply.fieldNames()) {
        String i = isReply.getString(field);
        if (i == null) {
          problems.add(address + ": reply field " + field + " removed");
        } else if (!type(wasReply.getString(field)).equals(type(i))) {
          problems.add(address + ": reply field " + field + " changed type from " + type(wasReply.getString(field))
              + " to " + type(i));
        }
      }
    }
    return problems;
  }

  /** What {@code current} adds to {@code previous} (addresses and fields): one line each. */
  public static List<String> additions(JsonObject previous, JsonObject current) {
    List<String> added = new ArrayList<>();
    JsonObject before = previous.getJsonObject("addresses");
    JsonObject now = current.getJsonObject("addresses");
    for (String address : now.fieldNames()) {
      JsonObject was = before.getJsonObject(address);
      if (was == null) {
        added.add(address + ": new address");
        continue;
      }
      for (String part : List.of("request", "reply")) {
        JsonObject w = was.getJsonObject(part, new JsonObject());
        for (String field : now.getJsonObject(address).getJsonObject(part, new JsonObject()).fieldNames()) {
          if (!w.containsKey(field)) {
            added.add(address + ": new " + part + " field " + field);
          }
        }
      }
    }
    return added;
  }
}
