package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static dev.flamingo.sync.data.DataFixture.seal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.ops.Observability;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code flamingo_db_statements_total{service="data"}} is on the node's Prometheus scrape and moves by one a PUT. */
class StatementMetricTest {
  static final Pattern LINE = Pattern.compile("(?m)^flamingo_db_statements_total\\{service=\"data\"} ([0-9.E]+)$");
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass(() -> Vertx.vertx(Observability.vertxOptions()), new JsonObject());

  static double scraped() {
    String text = ((PrometheusMeterRegistry) BackendRegistries.getDefaultNow()).scrape();
    Matcher m = LINE.matcher(text);
    assertTrue(m.find(), "flamingo_db_statements_total{service=\"data\"} is not on /metrics");
    return Double.parseDouble(m.group(1));
  }

  @Test
  void aBlobPutMovesTheCounterByOne() {
    long account = DataFixture.newAccount();
    double before = scraped();
    f.call(Addresses.DATA_BLOB_PUT, account, seal(randomBytes(32), "[]").body("history"));
    assertEquals(before + 1, scraped());
  }
}
