package dev.flamingo.sync.gateway;

import dev.flamingo.sync.common.bus.AuditEvents;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.launch.PortInUse;
import dev.flamingo.sync.common.ops.Observability;
import dev.flamingo.sync.gateway.admin.AccountDeletions;
import dev.flamingo.sync.gateway.admin.AdminRoutes;
import dev.flamingo.sync.gateway.auth.Authenticator;
import dev.flamingo.sync.gateway.auth.LoginCookie;
import dev.flamingo.sync.gateway.auth.SameOrigin;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.ClientAddress;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.HttpFailures;
import dev.flamingo.sync.gateway.http.JsonContentType;
import dev.flamingo.sync.gateway.http.InvalidRequests;
import dev.flamingo.sync.gateway.http.RequestRate;
import dev.flamingo.sync.gateway.http.TransportSecurity;
import dev.flamingo.sync.gateway.limits.LimitChain;
import dev.flamingo.sync.gateway.limits.RateLimiter;
import dev.flamingo.sync.gateway.limits.RateLimits;
import dev.flamingo.sync.gateway.routes.AccountRoutes;
import dev.flamingo.sync.gateway.routes.Cors;
import dev.flamingo.sync.gateway.routes.DataRoutes;
import dev.flamingo.sync.gateway.routes.DeviceRoutes;
import dev.flamingo.sync.gateway.routes.HealthRoutes;
import dev.flamingo.sync.gateway.routes.PageRoutes;
import dev.flamingo.sync.gateway.routes.RevisionRoutes;
import dev.flamingo.sync.gateway.routes.PasskeyRoutes;
import dev.flamingo.sync.gateway.routes.ServerRoutes;
import dev.flamingo.sync.gateway.routes.SyncRoutes;
import dev.flamingo.sync.gateway.routes.WebRoutes;
import dev.flamingo.sync.gateway.syncstatus.SyncStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only HTTP entry: routes, authentication, limits; every answer is the JSON envelope. It holds no
 * state that matters and never touches the database: it talks to the services over the event bus.
 */
public class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private final RateLimits limits;
  private HttpServer server;
  private Router router;
  private RequestRate requestRate;
  private SyncStatus syncStatus;
  private long syncStatusTimer = -1;

  /** A gateway with rate limits of its own. */
  public GatewayVerticle() {
    this(new RateLimits());
  }

  /** A gateway sharing its rate limits with the other instances of this process. */
  public GatewayVerticle(RateLimits limits) {
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    String publicUrl = settings.publicUrl();
    Observability.registerHttpMeters(); // scraped at 0 before the first request
    BusForwarder bus = new BusForwarder(vertx, settings.number(Setting.BUS_TIMEOUT_MS));
    LoginCookie loginCookie = new LoginCookie(publicUrl);
    Authenticator auth = new Authenticator(vertx, bus, settings.number(Setting.AUTH_CACHE_SECONDS) * 1000)
        .useCookie(loginCookie.name());
    SameOrigin sameOrigin = new SameOrigin(publicUrl);
    AuditEvents audit = new AuditEvents(vertx);

    router = Router.router(vertx);
    HttpFailures.install(router);
    if (TransportSecurity.applies(publicUrl)) {
      router.route().handler(new TransportSecurity());
    }
    router.route().handler(new Contexts(new ClientAddress(settings.list(Setting.TRUSTED_PROXIES))));
    requestRate = new RequestRate(vertx);
    router.route().handler(requestRate);
    Handler<RoutingContext> timeout =
        TimeoutHandler.create(settings.number(Setting.REQUEST_TIMEOUT_MS), 503);
    // the export streams for as long as the client reads (it bounds itself): a 503 midway would cut it
    router.route().handler(ctx -> {
      if (WebRoutes.EXPORT_PATH.equals(ctx.normalizedPath())) {
        ctx.next();
      } else {
        timeout.handle(ctx);
      }
    });
    router.route("/api/sync/*").handler(new Cors());
    router.route("/api/devices*").handler(new Cors());
    router.route("/api/audit").handler(new Cors());
    syncStatus = new SyncStatus(vertx);
    syncStatusTimer = vertx.setPeriodic(settings.number(Setting.SYNC_STATUS_FLUSH_MS), id -> syncStatus.flush());
    DataRoutes data = new DataRoutes(bus, syncStatus);
    long maxBodyBytes = settings.number(Setting.MAX_BODY_BYTES);
    long maxJsonBytes = settings.number(Setting.MAX_JSON_BYTES);
    // blob uploads first: authenticated before their (large) body is read; every other route gets a small body
    data.mountUploads(router, auth, maxBodyBytes);
    router.route("/api/*").handler(JsonContentType::require); // 415 for a body that is not JSON, before it is read
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(maxJsonBytes))
        .handler(JsonContentType::require);

    AccountRoutes accounts = new AccountRoutes(bus, loginCookie);
    LimitChain loginLimit = new LimitChain(limiter(audit, "login", settings.string(Setting.RATE_LIMIT_LOGIN)),
        limits.perLoginEmail(vertx, "login_email", settings.string(Setting.RATE_LIMIT_LOGIN_EMAIL),
            hit -> rateLimitHit(audit, hit)));
    accounts.mount(router, auth, sameOrigin,
        limiter(audit, "register", settings.string(Setting.RATE_LIMIT_REGISTER)), loginLimit);
    new SyncRoutes(bus, publicUrl).mount(router, auth, sameOrigin,
        limiter(audit, "init", settings.string(Setting.RATE_LIMIT_INIT)),
        limiter(audit, "token", settings.string(Setting.RATE_LIMIT_TOKEN)),
        new LimitChain(limits.failuresPerIp(vertx, "claim", settings.string(Setting.RATE_LIMIT_CLAIM),
                hit -> rateLimitHit(audit, hit)),
            limits.failuresPerAccount(vertx, "claim_account", settings.string(Setting.RATE_LIMIT_CLAIM_ACCOUNT),
                hit -> rateLimitHit(audit, hit))));
    data.mount(router, auth);
    RevisionRoutes revisions = new RevisionRoutes(bus);
    revisions.mount(router, auth);
    new DeviceRoutes(bus).mount(router, auth);
    new HealthRoutes(vertx, bus).mount(router, openApi());
    new ServerRoutes(publicUrl, maxBodyBytes, maxJsonBytes)
        .mount(router, limiter(audit, "server", settings.string(Setting.RATE_LIMIT_SERVER)));
    AccountDeletions deletions = new AccountDeletions(bus);
    new WebRoutes(bus, accounts, deletions).mount(router, auth, sameOrigin, limits.perAccount(vertx, "export",
        settings.string(Setting.RATE_LIMIT_EXPORT), hit -> rateLimitHit(audit, hit)));
    revisions.mountWeb(router); // behind WebRoutes' same-origin and login guard
    new PasskeyRoutes(bus, accounts).mount(router, sameOrigin, loginLimit,
        limiter(audit, "passkey", settings.string(Setting.RATE_LIMIT_LOGIN)));
    new AdminRoutes(bus, publicUrl, deletions, requestRate).mount(router, auth, sameOrigin);
    new PageRoutes().mount(router, auth);

    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(settings.string(Setting.HTTP_HOST))
        .setPort(settings.integer(Setting.HTTP_PORT))
        .setCompressionSupported(true)
        .setIdleTimeout(settings.integer(Setting.IDLE_TIMEOUT_SECONDS)));
    server.invalidRequestHandler(new InvalidRequests());
    String host = settings.string(Setting.HTTP_HOST);
    int port = settings.integer(Setting.HTTP_PORT);
    return auth.listen().compose(v -> requestRate.start())
        .compose(v -> PortInUse.named(server.requestHandler(router).listen(), Settings.HTTP_PORT, host, port))
        .onSuccess(s -> {
          // every instance binds the same port (Vert.x shares it): the first one to listen says so
          if (vertx.sharedData().getLocalMap("flamingo.gateway").putIfAbsent("listening:" + s.actualPort(), true) == null) {
            LOG.info("Gateway listening on port {} (public URL {})", s.actualPort(), publicUrl);
          }
        });
  }

  private static Buffer openApi() {
    try (var in = GatewayVerticle.class.getResourceAsStream("/openapi.json")) {
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("openapi.json missing from the gateway jar", e);
    }
  }

  /** The router, for tests that compare it with the OpenAPI document. */
  public Router router() {
    return router;
  }

  /** The port actually bound (useful with port 0 in tests). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (requestRate != null) {
      requestRate.stop();
    }
    if (syncStatus != null) {
      vertx.cancelTimer(syncStatusTimer);
      syncStatus.flush(); // what this gateway saw since its last flush
    }
    if (server != null && server.actualPort() > 0) {
      vertx.sharedData().getLocalMap("flamingo.gateway").remove("listening:" + server.actualPort());
    }
    return server == null ? Future.succeededFuture() : server.shutdown();
  }

  private RateLimiter limiter(AuditEvents audit, String name, String spec) {
    return limits.perIp(vertx, name, spec, hit -> rateLimitHit(audit, hit));
  }

  private static void rateLimitHit(AuditEvents audit, JsonObject hit) {
    audit.publish("rate_limit.hit", RequestContext.anonymous(null, hit.getString("ip"), null), null, null,
        new JsonObject().put("limit", hit.getString("limit")));
  }
}
