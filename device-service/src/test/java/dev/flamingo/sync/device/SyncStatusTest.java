package dev.flamingo.sync.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateways' sync-status reports ({@code EVENT_DEVICE_SYNC}) as the device list shows them: the newest of each
 * outcome wins whatever order reports arrive in; an entry naming another account's device, an unknown type or
 * nothing that happened is ignored.
 */
class SyncStatusTest {
  @RegisterExtension
  static final Fixture f = new Fixture();

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void newestOutcomesWinAndForeignOrInvalidEntriesAreIgnored() {
    long account = Fixture.newAccount();
    long other = Fixture.newAccount();
    String device = f.createDevice(account, "Laptop A", Instant.now().minusSeconds(60));
    f.createDevice(other, "Intruder", Instant.now().minusSeconds(60));

    report(entry(device, account, "environment").put("upload_at", at(10)),
        entry(device, account, "setting").put("refused_at", at(20)).put("refused_status", 413)
            .put("refused_message", "Storage quota exceeded"),
        entry(device, other, "history").put("upload_at", at(10)), // the device is not the other account's
        entry(device, account, "bogus").put("upload_at", at(10)),
        entry(device, account, "secret"), // nothing happened
        entry("not-a-uuid", account, "collection").put("upload_at", at(10)));
    Fixture.awaitTrue(() -> sync(account, device).size() == 2, "the two valid entries listed");

    // older outcomes than those stored change nothing; newer ones replace them (the download marks this report)
    report(entry(device, account, "environment").put("upload_at", at(5)).put("download_at", at(30)),
        entry(device, account, "setting").put("refused_at", at(15)).put("refused_status", 400)
            .put("refused_message", "older"));
    report(entry(device, account, "setting").put("refused_at", at(40)).put("refused_status", 409)
        .put("refused_message", "This type is not synced"));
    Fixture.awaitTrue(() -> at(30).equals(sync(account, device).getJsonObject(0).getString("last_download_at"))
        && Integer.valueOf(409).equals(sync(account, device).getJsonObject(1).getInteger("last_refused_status")),
        "both later reports written");

    JsonArray sync = sync(account, device);
    assertEquals(2, sync.size(), sync.encode());
    JsonObject environment = sync.getJsonObject(0);
    assertEquals("environment", environment.getString("type"));
    assertEquals(at(10), environment.getString("last_upload_at"), "an older upload does not replace a newer one");
    assertNull(environment.getString("last_refused_at"));
    JsonObject setting = sync.getJsonObject(1);
    assertEquals("setting", setting.getString("type"));
    assertEquals(at(40), setting.getString("last_refused_at"));
    assertEquals("This type is not synced", setting.getString("last_refused_message"));
    assertNull(setting.getString("last_upload_at"));
  }

  private static void report(JsonObject... entries) {
    f.vertx.eventBus().send(Addresses.EVENT_DEVICE_SYNC,
        new JsonObject().put("entries", new JsonArray(List.of((Object[]) entries))));
  }

  private static JsonObject entry(String device, long account, String type) {
    return new JsonObject().put("device_id", device).put("account_id", account).put("type", type);
  }

  private static String at(int minutes) {
    return T.plusSeconds(minutes * 60L).toString();
  }

  private static JsonArray sync(long account, String device) {
    JsonArray devices = f.devices(account, null);
    for (int i = 0; i < devices.size(); i++) {
      if (device.equals(devices.getJsonObject(i).getString("id"))) {
        return devices.getJsonObject(i).getJsonArray("sync");
      }
    }
    throw new AssertionError("device " + device + " not listed: " + devices.encode());
  }
}
