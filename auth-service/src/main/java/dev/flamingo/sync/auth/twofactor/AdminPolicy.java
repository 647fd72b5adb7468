package dev.flamingo.sync.auth.twofactor;

import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import java.util.Locale;

/** FLAMINGO_ADMIN_2FA: {@code required} (the default: an admin without a second factor may not use admin routes) or {@code optional}. */
public record AdminPolicy(boolean required) {
  public static AdminPolicy of(Settings settings) {
    String value = settings.string(Setting.ADMIN_2FA);
    String v = value == null ? "required" : value.trim().toLowerCase(Locale.ROOT);
    if (!v.equals("required") && !v.equals("optional")) {
      throw new IllegalStateException(Setting.ADMIN_2FA.key() + " is required or optional, not '" + value + "'");
    }
    return new AdminPolicy(v.equals("required"));
  }
}
