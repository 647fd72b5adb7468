package dev.flamingo.sync.auth.twofactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.auth.AuthVerticle;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.testing.TotpCodes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A KEK rotation: auth-service seals the TOTP secrets again under the new KEK at start; the codes keep working. */
class TotpKekRotationTest extends AuthServiceTestBase {

  @Test
  void aNewKekTakesOverTheTotpSecretsAtStart() throws Exception {
    JsonObject account = register();
    long id = account.getLong("account_id");
    String secret = data(Addresses.AUTH_TOTP_BEGIN, new JsonObject(), as(id)).getString("secret");
    TotpCodes.freshStep(5);
    call(Addresses.AUTH_TOTP_CONFIRM, new JsonObject().put("code", TotpCodes.now(secret)), as(id));
    assertEquals("k1", scalar("select kek_id from auth.totp_factors where account_id = ?", id));

    vertx.undeploy(vertx.deploymentIDs().iterator().next()).await();
    String newKek = Base64.getEncoder().encodeToString(Tokens.randomBytes(32));
    vertx.deployVerticle(new AuthVerticle(), new DeploymentOptions().setConfig(config.copy().put("FLAMINGO_KEK", newKek)
        .put("FLAMINGO_KEK_ID", "k2").put("FLAMINGO_KEK_PREVIOUS", "k1:" + KEK))).await();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!"k2".equals(scalar("select kek_id from auth.totp_factors where account_id = ?", id))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals("k2", scalar("select kek_id from auth.totp_factors where account_id = ?", id));

    // the old KEK can go: a server with the new one alone still checks the codes
    vertx.undeploy(vertx.deploymentIDs().iterator().next()).await();
    vertx.deployVerticle(new AuthVerticle(), new DeploymentOptions().setConfig(config.copy().put("FLAMINGO_KEK", newKek)
        .put("FLAMINGO_KEK_ID", "k2"))).await();
    String token = data(Addresses.AUTH_LOGIN, new JsonObject().put("email", account.getString("email"))
        .put("password", PASSWORD), anon()).getJsonObject("second_step").getString("token");
    TotpCodes.freshStep(31); // the enrollment took this step's code
    assertNotNull(data(Addresses.AUTH_SECOND_STEP, new JsonObject().put("token", token).put("code", TotpCodes.now(secret)),
        anon()).getString("browser_token"));
  }
}
