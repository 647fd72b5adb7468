package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceConsumers;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What BusProbe (used by bin/upgrade-check) counts as answered, on real consumers of the event bus. */
class BusProbeTest {
  private Vertx vertx;

  @BeforeEach
  void consumers() {
    vertx = Vertx.vertx();
    new ServiceConsumers(vertx)
        .on("flamingo.test.v1.ok", (body, ctx) -> Future.succeededFuture(Reply.data(new JsonObject())))
        .on("flamingo.test.v1.refuses", (body, ctx) -> {
          throw new ServiceException(401, "Unauthorized");
        })
        .ready().await();
    vertx.eventBus().consumer("flamingo.test.v1.silent", message -> { }); // never replies
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private String probe(String address, String contract) {
    return BusProbe.probe(vertx, address, contract, System.currentTimeMillis() + 1_000).await();
  }

  @Test
  void aReplyOrAServiceFailureIsAnswered() {
    assertEquals("answered (reply)", probe("flamingo.test.v1.ok", RequestContext.CONTRACT_VERSION));
    assertEquals("answered (failure 401: Unauthorized)", probe("flamingo.test.v1.refuses", RequestContext.CONTRACT_VERSION));
  }

  @Test
  void noConsumerATimeoutOrARefusedContractIsUnanswered() {
    assertEquals("unanswered (NO_HANDLERS)", probe("flamingo.test.v1.nobody", RequestContext.CONTRACT_VERSION));
    assertEquals("unanswered (TIMEOUT)", probe("flamingo.test.v1.silent", RequestContext.CONTRACT_VERSION));
    String refused = probe("flamingo.test.v1.ok", "99");
    assertTrue(refused.startsWith("unanswered (Unsupported contract version 99"), refused);
  }
}
