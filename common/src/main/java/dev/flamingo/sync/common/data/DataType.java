package dev.flamingo.sync.common.data;

import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * The data types of the contract (docs/protocol.md): the one place a type is named. Everything else derives
 * from this list: the type check of the blob routes, the sync-config keys and their SQL, the device flow's
 * default config, the default size limits, the list {@code GET /api/server} gives the web pages and scripts.
 * A new type also needs a {@code sync_config} column (a migration) and the contract documents (openapi.json,
 * bus-contracts.json), which tests compare against this list.
 */
public enum DataType {
  HISTORY("history", "sync_history", "History"),
  ENVIRONMENT("environment", "sync_environments", "Environments"),
  SECRET("secret", "sync_secrets", "Secrets"),
  COLLECTION("collection", "sync_collections", "Collections"),
  SETTING("setting", "sync_settings", "Settings");

  /**
   * 5 MiB a blob (decoded) by default, for every type: a 200-entry history with large bodies is a few hundred
   * KiB, so this is generous, and the base64 of 5 MiB (6.7 MiB) plus JSON still fits the gateway's 10 MiB body
   * limit. {@code FLAMINGO_MAX_BLOB_BYTES} overrides it for all types.
   */
  public static final long DEFAULT_MAX_BYTES = 5L * 1024 * 1024;

  /** Every type, in the contract's order. */
  public static final List<DataType> ALL = List.of(values());

  private final String wireName;
  private final String configKey;
  private final String label;

  DataType(String wireName, String configKey, String label) {
    this.wireName = wireName;
    this.configKey = configKey;
    this.label = label;
  }

  /** The name on the wire and in the database's {@code data_type} column, e.g. {@code history}. */
  public String wireName() {
    return wireName;
  }

  /** Its switch in the sync config: the key on the wire and the {@code sync_config} column, e.g. {@code sync_history}. */
  public String configKey() {
    return configKey;
  }

  /** Its name on the web pages, e.g. {@code History}. */
  public String label() {
    return label;
  }

  /** The default largest blob of this type, decoded. */
  public long defaultMaxBytes() {
    return DEFAULT_MAX_BYTES;
  }

  /** The type of this wire name, if any. */
  public static Optional<DataType> of(Object wireName) {
    for (DataType t : ALL) {
      if (t.wireName.equals(wireName)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The type named in a request, or 400 "Invalid data type". */
  public static DataType require(Object wireName) {
    return of(wireName).orElseThrow(() -> new ServiceException(400, "Invalid data type"));
  }

  /** The wire names, in order. */
  public static List<String> wireNames() {
    return ALL.stream().map(DataType::wireName).toList();
  }

  /** The sync-config keys, in order. */
  public static List<String> configKeys() {
    return ALL.stream().map(DataType::configKey).toList();
  }

  /** The default account quota: every type at its full default size. */
  public static long defaultAccountBytes() {
    return ALL.stream().mapToLong(DataType::defaultMaxBytes).sum();
  }

  /** The default largest blob of any type. */
  public static long defaultBlobBytes() {
    return ALL.stream().mapToLong(DataType::defaultMaxBytes).max().orElse(DEFAULT_MAX_BYTES);
  }

  /** The sync config of an account that never changed it: every type on. */
  public static JsonObject defaultConfig() {
    JsonObject config = new JsonObject();
    ALL.forEach(t -> config.put(t.configKey, true));
    return config;
  }

  /** {@code [{name, label, config_key, default_max_bytes}]}, as {@code GET /api/server} gives it. */
  public static JsonArray describe() {
    JsonArray list = new JsonArray();
    ALL.forEach(t -> list.add(new JsonObject().put("name", t.wireName).put("label", t.label)
        .put("config_key", t.configKey).put("default_max_bytes", t.defaultMaxBytes())));
    return list;
  }
}
