package dev.flamingo.sync.common.bus;

/**
 * Every event-bus address in one place.
 *
 * <p>Requests go to {@code flamingo.<service>.v<N>.<action>} (point to point, one instance answers);
 * events are published on {@code flamingo.events.<topic>} (every listener gets them). A breaking change
 * to a contract makes a new {@code v<N+1>} address; the old one keeps answering until no release sends to it.
 */
public final class Addresses {
  private Addresses() {}

  // --- auth-service ---------------------------------------------------------------------------
  public static final String AUTH_PING = "flamingo.auth.v1.ping";
  /** {email, password} → {account_id, email, browser_token, browser_token_max_age}. */
  public static final String AUTH_REGISTER = "flamingo.auth.v1.account.register";
  /** {email, password} → {account_id, email, browser_token, browser_token_max_age}. */
  public static final String AUTH_LOGIN = "flamingo.auth.v1.account.login";
  /** {browser_token} → {account_id, email}; fails 401. */
  public static final String AUTH_BROWSER_VALIDATE = "flamingo.auth.v1.browser.validate";
  /** account in context → {account_id, email, created_at}. */
  public static final String AUTH_ACCOUNT_ME = "flamingo.auth.v1.account.me";
  /** {current_password, new_password} + account → new browser token; bumps the security stamp. */
  public static final String AUTH_PASSWORD_CHANGE = "flamingo.auth.v1.account.password";
  /** {device_name, device_type} → {temp_token, expires_in}. */
  public static final String AUTH_SYNC_INIT = "flamingo.auth.v1.sync.init";
  /**
   * {temp_token} → {device_name, device_type, client_ip, created_at, expires_at, expires_in, status}
   * where status is pending | claimed | expired | used | denied; unknown → 404. For the authorize page.
   */
  public static final String AUTH_SYNC_DESCRIBE = "flamingo.auth.v1.sync.describe";
  /** {temp_token} + account → message "Request denied"; the client's next /token poll gets 400. */
  public static final String AUTH_SYNC_DENY = "flamingo.auth.v1.sync.deny";
  /** account in context → bumps the security stamp (ends every browser login) and revokes every session. */
  public static final String AUTH_SIGN_OUT_EVERYWHERE = "flamingo.auth.v1.account.sign-out-everywhere";
  /**
   * {temp_token, password?, bearer_grant_key?} + account in context → message "Token claimed successfully" /
   * "Token already claimed". A browser's claim (no session in context) needs the password: it opens the
   * account key for the new device (400 when missing or wrong); a Bearer claim may send the key the gateway
   * derived from its token instead ({@code bearer_grant_key}, see {@link #AUTH_KEY_GRANT}).
   */
  public static final String AUTH_SYNC_CLAIM = "flamingo.auth.v1.sync.claim";
  /** {temp_token} → {session_token, token_prefix, expires_at, is_new_device, sync_config}. */
  public static final String AUTH_SYNC_TOKEN = "flamingo.auth.v1.sync.token";
  /** {session_token} → {account_id, session_id, device_id, expires_at}; fails 401. */
  public static final String AUTH_SESSION_VALIDATE = "flamingo.auth.v1.session.validate";
  /**
   * {grant_key?} + session in context → {session_token, token_prefix, expires_at}; with the calling token's
   * grant key the new token keeps the session's key grant.
   */
  public static final String AUTH_SESSION_ROTATE = "flamingo.auth.v1.session.rotate";
  /**
   * {grant_key} + session in context → {custody, account_key, account_key_id}: the calling session's account
   * key, opened with grant_key (KeyCustody.grantKey of its raw bearer token, derived by the gateway).
   * custody: whether the account has an account key; account_key (base64) null when this session has no
   * grant. 401 when the session is not live. Key material: trusted (certificate-holding) nodes only.
   */
  public static final String AUTH_KEY_GRANT = "flamingo.auth.v1.key.grant";
  /** session in context → message "Session revoked". */
  public static final String AUTH_SESSION_REVOKE = "flamingo.auth.v1.session.revoke";
  /** {account_id, device_ids: [..], reason} → {revoked: n}; revokes every live session of those devices. */
  public static final String AUTH_SESSION_REVOKE_DEVICES = "flamingo.auth.v1.session.revoke-devices";
  /**
   * {browser_token} → {account_id} (null when the token was no valid login): ends that one browser login
   * on the server (its id is refused by browser.validate until it would have expired) and publishes
   * {@link #EVENT_BROWSER_LOGGED_OUT}.
   */
  public static final String AUTH_BROWSER_LOGOUT = "flamingo.auth.v1.browser.logout";

  // --- auth-service: account lifecycle and operators' tools (admins: the stored admin role; docs/operating.md) ---
  /** → {mode, default_mode}: sign-ups are open, invite-only or closed (no login needed). */
  public static final String AUTH_SIGNUPS_GET = "flamingo.auth.v1.signups.get";
  /** {mode} + admin account → {mode, default_mode}; audited admin.signups.set. */
  public static final String AUTH_ADMIN_SIGNUPS_PUT = "flamingo.auth.v1.admin.signups.put";
  /**
   * {q?, account_id?, limit?, offset?} + admin account → {accounts: [{account_id, email, created_at, disabled, is_admin}], total},
   * e-mail order. 403 for an account that is no admin (auth-service checks on every admin address).
   */
  public static final String AUTH_ADMIN_ACCOUNTS = "flamingo.auth.v1.admin.accounts";
  /**
   * {account_id, disabled} + admin account → {account_id, disabled}: disabling ends the account's browser logins
   * and revokes every session (evicted on every gateway); sign-in then answers 403. 409 for the last enabled admin.
   * Audited admin.account.disabled / admin.account.enabled (admin's and target's logs) and in the admin log.
   */
  public static final String AUTH_ADMIN_ACCOUNT_STATE = "flamingo.auth.v1.admin.account.state";
  /** {account_id} + admin account → {sessions_revoked}: every browser login and session of the account ends. */
  public static final String AUTH_ADMIN_SIGN_OUT = "flamingo.auth.v1.admin.account.sign-out";
  /**
   * {account_id} + admin account → {account_id, reset_token, expires_at, sessions_revoked}: a forgotten password, reset
   * by an admin: a one-time reset token for the owner (the gateway makes it a link; only its hash is kept), every
   * login, session and claimed device request of the account ends at once and the old password no longer signs in.
   * The admin never chooses or learns the password. 400 for the admin's own account or a body with a password; 404
   * unknown. Audited admin.account.password_reset on the admin's account, account.password_reset_link on the target's.
   */
  public static final String AUTH_ADMIN_PASSWORD_RESET = "flamingo.auth.v1.admin.account.password-reset";
  /**
   * {token, password} → {account_id, email}: the owner's side of a reset link: the password they choose (the sign-up
   * check), a new security stamp and a new account key made from it (the old key is lost by design); the token is
   * used up. 400 for an unknown, used or expired token. Audited account.password_reset on the account.
   */
  public static final String AUTH_PASSWORD_RESET_COMPLETE = "flamingo.auth.v1.account.password-reset";
  /** admin account → [{id, note, created_at, expires_at, used_at, revoked_at, status}], newest first. */
  public static final String AUTH_ADMIN_INVITES_LIST = "flamingo.auth.v1.admin.invites.list";
  /** {note?, expires_in_days?} + admin account → {id, invite_token, note, expires_at} (the token: shown once). */
  public static final String AUTH_ADMIN_INVITES_CREATE = "flamingo.auth.v1.admin.invites.create";
  /** {id} + admin account → message "Invite revoked"; 404 for an unknown or already ended invite. */
  public static final String AUTH_ADMIN_INVITES_REVOKE = "flamingo.auth.v1.admin.invites.revoke";
  /** admin account → {accounts, disabled_accounts, signup_mode}. */
  public static final String AUTH_ADMIN_FIGURES = "flamingo.auth.v1.admin.figures";
  /**
   * {account_id, admin, password (the calling admin's own)} + admin account → {account_id, admin}: grants or revokes
   * the admin role. 400 for a wrong password or the admin's own account; 409 for the last enabled admin. Audited
   * admin.account.admin_granted / admin_revoked (admin's and target's logs) and in the admin log.
   */
  public static final String AUTH_ADMIN_ROLE = "flamingo.auth.v1.admin.account.role";
  /** {limit?, before?} + admin account → {entries, next_before}: the server-wide admin log, newest first. */
  public static final String AUTH_ADMIN_LOG = "flamingo.auth.v1.admin.log";
  /** {account_id, quota_bytes} + admin account → {account_id}: a quota set in data-service, into the admin log. */
  public static final String AUTH_ADMIN_QUOTA_LOGGED = "flamingo.auth.v1.admin.quota.logged";
  /**
   * {password} (the account's own, the account in context) or {account_id} (an admin in context) → {account_id,
   * email}: the first step of deleting an account. The account is disabled, its logins and sessions end; the
   * caller then purges the other services' rows and calls {@link #AUTH_ACCOUNT_DELETE_FINISH}. Repeatable. 409 for
   * the last enabled admin; an admin's deletion is in the admin log from this step.
   */
  public static final String AUTH_ACCOUNT_DELETE_BEGIN = "flamingo.auth.v1.account.delete.begin";
  /**
   * {account_id} + the same caller → message "Account deleted": the account's rows here are gone and an
   * account.deleted audit record (no e-mail) remains; 409 unless delete.begin ran first.
   */
  public static final String AUTH_ACCOUNT_DELETE_FINISH = "flamingo.auth.v1.account.delete.finish";

  // --- data-service ---------------------------------------------------------------------------
  public static final String DATA_PING = "flamingo.data.v1.ping";
  /** account in context → the sync config object. */
  public static final String DATA_CONFIG_GET = "flamingo.data.v1.config.get";
  public static final String DATA_CONFIG_PUT = "flamingo.data.v1.config.put";
  /** Before key custody (old gateways): answers for keys wrapped under the KEK alone; others 403. */
  public static final String DATA_KEY_GET = "flamingo.data.v1.key.get";
  public static final String DATA_KEY_PUT = "flamingo.data.v1.key.put";
  /**
   * {custody, account_key?, account_key_id?} + account → {master_key, version, updated_at} or data null. The
   * gateway sets the three fields from {@link #AUTH_KEY_GRANT} (never from the client). 403 when the key is
   * held under an account key and the session has none; 409 when the account key was replaced (password reset).
   */
  public static final String DATA_KEY_GET_V2 = "flamingo.data.v2.key.get";
  /** {master_key, expected_version? | if_match?, custody, account_key?, account_key_id?} + account → {version}. */
  public static final String DATA_KEY_PUT_V2 = "flamingo.data.v2.key.put";
  /**
   * {account_key, account_key_id} + account → {converted}: a master key wrapped under the KEK alone is wrapped
   * under the account key too (auth-service, when an account's key custody begins).
   */
  public static final String DATA_KEY_CONVERT = "flamingo.data.v1.key.convert";
  public static final String DATA_BLOB_LIST = "flamingo.data.v1.blob.list";
  public static final String DATA_BLOB_GET = "flamingo.data.v1.blob.get";
  public static final String DATA_BLOB_PUT = "flamingo.data.v1.blob.put";
  public static final String DATA_BLOB_DELETE = "flamingo.data.v1.blob.delete";
  public static final String DATA_LIMITS = "flamingo.data.v1.limits";
  /**
   * account in context → {set, version, kek_id, created_at, updated_at} (set false: no other field). Reads the
   * stored row only and never unwraps the key, so it answers even when the KEK cannot decrypt it.
   */
  public static final String DATA_KEY_STATUS = "flamingo.data.v1.key.status";
  /**
   * {account_ids: [..] (at most 500)} → {usage, default_quota_bytes}; usage maps each id (a string) to the
   * account's bytes, blobs and quota_bytes (null: the default). Admin (gateway-checked).
   */
  public static final String DATA_ADMIN_USAGE = "flamingo.data.v1.admin.usage";
  /** {account_id, quota_bytes | null} + admin account → {account_id, quota_bytes, default_quota_bytes}. */
  public static final String DATA_ADMIN_QUOTA_PUT = "flamingo.data.v1.admin.quota.put";
  /** → {bytes, blobs, keys} over every account. */
  public static final String DATA_ADMIN_TOTALS = "flamingo.data.v1.admin.totals";
  /** {account_id} → {rows}: removes every row of the account in schema data (account deletion; repeatable). */
  public static final String DATA_ACCOUNT_PURGE = "flamingo.data.v1.account.purge";

  // --- device-service -------------------------------------------------------------------------
  public static final String DEVICE_PING = "flamingo.device.v1.ping";
  public static final String DEVICE_LIST = "flamingo.device.v1.list";
  public static final String DEVICE_REVOKE = "flamingo.device.v1.revoke";
  public static final String DEVICE_RENAME = "flamingo.device.v1.rename";
  /** account + device in context → revokes every other device of the account. */
  public static final String DEVICE_REVOKE_OTHERS = "flamingo.device.v1.revoke-others";
  public static final String DEVICE_AUDIT_LIST = "flamingo.device.v1.audit.list";
  /**
   * {event_id, topic, payload} from a service's outbox relay → replies once the event is durably stored
   * (at least once: de-duplicated by event_id). topic is the address the payload was once published on:
   * EVENT_AUDIT, EVENT_SESSION_CREATED or EVENT_SESSION_REVOKED.
   */
  public static final String DEVICE_EVENTS_DELIVER = "flamingo.device.v1.events.deliver";
  /** {account_ids: [..] (at most 500)} → {activity}: each id (a string) to its devices (not revoked) and last_seen_at. */
  public static final String DEVICE_ADMIN_ACTIVITY = "flamingo.device.v1.admin.activity";
  /** → {devices, active_devices} over every account (active: seen within 30 days). */
  public static final String DEVICE_ADMIN_TOTALS = "flamingo.device.v1.admin.totals";

  // --- events (published) ---------------------------------------------------------------------
  /**
   * {session_ids: [..], device_ids: [..], account_id, reason}: gateways evict these sessions from their
   * caches; device-service marks the devices signed out unless the reason is "rotated" (same device).
   */
  public static final String EVENT_SESSION_REVOKED = "flamingo.events.session.revoked";
  /** {account_id}: the account's security stamp changed; gateways evict its browser logins. */
  public static final String EVENT_ACCOUNT_STAMP_CHANGED = "flamingo.events.account.stamp";
  /** {account_id, session_id, device_id, device_name, device_type, ip, user_agent, created_at}. */
  public static final String EVENT_SESSION_CREATED = "flamingo.events.session.created";
  /** {device_id, account_id, ip, seen_at}: a device was used (the gateway sends at most one a minute per device). */
  public static final String EVENT_DEVICE_SEEN = "flamingo.events.device.seen";
  /** {event_type, account_id, device_id, ip, user_agent, metadata, created_at}. */
  public static final String EVENT_AUDIT = "flamingo.events.audit";
  /** {account_id, login_id}: one browser login ended (logout); gateways evict the account's cached browser logins. */
  public static final String EVENT_BROWSER_LOGGED_OUT = "flamingo.events.browser.logout";
  /**
   * {node, requests_per_minute, at}: a gateway instance's requests in the last 60 s, published every 10 s, so that
   * any gateway can answer the server's requests per minute (the admin's figures).
   */
  public static final String EVENT_GATEWAY_LOAD = "flamingo.events.gateway.load";
}
