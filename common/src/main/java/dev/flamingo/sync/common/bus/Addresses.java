package dev.flamingo.sync.common.bus;

import dev.flamingo.sync.common.data.DataType;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every event-bus address and its contract, in one place: this file is the one definition of the bus contract.
 *
 * <p>Requests go to {@code flamingo.<service>.v<N>.<action>} (point to point, one instance answers);
 * events are published on {@code flamingo.events.<topic>} (every listener gets them). A breaking change
 * to a contract makes a new {@code v<N+1>} address; the old one keeps answering until no release sends to it.
 *
 * <p>Each constant declares its contract: {@code needs} the request-context headers the handler requires
 * (account, session, device); {@code takes} the request body's fields ({@code carries}: an event's payload), a
 * type ending in {@code required} must be sent; {@code replies} the fields of the reply's data (an object),
 * {@code repliesArrayOf} an array of objects with those fields, {@code repliesMessage} data null and a message.
 * A field is {@code "name: type"}, the type one of string, integer, number, boolean, object, array, any, or
 * alternatives joined by {@code |}. The Javadoc says what the fields do not. {@link BusContracts#registry()}
 * makes the machine-readable registry of it, which {@code BusContractsTest} compares with the released snapshot
 * (docs/bus-contracts.md).
 */
public final class Addresses {
  private Addresses() {}

  /** The contract of every address, in declaration order; filled by the constants below (declared first). */
  private static final JsonObject CONTRACTS = new JsonObject();

  /** The contracts declared by the constants: {address: {kind, context, request, reply_shape, reply}}. */
  static JsonObject contracts() {
    return CONTRACTS.copy();
  }

  private static Contract request(String address) {
    return new Contract(address, "request");
  }

  private static Contract event(String address) {
    return new Contract(address, "event");
  }

  /** One address's contract while its constant is declared; the last call registers it and returns the address. */
  private static final class Contract {
    private final String address;
    private final JsonObject body;

    private Contract(String address, String kind) {
      this.address = address;
      this.body = new JsonObject().put("kind", kind).put("context", new JsonArray()).put("request", new JsonObject());
    }

    Contract needs(String... context) {
      body.put("context", new JsonArray(List.of((Object[]) context)));
      return this;
    }

    Contract takes(String... fields) {
      body.put("request", fields(fields));
      return this;
    }

    String replies(String... fields) {
      return register("object", fields);
    }

    String repliesArrayOf(String... fields) {
      return register("array", fields);
    }

    String repliesMessage() {
      return register("message");
    }

    /** An event's payload; nobody replies to a published event. */
    String carries(String... fields) {
      body.put("request", fields(fields));
      return register("none");
    }

    private String register(String replyShape, String... replyFields) {
      if (CONTRACTS.containsKey(address)) {
        throw new IllegalStateException(address + " is declared twice");
      }
      CONTRACTS.put(address, body.put("reply_shape", replyShape).put("reply", fields(replyFields)));
      return address;
    }

    private static JsonObject fields(String... fields) {
      JsonObject all = new JsonObject();
      for (String field : fields) {
        int colon = field.indexOf(": ");
        if (colon < 0) {
          throw new IllegalArgumentException("a field is \"name: type\", not " + field);
        }
        all.put(field.substring(0, colon), field.substring(colon + 2));
      }
      return all;
    }
  }

  // --- auth-service ---------------------------------------------------------------------------
  public static final String AUTH_PING = request("flamingo.auth.v1.ping")
      .replies("service: string", "ok: boolean", "status: string");
  public static final String AUTH_REGISTER = request("flamingo.auth.v1.account.register")
      .takes("email: string required", "password: string required", "invite: string")
      .replies("account_id: integer", "email: string", "browser_token: string", "browser_token_max_age: integer");
  /** An account with a second factor gets only {@code second_step} ({token, methods, expires_in}): see AUTH_SECOND_STEP. */
  public static final String AUTH_LOGIN = request("flamingo.auth.v1.account.login")
      .takes("email: string required", "password: string required")
      .replies("account_id: integer", "email: string", "browser_token: string", "browser_token_max_age: integer",
          "second_step: object");
  /**
   * Finishes a login's second step with a code: method totp (the default) or recovery_code. 401 for a wrong code (the
   * step takes a few tries) or a step that ended, 429 with Retry-After while the account or the address failed too
   * often. Audited auth.second_step.failed, account.recovery_code.used, auth.login (with second_factor).
   */
  public static final String AUTH_SECOND_STEP = request("flamingo.auth.v1.account.second-step")
      .takes("token: string required", "method: string", "code: string required")
      .replies("account_id: integer", "email: string", "browser_token: string", "browser_token_max_age: integer");
  /** The account's second factors, for Dashboard → Security; required: an admin who must have one. */
  public static final String AUTH_TWO_FACTOR_STATUS = request("flamingo.auth.v1.two-factor.status")
      .needs("account")
      .replies("totp: boolean", "recovery_codes_left: integer", "methods: array", "required: boolean",
          "reset_at: string|null");
  /** A new TOTP secret waiting for its first code (409 when TOTP is on): the secret as text, its URI and QR code. */
  public static final String AUTH_TOTP_BEGIN = request("flamingo.auth.v1.two-factor.totp.begin")
      .needs("account")
      .replies("secret: string", "otpauth_uri: string", "qr_svg: string");
  /** The first right code turns TOTP on (account.totp.enrolled); the first factor brings ten recovery codes, shown once. */
  public static final String AUTH_TOTP_CONFIRM = request("flamingo.auth.v1.two-factor.totp.confirm")
      .needs("account")
      .takes("code: string required")
      .replies("recovery_codes: array|null");
  /** With the account's password (400 when wrong): TOTP off (account.totp.removed). */
  public static final String AUTH_TOTP_REMOVE = request("flamingo.auth.v1.two-factor.totp.remove")
      .needs("account")
      .takes("password: string required")
      .repliesMessage();
  /** With the account's password: ten new recovery codes, the earlier ones end (account.recovery_codes.regenerated). */
  public static final String AUTH_RECOVERY_CODES = request("flamingo.auth.v1.two-factor.recovery-codes")
      .needs("account")
      .takes("password: string required")
      .replies("recovery_codes: array");
  /** Fails 401. */
  public static final String AUTH_BROWSER_VALIDATE = request("flamingo.auth.v1.browser.validate")
      .takes("browser_token: string required")
      .replies("account_id: integer", "email: string", "is_admin: boolean", "admin_must_enroll: boolean");
  public static final String AUTH_ACCOUNT_ME = request("flamingo.auth.v1.account.me")
      .needs("account")
      .replies("account_id: integer", "email: string", "created_at: string", "is_admin: boolean");
  /** Replies a new browser token; bumps the security stamp. */
  public static final String AUTH_PASSWORD_CHANGE = request("flamingo.auth.v1.account.password")
      .needs("account")
      .takes("current_password: string required", "new_password: string required")
      .replies("account_id: integer", "email: string", "browser_token: string", "browser_token_max_age: integer");
  public static final String AUTH_SYNC_INIT = request("flamingo.auth.v1.sync.init")
      .takes("device_name: string required", "device_type: string required")
      .replies("temp_token: string", "expires_in: integer");
  /** For the authorize page. status is pending | claimed | expired | used | denied; unknown → 404. */
  public static final String AUTH_SYNC_DESCRIBE = request("flamingo.auth.v1.sync.describe")
      .takes("temp_token: string required")
      .replies("device_name: string", "device_type: string", "client_ip: string", "created_at: string",
          "expires_at: string", "expires_in: integer", "status: string");
  /** Message "Request denied"; the client's next /token poll gets 400. */
  public static final String AUTH_SYNC_DENY = request("flamingo.auth.v1.sync.deny")
      .needs("account")
      .takes("temp_token: string required")
      .repliesMessage();
  /** Bumps the security stamp (ends every browser login) and revokes every session. */
  public static final String AUTH_SIGN_OUT_EVERYWHERE = request("flamingo.auth.v1.account.sign-out-everywhere")
      .needs("account")
      .replies("sessions_revoked: integer");
  /**
   * Message "Token claimed successfully" / "Token already claimed". A browser's claim (no session in context) needs the
   * password: it opens the account key for the new device (400 when missing or wrong); a Bearer claim may send the key
   * the gateway derived from its token instead ({@code bearer_grant_key}, see {@link #AUTH_KEY_GRANT}).
   */
  public static final String AUTH_SYNC_CLAIM = request("flamingo.auth.v1.sync.claim")
      .needs("account")
      .takes("temp_token: string required", "password: string", "bearer_grant_key: string")
      .repliesMessage();
  public static final String AUTH_SYNC_TOKEN = request("flamingo.auth.v1.sync.token")
      .takes("temp_token: string required")
      .replies("session_token: string", "token_prefix: string", "expires_at: string", "is_new_device: boolean",
          "sync_config: object");
  /** Fails 401. */
  public static final String AUTH_SESSION_VALIDATE = request("flamingo.auth.v1.session.validate")
      .takes("session_token: string required")
      .replies("account_id: integer", "session_id: string", "device_id: string", "expires_at: string");
  /** With the calling token's grant key the new token keeps the session's key grant. */
  public static final String AUTH_SESSION_ROTATE = request("flamingo.auth.v1.session.rotate")
      .needs("session")
      .takes("grant_key: string")
      .replies("session_token: string", "token_prefix: string", "expires_at: string");
  /**
   * The calling session's account key, opened with grant_key (KeyCustody.grantKey of its raw bearer token, derived by
   * the gateway). custody: whether the account has an account key; account_key (base64) null when this session has no
   * grant. 401 when the session is not live. Key material: trusted (certificate-holding) nodes only.
   */
  public static final String AUTH_KEY_GRANT = request("flamingo.auth.v1.key.grant")
      .needs("account", "session")
      .takes("grant_key: string required")
      .replies("custody: boolean", "account_key: string", "account_key_id: string");
  /** Message "Session revoked". */
  public static final String AUTH_SESSION_REVOKE = request("flamingo.auth.v1.session.revoke")
      .needs("session")
      .repliesMessage();
  /** Revokes every live session of those devices. */
  public static final String AUTH_SESSION_REVOKE_DEVICES = request("flamingo.auth.v1.session.revoke-devices")
      .takes("account_id: integer required", "device_ids: array required", "reason: string")
      .replies("revoked: integer");
  /**
   * Ends that one browser login on the server (its id is refused by browser.validate until it would have expired) and
   * publishes {@link #EVENT_BROWSER_LOGGED_OUT}. account_id null when the token was no valid login.
   */
  public static final String AUTH_BROWSER_LOGOUT = request("flamingo.auth.v1.browser.logout")
      .takes("browser_token: string")
      .replies("account_id: integer|null");

  // --- auth-service: account lifecycle and operators' tools (admins: the stored admin role; docs/operating.md) ---
  /**
   * Sign-ups are open, invite-only or closed (no login needed); with an invite token, invite_open says whether it
   * could admit a sign-up now (absent without one).
   */
  public static final String AUTH_SIGNUPS_GET = request("flamingo.auth.v1.signups.get")
      .takes("invite: string")
      .replies("mode: string", "default_mode: string", "invite_open: boolean");
  /** Audited admin.signups.set. */
  public static final String AUTH_ADMIN_SIGNUPS_PUT = request("flamingo.auth.v1.admin.signups.put")
      .needs("account")
      .takes("mode: string required")
      .replies("mode: string", "default_mode: string");
  /**
   * accounts: [{account_id, email, created_at, disabled, is_admin}], e-mail order. 403 for an account that is no admin
   * (auth-service checks on every admin address).
   */
  public static final String AUTH_ADMIN_ACCOUNTS = request("flamingo.auth.v1.admin.accounts")
      .needs("account")
      .takes("q: string", "account_id: integer", "limit: integer|string", "offset: integer|string")
      .replies("accounts: array", "total: integer");
  /**
   * Disabling ends the account's browser logins and revokes every session (evicted on every gateway); sign-in then
   * answers 403. 409 for the last enabled admin. Audited admin.account.disabled / admin.account.enabled (admin's and
   * target's logs) and in the admin log.
   */
  public static final String AUTH_ADMIN_ACCOUNT_STATE = request("flamingo.auth.v1.admin.account.state")
      .needs("account")
      .takes("account_id: integer required", "disabled: boolean required")
      .replies("account_id: integer", "disabled: boolean");
  /** Every browser login and session of the account ends. */
  public static final String AUTH_ADMIN_SIGN_OUT = request("flamingo.auth.v1.admin.account.sign-out")
      .needs("account")
      .takes("account_id: integer required")
      .replies("sessions_revoked: integer");
  /**
   * A forgotten password, reset by an admin: a one-time reset token for the owner (the gateway makes it a link; only
   * its hash is kept), every login, session and claimed device request of the account ends at once and the old password
   * no longer signs in. The admin never chooses or learns the password. 400 for the admin's own account or a body with
   * a password; 404 unknown. Audited admin.account.password_reset on the admin's account, account.password_reset_link
   * on the target's.
   */
  public static final String AUTH_ADMIN_PASSWORD_RESET = request("flamingo.auth.v1.admin.account.password-reset")
      .needs("account")
      .takes("account_id: integer required")
      .replies("account_id: integer", "reset_token: string", "expires_at: string", "sessions_revoked: integer");
  /**
   * The owner's side of a reset link: the password they choose (the sign-up check), a new security stamp and a new
   * account key made from it (the old key is lost by design); the token is used up. 400 for an unknown, used or expired
   * token. Audited account.password_reset on the account.
   */
  public static final String AUTH_PASSWORD_RESET_COMPLETE = request("flamingo.auth.v1.account.password-reset")
      .takes("token: string required", "password: string required")
      .replies("account_id: integer", "email: string");
  /** Newest first. */
  public static final String AUTH_ADMIN_INVITES_LIST = request("flamingo.auth.v1.admin.invites.list")
      .needs("account")
      .repliesArrayOf("id: string", "note: string", "created_at: string", "expires_at: string", "used_at: string",
          "revoked_at: string", "status: string");
  /** The invite_token is shown once. */
  public static final String AUTH_ADMIN_INVITES_CREATE = request("flamingo.auth.v1.admin.invites.create")
      .needs("account")
      .takes("note: string", "expires_in_days: integer")
      .replies("id: string", "invite_token: string", "note: string", "expires_at: string");
  /** Message "Invite revoked"; 404 for an unknown or already ended invite. */
  public static final String AUTH_ADMIN_INVITES_REVOKE = request("flamingo.auth.v1.admin.invites.revoke")
      .needs("account")
      .takes("id: string required")
      .repliesMessage();
  public static final String AUTH_ADMIN_FIGURES = request("flamingo.auth.v1.admin.figures")
      .needs("account")
      .replies("accounts: integer", "disabled_accounts: integer", "signup_mode: string");
  /**
   * How many enabled admins the server has (no login needed; read-only): the one-box start banner asks it to say
   * whether the first admin is still to be made. No gateway route sends to it.
   */
  public static final String AUTH_ADMIN_EXISTS = request("flamingo.auth.v1.admin.exists")
      .replies("admins: integer");
  /**
   * Grants or revokes the admin role; password is the calling admin's own. 400 for a wrong password or the admin's own
   * account; 409 for the last enabled admin. Audited admin.account.admin_granted / admin_revoked (admin's and target's
   * logs) and in the admin log.
   */
  public static final String AUTH_ADMIN_ROLE = request("flamingo.auth.v1.admin.account.role")
      .needs("account")
      .takes("account_id: integer required", "admin: boolean required", "password: string required")
      .replies("account_id: integer", "admin: boolean");
  /** The server-wide admin log, newest first. */
  public static final String AUTH_ADMIN_LOG = request("flamingo.auth.v1.admin.log")
      .needs("account")
      .takes("limit: integer|string", "before: integer|string")
      .replies("entries: array", "next_before: integer|null");
  /** A quota set in data-service, into the admin log. */
  public static final String AUTH_ADMIN_QUOTA_LOGGED = request("flamingo.auth.v1.admin.quota.logged")
      .needs("account")
      .takes("account_id: integer required", "quota_bytes: integer|null")
      .replies("account_id: integer");
  /**
   * The first step of deleting an account: {password} (the account's own, the account in context) or {account_id} (an
   * admin in context). The account is disabled, its logins and sessions end; the caller then purges the other services'
   * rows and calls {@link #AUTH_ACCOUNT_DELETE_FINISH}. Repeatable. 409 for the last enabled admin; an admin's deletion
   * is in the admin log from this step.
   */
  public static final String AUTH_ACCOUNT_DELETE_BEGIN = request("flamingo.auth.v1.account.delete.begin")
      .needs("account")
      .takes("password: string", "account_id: integer")
      .replies("account_id: integer", "email: string");
  /**
   * Message "Account deleted", by the same caller as delete.begin: the account's rows here are gone and an
   * account.deleted audit record (no e-mail) remains; 409 unless delete.begin ran first.
   */
  public static final String AUTH_ACCOUNT_DELETE_FINISH = request("flamingo.auth.v1.account.delete.finish")
      .needs("account")
      .takes("account_id: integer required")
      .repliesMessage();

  // passkeys (WebAuthn): the ceremonies' challenges live in auth-service's database, so one may span gateways
  /** The options for navigator.credentials.create(): {options: PublicKeyCredentialCreationOptions as JSON}. */
  public static final String AUTH_PASSKEY_REGISTER_OPTIONS = request("flamingo.auth.v1.passkey.register.options")
      .needs("account")
      .replies("options: object");
  /**
   * The created credential (PublicKeyCredential as JSON, base64url fields) under a name; 400 when not accepted. The
   * account's first second factor also answers its ten recovery codes (shown once), else recovery_codes is absent.
   */
  public static final String AUTH_PASSKEY_REGISTER = request("flamingo.auth.v1.passkey.register")
      .needs("account")
      .takes("name: string required", "credential: object required")
      .replies("id: integer", "name: string", "created_at: string", "last_used_at: string", "recovery_codes: array");
  public static final String AUTH_PASSKEY_LIST = request("flamingo.auth.v1.passkey.list")
      .needs("account")
      .repliesArrayOf("id: integer", "name: string", "created_at: string", "last_used_at: string");
  /** 400 when the password is wrong; 404 for another account's or an unknown passkey. */
  public static final String AUTH_PASSKEY_REMOVE = request("flamingo.auth.v1.passkey.remove")
      .needs("account")
      .takes("id: integer required", "password: string required")
      .repliesMessage();
  /**
   * The options for navigator.credentials.get() for a login's second step (its token, as for AUTH_SECOND_STEP);
   * 401 when the step ended, 429 over its limits, 400 for an account without a passkey.
   */
  public static final String AUTH_SECOND_STEP_PASSKEY_OPTIONS = request("flamingo.auth.v1.account.second-step.passkey-options")
      .takes("token: string required")
      .replies("options: object");
  /**
   * Finishes a login's second step with a passkey: the browser's answer (PublicKeyCredential as JSON) to a challenge
   * of the options above. 401 "The passkey was not accepted" (counted as a wrong code) or a step that ended; 429.
   * Audited passkey.used / passkey.failed, auth.second_step.failed, auth.login (second_factor passkey).
   */
  public static final String AUTH_SECOND_STEP_PASSKEY = request("flamingo.auth.v1.account.second-step.passkey")
      .takes("token: string required", "credential: object required")
      .replies("account_id: integer", "email: string", "browser_token: string", "browser_token_max_age: integer");

  /** A boolean sync switch per data type ({@code sync_history: boolean}, …: {@link DataType}), then {@code more}. */
  private static String[] syncSwitches(String... more) {
    return Stream.concat(DataType.configKeys().stream().map(key -> key + ": boolean"),
        Arrays.stream(more)).toArray(String[]::new);
  }

  // --- data-service ---------------------------------------------------------------------------
  public static final String DATA_PING = request("flamingo.data.v1.ping")
      .replies("service: string", "ok: boolean", "status: string");
  public static final String DATA_CONFIG_GET = request("flamingo.data.v1.config.get")
      .needs("account")
      .replies(syncSwitches("updated_at: string"));
  public static final String DATA_CONFIG_PUT = request("flamingo.data.v1.config.put")
      .needs("account")
      .takes(syncSwitches())
      .replies(syncSwitches("updated_at: string"));
  /** Before key custody (old gateways): answers for keys wrapped under the KEK alone; others 403. */
  public static final String DATA_KEY_GET = request("flamingo.data.v1.key.get")
      .needs("account")
      .replies("master_key: string", "version: integer", "updated_at: string");
  public static final String DATA_KEY_PUT = request("flamingo.data.v1.key.put")
      .needs("account")
      .takes("master_key: string required", "expected_version: integer", "if_match: string")
      .replies("version: integer");
  /**
   * Data null when no key is stored. The gateway sets custody, account_key and account_key_id from {@link
   * #AUTH_KEY_GRANT} (never from the client). 403 when the key is held under an account key and the session has none;
   * 409 when the account key was replaced (password reset).
   */
  public static final String DATA_KEY_GET_V2 = request("flamingo.data.v2.key.get")
      .needs("account")
      .takes("custody: boolean required", "account_key: string", "account_key_id: string")
      .replies("master_key: string", "version: integer", "updated_at: string");
  /** expected_version or if_match; custody and the account key as for {@link #DATA_KEY_GET_V2}. */
  public static final String DATA_KEY_PUT_V2 = request("flamingo.data.v2.key.put")
      .needs("account")
      .takes("master_key: string required", "expected_version: integer", "if_match: string",
          "custody: boolean required", "account_key: string", "account_key_id: string")
      .replies("version: integer");
  /**
   * A master key wrapped under the KEK alone is wrapped under the account key too (auth-service, when an account's key
   * custody begins).
   */
  public static final String DATA_KEY_CONVERT = request("flamingo.data.v1.key.convert")
      .needs("account")
      .takes("account_key: string required", "account_key_id: string required")
      .replies("converted: boolean");
  public static final String DATA_BLOB_LIST = request("flamingo.data.v1.blob.list")
      .needs("account")
      .takes("since: integer|string", "limit: integer")
      .replies("items: array", "count: integer", "latest_version: integer");
  public static final String DATA_BLOB_GET = request("flamingo.data.v1.blob.get")
      .needs("account")
      .takes("type: string required", "if_none_match: string")
      .replies("data_type: string", "encrypted_blob: string", "nonce: string", "version: integer", "checksum: string",
          "blob_size_bytes: integer", "updated_at: string");
  public static final String DATA_BLOB_PUT = request("flamingo.data.v1.blob.put")
      .needs("account")
      .takes("type: string required", "encrypted_blob: string required", "nonce: string required", "checksum: string",
          "if_match: string", "expected_version: integer")
      .replies("data_type: string", "version: integer", "blob_size_bytes: integer");
  public static final String DATA_BLOB_DELETE = request("flamingo.data.v1.blob.delete")
      .needs("account")
      .takes("type: string required", "if_match: string", "expected_version: integer")
      .repliesMessage();
  /** used_bytes: the current versions; revision_bytes: the kept revisions, which count against the quota too. */
  public static final String DATA_LIMITS = request("flamingo.data.v1.limits")
      .needs("account")
      .replies("max_blob_bytes: integer", "max_account_bytes: integer", "used_bytes: integer", "data_types: array",
          "revision_bytes: integer");
  /**
   * set false: no other field. Reads the stored row only and never unwraps the key, so it answers even when the KEK
   * cannot decrypt it.
   */
  public static final String DATA_KEY_STATUS = request("flamingo.data.v1.key.status")
      .needs("account")
      .replies("set: boolean", "version: integer", "kek_id: string", "created_at: string", "updated_at: string",
          "custody: boolean", "account_key_id: string");
  /**
   * At most 500 account_ids; usage maps each id (a string) to the account's bytes, blobs and quota_bytes (null: the
   * default). Admin (gateway-checked).
   */
  public static final String DATA_ADMIN_USAGE = request("flamingo.data.v1.admin.usage")
      .takes("account_ids: array required")
      .replies("usage: object", "default_quota_bytes: integer");
  /** quota_bytes null: the default. */
  public static final String DATA_ADMIN_QUOTA_PUT = request("flamingo.data.v1.admin.quota.put")
      .needs("account")
      .takes("account_id: integer required", "quota_bytes: integer")
      .replies("account_id: integer", "quota_bytes: integer", "default_quota_bytes: integer");
  /** Over every account. */
  public static final String DATA_ADMIN_TOTALS = request("flamingo.data.v1.admin.totals")
      .replies("bytes: integer", "blobs: integer", "keys: integer");
  /**
   * An account's kept revisions of a type (issue 23), newest first. Each item: {version, blob_size_bytes, checksum,
   * written_at, device_id, device_name (the writer's name then, may be null), reason ("replaced", "deleted",
   * "restored"), kept_at, replaced_by_other_device, replaced_by_device_id, replaced_by_device_name}. For the export,
   * one page at a time: only versions below {@code before}, at most {@code limit} (1 to 100), and with
   * {@code with_blobs} each item also carries its encrypted_blob and nonce.
   */
  public static final String DATA_REVISIONS_LIST = request("flamingo.data.v1.revisions.list")
      .needs("account")
      .takes("type: string required", "before: integer", "limit: integer", "with_blobs: boolean")
      .replies("items: array", "count: integer");
  /** One revision, exactly as DATA_BLOB_GET replies an item (same text form); 404 "Revision not found". */
  public static final String DATA_REVISIONS_GET = request("flamingo.data.v1.revisions.get")
      .needs("account")
      .takes("type: string required", "version: integer required")
      .replies("data_type: string", "encrypted_blob: string", "nonce: string", "version: integer", "checksum: string",
          "blob_size_bytes: integer", "updated_at: string");
  /**
   * Makes a revision's content the type's new current version (the account's next version, a new ETag); what it
   * replaces is kept with reason "restored". As DATA_BLOB_PUT replies (and fails: 409, 412 on a stale if_match, 413);
   * 404 "Revision not found".
   */
  public static final String DATA_REVISIONS_RESTORE = request("flamingo.data.v1.revisions.restore")
      .needs("account")
      .takes("type: string required", "version: integer required", "if_match: string")
      .replies("data_type: string", "version: integer", "blob_size_bytes: integer");
  /** Deletes the kept revisions of a type (absent: of every type); how many. */
  public static final String DATA_REVISIONS_PURGE = request("flamingo.data.v1.revisions.purge")
      .needs("account")
      .takes("type: string")
      .replies("purged: integer");
  /**
   * types: [{type, revision_count, revision_bytes, trashed (deleted, restorable)}]; revision_bytes: all of them;
   * overwrites: [{type, device_id, device_name, replaced_device_id, replaced_device_name, count}] in the last 7 days.
   */
  public static final String DATA_REVISIONS_SUMMARY = request("flamingo.data.v1.revisions.summary")
      .needs("account")
      .replies("types: array", "revision_bytes: integer", "overwrites: array");
  /** Removes every row of the account in schema data (account deletion; repeatable). */
  public static final String DATA_ACCOUNT_PURGE = request("flamingo.data.v1.account.purge")
      .takes("account_id: integer required")
      .replies("rows: integer");

  // --- device-service -------------------------------------------------------------------------
  public static final String DEVICE_PING = request("flamingo.device.v1.ping")
      .replies("service: string", "ok: boolean", "status: string");
  /**
   * {@code sync}: per data type the device used, in the types' order, {@code {type, last_upload_at, last_download_at,
   * last_refused_at, last_refused_status, last_refused_message}} (null when never), from {@link #EVENT_DEVICE_SYNC}.
   */
  public static final String DEVICE_LIST = request("flamingo.device.v1.list")
      .needs("account")
      .repliesArrayOf("id: string", "name: string", "device_type: string", "is_approved: boolean",
          "is_current: boolean", "last_seen_at: string", "created_at: string", "last_ip: string", "status: string",
          "session_expires_at: string", "sync: array");
  public static final String DEVICE_REVOKE = request("flamingo.device.v1.revoke")
      .needs("account")
      .takes("id: string required")
      .repliesMessage();
  public static final String DEVICE_RENAME = request("flamingo.device.v1.rename")
      .needs("account")
      .takes("id: string required", "name: string required")
      .replies("id: string", "name: string", "device_type: string", "is_approved: boolean", "is_current: boolean",
          "last_seen_at: string", "created_at: string", "last_ip: string", "status: string",
          "session_expires_at: string");
  /** Revokes every other device of the account. */
  public static final String DEVICE_REVOKE_OTHERS = request("flamingo.device.v1.revoke-others")
      .needs("account", "device")
      .replies("revoked: integer");
  public static final String DEVICE_AUDIT_LIST = request("flamingo.device.v1.audit.list")
      .needs("account")
      .takes("limit: integer|string", "before: integer|string", "event_type: string")
      .repliesArrayOf("id: integer", "event_type: string", "ip_address: string", "metadata: object",
          "created_at: string", "device_id: string", "user_agent: string");
  /**
   * From a service's outbox relay: replies once the event is durably stored (at least once: de-duplicated by event_id).
   * topic is the address the payload was once published on: EVENT_AUDIT, EVENT_SESSION_CREATED or
   * EVENT_SESSION_REVOKED.
   */
  public static final String DEVICE_EVENTS_DELIVER = request("flamingo.device.v1.events.deliver")
      .takes("event_id: string required", "topic: string required", "payload: object required")
      .replies("stored: boolean");
  /** At most 500 account_ids; activity maps each id (a string) to its devices (not revoked) and last_seen_at. */
  public static final String DEVICE_ADMIN_ACTIVITY = request("flamingo.device.v1.admin.activity")
      .takes("account_ids: array required")
      .replies("activity: object");
  /** Over every account (active: seen within 30 days). */
  public static final String DEVICE_ADMIN_TOTALS = request("flamingo.device.v1.admin.totals")
      .replies("devices: integer", "active_devices: integer");

  // --- events (published) ---------------------------------------------------------------------
  /**
   * Gateways evict these sessions from their caches; device-service marks the devices signed out unless the reason is
   * "rotated" (same device).
   */
  public static final String EVENT_SESSION_REVOKED = event("flamingo.events.session.revoked")
      .carries("session_ids: array", "device_ids: array", "account_id: integer", "reason: string");
  /** The account's security stamp changed; gateways evict its browser logins. */
  public static final String EVENT_ACCOUNT_STAMP_CHANGED = event("flamingo.events.account.stamp")
      .carries("account_id: integer");
  public static final String EVENT_SESSION_CREATED = event("flamingo.events.session.created")
      .carries("event_id: string", "account_id: integer", "session_id: string", "device_id: string",
          "device_name: string", "device_type: string", "ip: string", "user_agent: string", "created_at: string",
          "expires_at: string");
  /** A device was used (the gateway sends at most one a minute per device). */
  public static final String EVENT_DEVICE_SEEN = event("flamingo.events.device.seen")
      .carries("device_id: string", "account_id: integer", "ip: string", "seen_at: string");
  /**
   * A gateway's coalesced sync status since its last flush ({@code FLAMINGO_SYNC_STATUS_FLUSH_MS}): per device and
   * data type, {@code {device_id, account_id, type, upload_at?, download_at?, refused_at?, refused_status?,
   * refused_message?}} (ISO times, the newest of each). Sent, not published: one device-service instance records it.
   */
  public static final String EVENT_DEVICE_SYNC = event("flamingo.events.device.sync")
      .carries("entries: array");
  public static final String EVENT_AUDIT = event("flamingo.events.audit")
      .carries("event_id: string", "event_type: string", "account_id: integer", "device_id: string", "ip: string",
          "user_agent: string", "metadata: object", "created_at: string");
  /** One browser login ended (logout); gateways evict the account's cached browser logins. */
  public static final String EVENT_BROWSER_LOGGED_OUT = event("flamingo.events.browser.logout")
      .carries("account_id: integer", "login_id: string");
  /**
   * A gateway instance's requests in the last 60 s, published every 10 s, so that any gateway can answer the server's
   * requests per minute (the admin's figures).
   */
  public static final String EVENT_GATEWAY_LOAD = event("flamingo.events.gateway.load")
      .carries("node: string", "requests_per_minute: integer", "at: integer");
}
