package dev.flamingo.sync.gateway.admin;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.gateway.auth.Authenticator;
import dev.flamingo.sync.gateway.auth.SameOrigin;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import dev.flamingo.sync.gateway.http.JsonBodies;
import dev.flamingo.sync.gateway.http.RequestRate;
import dev.flamingo.sync.common.bus.Failures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The admin API (docs/operating.md): the browser login of an account holding the admin role, same-origin
 * only. The list joins auth-service's accounts with data-service's usage and device-service's activity; the
 * figures add the gateways' request rate. auth-service checks the admin again on its own addresses, and audits.
 */
public final class AdminRoutes {
  private final BusForwarder bus;
  private final String publicUrl;
  private final AccountDeletions deletions;
  private final RequestRate rate;

  public AdminRoutes(BusForwarder bus, String publicUrl, AccountDeletions deletions, RequestRate rate) {
    this.bus = bus;
    this.publicUrl = publicUrl;
    this.deletions = deletions;
    this.rate = rate;
  }

  public void mount(Router router, Authenticator auth, SameOrigin sameOrigin) {
    router.route("/api/admin/*").handler(sameOrigin).handler(auth::requireBrowser).handler(Authenticator::requireAdmin);
    router.get("/api/admin/accounts").handler(this::accounts);
    router.post("/api/admin/accounts/:id/disable").handler(ctx -> state(ctx, true));
    router.post("/api/admin/accounts/:id/enable").handler(ctx -> state(ctx, false));
    router.post("/api/admin/accounts/:id/sign-out").handler(ctx ->
        withAccount(ctx, id -> bus.forward(ctx, Addresses.AUTH_ADMIN_SIGN_OUT, new JsonObject().put("account_id", id))));
    router.delete("/api/admin/accounts/:id").handler(ctx -> withAccount(ctx, id ->
        deletions.delete(Contexts.get(ctx), new JsonObject().put("account_id", id)).onComplete(ar -> Envelope.result(ctx, ar))));
    router.put("/api/admin/accounts/:id/quota").handler(this::quota);
    router.post("/api/admin/accounts/:id/reset-password").handler(ctx -> withAccount(ctx, id -> resetPassword(ctx, id)));
    router.get("/api/admin/signups").handler(ctx -> bus.forward(ctx, Addresses.AUTH_SIGNUPS_GET, new JsonObject()));
    router.put("/api/admin/signups").handler(ctx -> bus.forward(ctx, Addresses.AUTH_ADMIN_SIGNUPS_PUT, JsonBodies.object(ctx)));
    router.get("/api/admin/invites").handler(ctx -> bus.forward(ctx, Addresses.AUTH_ADMIN_INVITES_LIST, new JsonObject()));
    router.post("/api/admin/invites").handler(this::createInvite);
    router.delete("/api/admin/invites/:id").handler(ctx ->
        bus.forward(ctx, Addresses.AUTH_ADMIN_INVITES_REVOKE, new JsonObject().put("id", ctx.pathParam("id"))));
    router.get("/api/admin/figures").handler(this::figures);
    router.post("/api/admin/accounts/:id/role").handler(ctx -> withAccount(ctx, id -> {
      JsonObject body = JsonBodies.object(ctx);
      bus.forward(ctx, Addresses.AUTH_ADMIN_ROLE, new JsonObject().put("account_id", id)
          .put("admin", body.getValue("admin")).put("password", body.getValue("password")));
    }));
    router.get("/api/admin/log").handler(ctx -> bus.forward(ctx, Addresses.AUTH_ADMIN_LOG, new JsonObject()
        .put("limit", ctx.request().getParam("limit")).put("before", ctx.request().getParam("before"))));
  }

  /** {accounts: [{account_id, email, created_at, disabled, is_admin, last_seen_at, devices, bytes, revision_bytes, quota_bytes}], total}. */
  private void accounts(RoutingContext ctx) {
    RequestContext context = Contexts.get(ctx);
    JsonObject query = new JsonObject().put("q", ctx.request().getParam("q"))
        .put("limit", ctx.request().getParam("limit")).put("offset", ctx.request().getParam("offset"));
    bus.request(context, Addresses.AUTH_ADMIN_ACCOUNTS, query).compose(listed -> {
      JsonObject page = listed.getJsonObject("data");
      JsonArray accounts = page.getJsonArray("accounts");
      JsonArray ids = new JsonArray();
      accounts.forEach(a -> ids.add(((JsonObject) a).getLong("account_id")));
      JsonObject which = new JsonObject().put("account_ids", ids);
      Future<JsonObject> usage = bus.request(context, Addresses.DATA_ADMIN_USAGE, which);
      Future<JsonObject> activity = bus.request(context, Addresses.DEVICE_ADMIN_ACTIVITY, which);
      return Future.all(usage, activity).map(r -> {
        JsonObject used = usage.result().getJsonObject("data");
        JsonObject seen = activity.result().getJsonObject("data").getJsonObject("activity");
        accounts.forEach(o -> {
          JsonObject a = (JsonObject) o;
          String id = String.valueOf(a.getLong("account_id"));
          JsonObject u = used.getJsonObject("usage").getJsonObject(id, new JsonObject());
          JsonObject d = seen.getJsonObject(id, new JsonObject());
          a.put("last_seen_at", d.getValue("last_seen_at")).put("devices", d.getLong("devices", 0L))
              .put("bytes", u.getLong("bytes", 0L)).put("revision_bytes", u.getLong("revision_bytes", 0L))
              .put("quota_bytes", u.getValue("quota_bytes"));
        });
        return new JsonObject().put("accounts", accounts).put("total", page.getValue("total"))
            .put("default_quota_bytes", used.getValue("default_quota_bytes"));
      });
    }).map(data -> new JsonObject().put("data", data)).onComplete(ar -> Envelope.result(ctx, ar));
  }

  private void state(RoutingContext ctx, boolean disabled) {
    withAccount(ctx, id -> bus.forward(ctx, Addresses.AUTH_ADMIN_ACCOUNT_STATE,
        new JsonObject().put("account_id", id).put("disabled", disabled)));
  }

  /** PUT {quota_bytes}: the account must exist (auth-service's list, by id), then data-service sets and audits it. */
  private void quota(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    if (!body.containsKey("quota_bytes")) {
      Envelope.error(ctx, 400, "quota_bytes is required: a number of bytes, or null for the default");
      return;
    }
    withAccount(ctx, id -> exists(ctx, id).compose(v -> bus.request(Contexts.get(ctx), Addresses.DATA_ADMIN_QUOTA_PUT,
            new JsonObject().put("account_id", id).put("quota_bytes", body.getValue("quota_bytes"))))
        // data-service keeps quotas, auth-service the admin log: the set quota is logged when data-service answered
        .compose(set -> bus.request(Contexts.get(ctx), Addresses.AUTH_ADMIN_QUOTA_LOGGED, new JsonObject()
            .put("account_id", id).put("quota_bytes", set.getJsonObject("data").getValue("quota_bytes"))).map(set))
        .onComplete(ar -> Envelope.result(ctx, ar)));
  }

  /** POST {note?, expires_in_days?} → {id, url, note, expires_at}: the link is shown once (only its hash is kept). */
  private void createInvite(RoutingContext ctx) {
    bus.request(ctx, Addresses.AUTH_ADMIN_INVITES_CREATE, JsonBodies.object(ctx), reply -> {
      JsonObject d = reply.getJsonObject("data");
      Envelope.ok(ctx, new JsonObject().put("id", d.getValue("id"))
          .put("url", publicUrl + "/login?invite=" + d.getString("invite_token"))
          .put("note", d.getValue("note")).put("expires_at", d.getValue("expires_at")));
    });
  }

  /**
   * POST (no body, or one without a password: an admin never chooses it) → {account_id, reset_url, expires_at,
   * sessions_revoked}: the one-time link where the owner chooses the new password, shown once (only its hash is kept).
   */
  private void resetPassword(RoutingContext ctx, long id) {
    JsonObject body = new JsonObject().put("account_id", id);
    Object password = JsonBodies.object(ctx).getValue("password");
    if (password != null) {
      body.put("password", password); // auth-service refuses it with the reason
    }
    bus.request(ctx, Addresses.AUTH_ADMIN_PASSWORD_RESET, body, reply -> {
      JsonObject d = reply.getJsonObject("data");
      Envelope.reply(ctx, new JsonObject().put("data", new JsonObject().put("account_id", d.getValue("account_id"))
              .put("reset_url", publicUrl + "/reset?token=" + d.getString("reset_token"))
              .put("expires_at", d.getValue("expires_at")).put("sessions_revoked", d.getValue("sessions_revoked")))
          .put("message", reply.getValue("message")));
    });
  }

  /** {accounts, disabled_accounts, devices, active_devices, bytes, blobs, requests_per_minute, signup_mode}. */
  private void figures(RoutingContext ctx) {
    RequestContext context = Contexts.get(ctx);
    Future<JsonObject> auth = bus.request(context, Addresses.AUTH_ADMIN_FIGURES, new JsonObject());
    Future<JsonObject> data = bus.request(context, Addresses.DATA_ADMIN_TOTALS, new JsonObject());
    Future<JsonObject> devices = bus.request(context, Addresses.DEVICE_ADMIN_TOTALS, new JsonObject());
    Future.all(auth, data, devices).onComplete(ar -> {
      if (ar.failed()) {
        Envelope.error(ctx, Failures.fromThrowable(ar.cause()));
        return;
      }
      JsonObject a = auth.result().getJsonObject("data");
      JsonObject d = data.result().getJsonObject("data");
      JsonObject v = devices.result().getJsonObject("data");
      Envelope.ok(ctx, new JsonObject()
          .put("accounts", a.getValue("accounts")).put("disabled_accounts", a.getValue("disabled_accounts"))
          .put("devices", v.getValue("devices")).put("active_devices", v.getValue("active_devices"))
          .put("bytes", d.getValue("bytes")).put("blobs", d.getValue("blobs"))
          .put("requests_per_minute", rate.clusterLastMinute())
          .put("signup_mode", a.getValue("signup_mode")));
    });
  }

  /** 404 unless auth-service knows the account (and it is not being deleted). */
  private Future<Void> exists(RoutingContext ctx, long id) {
    return bus.request(Contexts.get(ctx), Addresses.AUTH_ADMIN_ACCOUNTS, new JsonObject().put("account_id", id))
        .compose(r -> r.getJsonObject("data").getJsonArray("accounts").isEmpty()
            ? Future.failedFuture(ServiceException.notFound("Account not found")) : Future.succeededFuture());
  }

  private static void withAccount(RoutingContext ctx, java.util.function.LongConsumer then) {
    String raw = ctx.pathParam("id");
    if (raw == null || !raw.matches("[1-9][0-9]{0,17}")) {
      Envelope.error(ctx, 404, "Account not found");
      return;
    }
    then.accept(Long.parseLong(raw));
  }
}
