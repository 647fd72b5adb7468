package dev.flamingo.sync.auth.signup;

import dev.flamingo.sync.auth.admin.AdminLog;
import dev.flamingo.sync.auth.admin.Admins;
import dev.flamingo.sync.auth.support.RequestFields;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;

/**
 * Who may create an account: sign-ups are open, invite-only or closed, at run time (an admin's choice, kept in
 * the database so every node follows it; the configured mode until then), and invite links for invite-only.
 */
public final class SignupPolicy {
  public static final String INVITE_PREFIX = "flm_inv_";
  public static final String CLOSED = "Sign-ups are closed on this server";
  public static final String NEEDS_INVITE = "Sign-ups on this server need an invite link from its admin";
  public static final String INVITE_ENDED = "This invite link is no longer valid";
  static final int DEFAULT_DAYS = 7;
  static final int MAX_DAYS = 90;

  private final SignupStore store;
  private final String defaultMode;
  private final Admins admins;
  private final Outbox outbox;

  public SignupPolicy(SignupStore store, String defaultMode, Admins admins, Outbox outbox) {
    this.store = store;
    this.defaultMode = defaultMode;
    this.admins = admins;
    this.outbox = outbox;
  }

  /** The mode in force now. */
  public Future<String> mode() {
    return store.mode().map(m -> m == null ? defaultMode : m);
  }

  /**
   * Before any work of a sign-up: refuses it (403) when sign-ups are closed, or invite-only and the invite is
   * missing or no longer open. The invite's hash when one must be taken in the sign-up's transaction, else null.
   */
  public Future<byte[]> admit(String invite) {
    return mode().compose(mode -> switch (mode) {
      case "closed" -> Future.failedFuture(new ServiceException(403, CLOSED));
      case "invite-only" -> {
        if (invite == null || !invite.startsWith(INVITE_PREFIX) || invite.length() > 200) {
          yield Future.failedFuture(new ServiceException(403, invite == null ? NEEDS_INVITE : INVITE_ENDED));
        }
        byte[] hash = Tokens.sha256(invite);
        yield store.isOpen(hash).map(open -> {
          if (!open) {
            throw new ServiceException(403, INVITE_ENDED);
          }
          return hash;
        });
      }
      default -> Future.succeededFuture((byte[]) null);
    });
  }

  /** Takes the invite admitted by {@link #admit} for the new account, in its transaction (403 if it was taken meanwhile). */
  public Future<Void> take(SqlClient tx, byte[] invite, long account) {
    if (invite == null) {
      return Future.succeededFuture();
    }
    return store.use(tx, invite, account).compose(used -> used ? Future.<Void>succeededFuture()
        : Future.failedFuture(new ServiceException(403, INVITE_ENDED)));
  }

  /**
   * AUTH_SIGNUPS_GET {invite?} → {mode, default_mode, invite_open?}: with an invite token, whether it could admit a
   * sign-up now (not used, revoked or expired), so the sign-in page does not promise what the link cannot give.
   */
  public Future<JsonObject> get(JsonObject body, RequestContext ctx) {
    Object invite = body == null ? null : body.getValue("invite");
    return mode().compose(mode -> {
      JsonObject data = modes(mode);
      if (invite == null) {
        return Future.succeededFuture(Reply.data(data));
      }
      return inviteOpen(invite instanceof String s ? s : "").map(open -> Reply.data(data.put("invite_open", open)));
    });
  }

  private Future<Boolean> inviteOpen(String invite) {
    if (!invite.startsWith(INVITE_PREFIX) || invite.length() > 200) {
      return Future.succeededFuture(false);
    }
    return store.isOpen(Tokens.sha256(invite));
  }

  /** AUTH_ADMIN_SIGNUPS_PUT {mode} → {mode, default_mode}; audited admin.signups.set. */
  public Future<JsonObject> put(JsonObject body, RequestContext ctx) {
    String raw = RequestFields.string(body, "mode");
    String mode = raw == null ? null : raw.trim().toLowerCase(Locale.ROOT);
    if (mode == null || !Settings.SIGNUP_MODES.contains(mode)) {
      throw ServiceException.badRequest("mode must be open, invite-only or closed");
    }
    return admins.require(ctx).compose(admin -> store.pool().withTransaction(tx -> store.setMode(tx, mode, admin.id())
            .compose(v -> outbox.audit(tx, "admin.signups.set", ctx, admin.id(), null, new JsonObject().put("mode", mode)))
            .compose(v -> AdminLog.record(tx, null, ctx, admin, "signups.set", null, new JsonObject().put("mode", mode)))))
        .map(v -> Reply.data(modes(mode)));
  }

  /** AUTH_ADMIN_INVITES_CREATE {note?, expires_in_days?} → {id, invite_token, note, expires_at}. */
  public Future<JsonObject> createInvite(JsonObject body, RequestContext ctx) {
    String note = RequestFields.string(body, "note");
    if (note != null && note.length() > 200) {
      throw ServiceException.badRequest("note must be at most 200 characters");
    }
    if (note != null) {
      dev.flamingo.sync.common.text.DisplayText.check("note", note);
    }
    Object rawDays = body.getValue("expires_in_days");
    int days = DEFAULT_DAYS;
    if (rawDays != null) {
      if (!(rawDays instanceof Integer d) || d < 1 || d > MAX_DAYS) {
        throw ServiceException.badRequest("expires_in_days must be a whole number from 1 to " + MAX_DAYS);
      }
      days = d;
    }
    String token = INVITE_PREFIX + Tokens.randomHex(32);
    UUID id = UUID.randomUUID();
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusDays(days);
    String shownNote = note == null || note.isBlank() ? null : note.trim();
    return admins.require(ctx).compose(admin -> store.pool().withTransaction(tx ->
            store.insertInvite(tx, id, Tokens.sha256(token), shownNote, admin.id(), expires)
                .compose(v -> outbox.audit(tx, "admin.invite.created", ctx, admin.id(), null,
                    new JsonObject().put("invite_id", id.toString())))
                .compose(v -> AdminLog.record(tx, null, ctx, admin, "invite.created", null, new JsonObject()
                    .put("invite_id", id.toString()).put("expires_at", expires.toInstant().toString())))))
        .map(v -> Reply.data(new JsonObject().put("id", id.toString()).put("invite_token", token)
            .put("note", shownNote).put("expires_at", expires.toInstant().toString())));
  }

  /** AUTH_ADMIN_INVITES_LIST → the invites, newest first. */
  public Future<JsonObject> listInvites(JsonObject body, RequestContext ctx) {
    return admins.require(ctx).compose(admin -> store.list()).map(Reply::data);
  }

  /** AUTH_ADMIN_INVITES_REVOKE {id} → message "Invite revoked"; 404 unless the invite is open. */
  public Future<JsonObject> revokeInvite(JsonObject body, RequestContext ctx) {
    UUID id;
    try {
      id = UUID.fromString(String.valueOf(RequestFields.string(body, "id")));
    } catch (IllegalArgumentException e) {
      throw ServiceException.notFound("Invite not found");
    }
    return admins.require(ctx).compose(admin -> store.pool().withTransaction(tx -> store.revoke(tx, id)
            .compose(revoked -> revoked
                ? outbox.audit(tx, "admin.invite.revoked", ctx, admin.id(), null,
                    new JsonObject().put("invite_id", id.toString()))
                    .compose(v -> AdminLog.record(tx, null, ctx, admin, "invite.revoked", null,
                        new JsonObject().put("invite_id", id.toString())))
                : Future.failedFuture(ServiceException.notFound("Invite not found (or already used, revoked or expired)")))))
        .map(v -> Reply.message("Invite revoked"));
  }

  private JsonObject modes(String mode) {
    return new JsonObject().put("mode", mode).put("default_mode", defaultMode);
  }
}
