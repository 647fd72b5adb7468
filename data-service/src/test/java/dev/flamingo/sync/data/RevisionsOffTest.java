package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static dev.flamingo.sync.data.DataFixture.seal;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FLAMINGO_REVISIONS_KEEP=0 turns revisions off: no write keeps one, not even another device's or a delete. */
class RevisionsOffTest {
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass(new JsonObject().put("FLAMINGO_REVISIONS_KEEP", "0"));

  @Test
  void nothingIsKept() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    f.callAs("d1", Addresses.DATA_BLOB_PUT, account, seal(key, "1").body("history"));
    f.callAs("d2", Addresses.DATA_BLOB_PUT, account, seal(key, "2").body("history"));
    f.callAs("d1", Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", "history"));
    assertEquals(0, f.call(Addresses.DATA_REVISIONS_LIST, account, new JsonObject().put("type", "history"))
        .getJsonObject("data").getInteger("count"));
    try (var c = f.jdbc(); var s = c.prepareStatement("select count(*) from data.blob_revisions where account_id = ?")) {
      s.setLong(1, account);
      try (var rs = s.executeQuery()) {
        rs.next();
        assertEquals(0, rs.getLong(1));
      }
    }
  }
}
