package dev.flamingo.sync.data.support;

import dev.flamingo.sync.common.bus.ServiceException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The five data types of the contract and the sync-config switch of each. */
public final class DataTypes {
  public static final Map<String, String> CONFIG_KEY = new LinkedHashMap<>();

  static {
    CONFIG_KEY.put("history", "sync_history");
    CONFIG_KEY.put("environment", "sync_environments");
    CONFIG_KEY.put("secret", "sync_secrets");
    CONFIG_KEY.put("collection", "sync_collections");
    CONFIG_KEY.put("setting", "sync_settings");
  }

  private DataTypes() {}

  /** The type named in the request, or 400 "Invalid data type". */
  public static String require(Object type) {
    if (type instanceof String s && CONFIG_KEY.containsKey(s)) {
      return s;
    }
    throw new ServiceException(400, "Invalid data type");
  }
}
