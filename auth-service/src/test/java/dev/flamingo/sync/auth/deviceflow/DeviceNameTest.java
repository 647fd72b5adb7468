package dev.flamingo.sync.auth.deviceflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The device name and type a client sends at init are shown to people: no control or bidi characters. */
class DeviceNameTest extends AuthServiceTestBase {
  static final String REFUSED = "device_name must not contain control or bidirectional formatting characters";

  JsonObject init(String name, String type) {
    return new JsonObject().put("device_name", name).put("device_type", type);
  }

  @Test
  void controlAndBidiCharactersAreRefused() {
    int[] forbidden = {0x00, 0x07, 0x0A, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C,
        0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069};
    for (int c : forbidden) {
      String name = "Work " + new String(Character.toChars(c)) + "laptop";
      assertFails(400, REFUSED, Addresses.AUTH_SYNC_INIT, init(name, "desktop"), anon());
    }
    assertFails(400, "device_type must not contain control or bidirectional formatting characters",
        Addresses.AUTH_SYNC_INIT, init("Work laptop", "desk\u202Etop"), anon());
  }

  @Test
  void ordinaryNamesInAnyScriptPass() {
    for (String name : new String[] {"Work laptop", "Ноутбук", "ラップトップ", "حاسوب العمل", "Dad's PC 🐧", "tab\u00A0nbsp"}) {
      String temp = data(Addresses.AUTH_SYNC_INIT, init(name, "desktop"), anon()).getString("temp_token");
      JsonObject described = data(Addresses.AUTH_SYNC_DESCRIBE, new JsonObject().put("temp_token", temp), anon());
      assertEquals(name, described.getString("device_name"));
    }
  }
}
