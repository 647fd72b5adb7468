package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/flamingo-admin} run as a process against the real one-box server: it signs in as the admin over
 * HTTP like a browser (e-mail and password; from FLAMINGO_ADMIN_PASSWORD or standard input, never the command
 * line) and each subcommand does what the admin API does, checked from the outside (the user's sign-in, a
 * device's upload, a sign-up); a non-admin, a wrong password, an unreachable server and usage errors exit 1 or
 * 2 with one line; no password is ever in what the command prints.
 */
class AdminCommandTest {
  static final String ADMIN = "admin@example.com";
  static final String USER = "user@example.com";
  static final Path SCRIPT = Path.of("..", "bin", "flamingo-admin");

  static OneBoxServer server;
  static ApiClient api;
  static String url;

  @BeforeAll
  static void start() {
    int port = TestCluster.freePort();
    url = "http://127.0.0.1:" + port;
    server = OneBoxServer.start(port, new JsonObject()
        .put(Settings.PUBLIC_URL, url)
        .put(Settings.RATE_LIMIT_LOGIN, "1000/60").put(Settings.RATE_LIMIT_REGISTER, "1000/60"));
    api = server.api();
    Pairing.register(api, ADMIN);
    server.grantAdmin(ADMIN);
    Pairing.register(api, USER);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** Runs the command as the admin, the password in FLAMINGO_ADMIN_PASSWORD. */
  static Result admin(String... args) {
    return run(ADMIN, Pairing.passwordOf(ADMIN), false, args);
  }

  /**
   * Runs bin/flamingo-admin with only the FLAMINGO_* settings named here: the URL and e-mail in the environment,
   * the password in FLAMINGO_ADMIN_PASSWORD or (viaStdin) as standard input's first line. Asserts that the
   * password is nowhere in its output.
   */
  static Result run(String email, String password, boolean viaStdin, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("FLAMINGO_ADMIN_URL", url);
    if (email != null) {
      env.put("FLAMINGO_ADMIN_EMAIL", email);
    }
    if (password != null && !viaStdin) {
      env.put("FLAMINGO_ADMIN_PASSWORD", password);
    }
    Result r = exec(env, viaStdin && password != null ? password + "\n" : "", args);
    if (password != null) {
      assertFalse(r.out.contains(password) || r.err.contains(password), "the password was printed: " + r);
    }
    return r;
  }

  static Result exec(Map<String, String> env, String stdin, String... args) {
    try {
      Path out = Files.createTempFile("flamingo-admin", ".out");
      Path err = Files.createTempFile("flamingo-admin", ".err");
      try {
        List<String> command = new ArrayList<>(List.of("python3", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("FLAMINGO_"));
        // no kept session (bin/flamingo-admin login) of the user running the tests: each command signs in
        pb.environment().put("FLAMINGO_ADMIN_SESSION_FILE", out.resolveSibling(out.getFileName() + ".no-session").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("bin/flamingo-admin " + String.join(" ", args) + " did not end within 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Result ok(Result r) {
    assertEquals(0, r.code, r.toString());
    return r;
  }

  /** A failure: exit 1 and one line on standard error, nothing on standard output. */
  static Result failed(Result r) {
    assertEquals(1, r.code, r.toString());
    assertEquals(1, r.err.strip().lines().count(), "one line: " + r);
    assertEquals("", r.out, r.toString());
    return r;
  }

  static Response login(String email) {
    return api.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", Pairing.passwordOf(email)));
  }

  static Response register(String email, String invite) {
    JsonObject body = new JsonObject().put("email", email).put("password", Pairing.passwordOf(email));
    if (invite != null) {
      body.put("invite", invite);
    }
    return api.post("/api/auth/register", null, body);
  }

  static Response upload(String token, String type, int bytes) {
    return api.put("/api/sync/data/" + type, token, new JsonObject()
        .put("encrypted_blob", Base64.getEncoder().encodeToString(new byte[bytes])).put("nonce", "bm9uY2Vub25jZTEy"));
  }

  static long idOf(String email) {
    JsonArray accounts = new JsonObject(ok(admin("--json", "accounts", email)).out).getJsonArray("accounts");
    return accounts.stream().map(o -> (JsonObject) o).filter(a -> a.getString("email").equals(email))
        .findFirst().orElseThrow(() -> new AssertionError(email + " not listed")).getLong("account_id");
  }

  static void eventually(String what, BooleanSupplier check) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!check.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void accountsListsEveryAccountWithItsEmailAndThePasswordMayComeOnStandardInput() {
    Result table = ok(admin("accounts"));
    assertTrue(table.out.contains(ADMIN) && table.out.contains(USER), table.toString());
    assertTrue(table.out.lines().anyMatch(l -> l.contains(ADMIN) && l.contains("admin")), table.toString());
    assertTrue(table.out.startsWith("ID"), "a table with a header: " + table);

    JsonObject data = new JsonObject(ok(admin("accounts", "--json")).out);
    List<String> emails = data.getJsonArray("accounts").stream().map(o -> ((JsonObject) o).getString("email")).toList();
    assertTrue(emails.contains(ADMIN) && emails.contains(USER), data.encode());
    assertTrue(data.getLong("total") >= 2, data.encode());

    // the password on standard input: with --password-stdin, and as a pipe (not a terminal) without it
    Result piped = ok(run(ADMIN, Pairing.passwordOf(ADMIN), true, "--password-stdin", "accounts", "user@"));
    assertTrue(piped.out.contains(USER), piped.toString());
    assertFalse(piped.out.contains(ADMIN), "QUERY filters: " + piped);
    Result plainPipe = ok(run(ADMIN, Pairing.passwordOf(ADMIN), true, "accounts", "--limit", "1", "--json"));
    assertEquals(1, new JsonObject(plainPipe.out).getJsonArray("accounts").size(), plainPipe.toString());
    // no password at all: a usage error before anything is sent
    Result none = run(ADMIN, null, false, "accounts");
    assertEquals(2, none.code, none.toString());
  }

  @Test
  void disableRefusesTheUsersSignInAndEnableRestoresIt() {
    String email = "toggle@example.com";
    Pairing.register(api, email);
    assertEquals(200, login(email).status);
    Result off = ok(admin("disable", email));
    assertTrue(off.out.startsWith("Account disabled: " + email), off.toString());
    Response refused = login(email);
    assertEquals(403, refused.status, refused.toString());
    assertEquals("This account is disabled", refused.error());
    assertTrue(ok(admin("accounts", email)).out.contains("disabled"));

    Result on = ok(admin("enable", String.valueOf(idOf(email)))); // by id too
    assertTrue(on.out.startsWith("Account enabled"), on.toString());
    assertEquals(200, login(email).status);

    Result unknown = failed(admin("disable", "nobody@example.com"));
    assertTrue(unknown.err.contains("nobody@example.com"), unknown.toString());
    Result unknownId = failed(admin("disable", "987654321"));
    assertTrue(unknownId.err.contains("Account not found"), "the envelope's error: " + unknownId);
    Result own = failed(admin("disable", ADMIN));
    assertTrue(own.err.contains("your own account"), own.toString());
  }

  @Test
  void signOutEndsTheAccountsSessions() {
    String email = "signout@example.com";
    String token = Pairing.pairDevice(api, Pairing.register(api, email), "Signout laptop");
    assertEquals(200, api.get("/api/sync/config", token).status);
    Result r = ok(admin("sign-out", email));
    assertTrue(r.out.contains("1 session revoked"), r.toString());
    eventually("the session is refused", () -> api.get("/api/sync/config", token).status == 401);
    assertEquals(200, login(email).status, "signed out, not disabled");
  }

  @Test
  void aQuotaOf1KiBRefusesAnUploadOverItWith413AndDefaultLiftsIt() {
    String email = "quota@example.com";
    String token = Pairing.pairDevice(api, Pairing.register(api, email), "Quota laptop");
    Result set = ok(admin("quota", email, "1KiB"));
    assertTrue(set.out.contains("1 KiB (1024 bytes)"), set.toString());
    Response over = upload(token, "history", 1500);
    assertEquals(413, over.status, over.toString());
    assertEquals(200, upload(token, "history", 1000).status);
    JsonObject json = new JsonObject(ok(admin("quota", email, "2MiB", "--json")).out);
    assertEquals(2L * 1024 * 1024, json.getLong("quota_bytes"), json.encode());
    Result back = ok(admin("quota", email, "default"));
    assertTrue(back.out.contains("default"), back.toString());
    assertEquals(200, upload(token, "setting", 1500).status, "the default quota again");

    Result bad = admin("quota", email, "lots");
    assertEquals(2, bad.code, bad.toString());
  }

  @Test
  void signupsCloseAndAnInviteLetsOneAccountRegisterWhileInviteOnly() {
    try {
      assertTrue(ok(admin("signups")).out.contains("open"));
      ok(admin("signups", "closed"));
      Response closed = register("late@example.com", null);
      assertEquals(403, closed.status, closed.toString());
      assertTrue(ok(admin("signups")).out.startsWith("Sign-ups: closed"));

      ok(admin("signups", "invite-only"));
      assertEquals(403, register("invited@example.com", null).status);
      Result invite = ok(admin("invite", "--note", "for Ada", "--days", "3"));
      String link = invite.out.strip();
      assertTrue(link.matches(Pattern.quote(url) + "/login\\?invite=flm_inv_\\S+"), invite.toString());
      String code = link.substring(link.indexOf("invite=") + 7);
      assertEquals(200, register("invited@example.com", code).status);
      assertEquals(403, register("second@example.com", code).status, "one sign-up each");
      Result invites = ok(admin("invites"));
      assertTrue(invites.out.lines().anyMatch(l -> l.contains("used") && l.contains("for Ada")), invites.toString());

      JsonObject other = new JsonObject(ok(admin("invite", "--json")).out);
      String otherCode = other.getString("url").replaceAll(".*invite=", "");
      Result revoked = ok(admin("revoke-invite", other.getString("id")));
      assertTrue(revoked.out.startsWith("Invite revoked"), revoked.toString());
      assertEquals(403, register("third@example.com", otherCode).status);
      failed(admin("revoke-invite", other.getString("id")));
      Result wrongMode = admin("signups", "sometimes");
      assertEquals(2, wrongMode.code, wrongMode.toString());
    } finally {
      admin("signups", "open");
    }
    assertEquals(200, register("open-again@example.com", null).status);
  }

  @Test
  void deleteNeedsYesAndThenRemovesTheAccount() {
    String email = "doomed@example.com";
    Pairing.register(api, email);
    Result refused = admin("delete", email);
    assertEquals(2, refused.code, refused.toString());
    assertTrue(refused.err.contains("--yes"), refused.toString());
    assertEquals(200, login(email).status, "nothing was deleted");

    Result gone = ok(admin("delete", email, "--yes"));
    assertTrue(gone.out.startsWith("Account deleted: " + email), gone.toString());
    assertEquals(401, login(email).status);
    assertFalse(ok(admin("accounts")).out.contains(email));
    failed(admin("delete", email, "--yes"));
  }

  /**
   * reset-password needs --yes, then prints a one-time link and no password: the admin never chooses one (a
   * FLAMINGO_NEW_PASSWORD is not read any more); the old password stops working and the owner sets the new one there.
   */
  @Test
  void resetPasswordNeedsYesThenPrintsAOneTimeLinkForTheOwner() {
    String email = "forgetful@example.com";
    Pairing.register(api, email);
    Result refused = admin("reset-password", email);
    assertEquals(2, refused.code, refused.toString());
    assertTrue(refused.err.contains("--yes"), refused.toString());
    assertEquals(200, login(email).status, "nothing changed");

    String chosen = "the admin's choice 1234";
    Result done = exec(Map.of("FLAMINGO_ADMIN_URL", url, "FLAMINGO_ADMIN_EMAIL", ADMIN, "FLAMINGO_NEW_PASSWORD", chosen),
        Pairing.passwordOf(ADMIN) + "\n" + chosen + "\n", "--password-stdin", "reset-password", email, "--yes");
    ok(done);
    assertTrue(done.out.startsWith("Password reset: " + email), done.toString());
    Matcher link = Pattern.compile(Pattern.quote(url)
        + "/reset\\?token=(flm_reset_[0-9a-f]{64})").matcher(done.out);
    assertTrue(link.find(), "the link is printed: " + done);
    assertEquals(401, login(email).status, "the old password no longer signs in");
    assertEquals(401, api.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", chosen)).status,
        "nor a password the admin chose");
    String mine = "correct horse battery staple 42";
    assertEquals(200, api.post("/api/auth/reset-password", null, new JsonObject().put("token", link.group(1))
        .put("password", mine)).status);
    assertEquals(200, api.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", mine)).status);

    Result json = ok(exec(Map.of("FLAMINGO_ADMIN_URL", url, "FLAMINGO_ADMIN_EMAIL", ADMIN,
        "FLAMINGO_ADMIN_PASSWORD", Pairing.passwordOf(ADMIN)), "", "reset-password", email, "--yes", "--json"));
    assertTrue(new JsonObject(json.out).getString("reset_url").startsWith(url + "/reset?token=flm_reset_"), json.toString());
  }

  @Test
  void figuresReportTheServer() {
    Result r = ok(admin("figures"));
    assertTrue(r.out.lines().anyMatch(l -> l.startsWith("accounts")), r.toString());
    assertTrue(r.out.contains("sign-ups"), r.toString());
    JsonObject f = new JsonObject(ok(admin("figures", "--json")).out);
    assertTrue(f.getLong("accounts") >= 2, f.encode());
  }

  @Test
  void roleGrantsAndRevokesTheAdminRoleAndTheLogShowsEveryAdminAction() {
    String email = "deputy@example.com";
    Pairing.register(api, email);
    Result granted = ok(admin("role", email, "admin"));
    assertTrue(granted.out.startsWith("Admin role granted: " + email), granted.toString());
    assertTrue(ok(admin("accounts", email)).out.contains("active,admin"));
    Result revoked = ok(admin("role", email, "none"));
    assertTrue(revoked.out.startsWith("Admin role revoked: " + email), revoked.toString());
    Result own = failed(admin("role", ADMIN, "none"));
    assertTrue(own.err.contains("your own account"), own.toString());

    Result log = ok(admin("log", "--limit", "2"));
    List<String> lines = log.out.lines().toList();
    assertTrue(lines.get(0).startsWith("ID"), log.toString());
    assertTrue(lines.get(1).contains("account.admin_revoked") && lines.get(1).contains(email)
        && lines.get(1).contains(ADMIN), "newest first, with the admin and the account: " + log);
    assertTrue(lines.get(2).contains("account.admin_granted"), log.toString());
    assertTrue(lines.get(3).startsWith("older: log --before "), log.toString());
    long before = Long.parseLong(lines.get(3).substring("older: log --before ".length()));
    JsonObject page = new JsonObject(ok(admin("log", "--json", "--limit", "1", "--before", String.valueOf(before))).out);
    assertTrue(page.getJsonArray("entries").getJsonObject(0).getLong("id") < before, "the older page: " + page.encode());
  }

  @Test
  void aNonAdminAndAWrongPasswordExit1WithOneLine() {
    Result plain = failed(run(USER, Pairing.passwordOf(USER), false, "accounts"));
    assertTrue(plain.err.toLowerCase(Locale.ROOT).contains("admins only"), plain.toString());
    Result plainStdin = failed(run(USER, Pairing.passwordOf(USER), true, "--password-stdin", "disable", ADMIN));
    assertTrue(plainStdin.err.toLowerCase(Locale.ROOT).contains("admins only"), plainStdin.toString());
    assertEquals(200, login(ADMIN).status, "nothing happened");

    String wrong = "not the admin's password";
    Result bad = failed(run(ADMIN, wrong, false, "accounts"));
    assertTrue(bad.err.contains("wrong e-mail or password"), bad.toString());
  }

  @Test
  void usageErrorsExit2AndAnUnreachableServerExits1() {
    Result none = admin();
    assertEquals(2, none.code, none.toString());
    Result unknown = admin("frobnicate");
    assertEquals(2, unknown.code, unknown.toString());
    Result missing = admin("disable");
    assertEquals(2, missing.code, missing.toString());
    Result noEmail = run(null, Pairing.passwordOf(ADMIN), false, "accounts");
    assertEquals(2, noEmail.code, noEmail.toString());

    Result help = ok(admin("--help"));
    for (String command : List.of("accounts", "disable", "enable", "sign-out", "delete", "quota", "signups", "invite",
        "invites", "revoke-invite", "figures", "exit codes", "FLAMINGO_ADMIN_PASSWORD", "--password-stdin")) {
      assertTrue(help.out.contains(command), command + " in --help");
    }

    Map<String, String> env = Map.of("FLAMINGO_ADMIN_EMAIL", ADMIN, "FLAMINGO_ADMIN_PASSWORD", Pairing.passwordOf(ADMIN));
    Result unreachable = failed(exec(env, "", "--url", "http://127.0.0.1:" + TestCluster.freePort(), "accounts"));
    assertTrue(unreachable.err.contains("cannot reach"), unreachable.toString());
  }

  @Test
  void plainHttpToAnotherHostNeedsInsecure() {
    Map<String, String> env = Map.of("FLAMINGO_ADMIN_EMAIL", ADMIN, "FLAMINGO_ADMIN_PASSWORD", Pairing.passwordOf(ADMIN));
    // refused before anything is sent (no connection, no name lookup): exit 2, one line that says what to do
    for (String remote : List.of("http://sync.example.com", "http://192.0.2.10:8080/", "http://[2001:db8::7]:8080")) {
      Result r = exec(env, "", "--url", remote, "accounts");
      assertEquals(2, r.code, r.toString());
      assertEquals(1, r.err.strip().lines().count(), "one line: " + r);
      assertTrue(r.err.contains("plain http") && r.err.contains("--insecure") && r.err.contains("https://"), r.toString());
      assertEquals("", r.out, r.toString());
    }
    Result fromEnv = exec(Map.of("FLAMINGO_ADMIN_EMAIL", ADMIN, "FLAMINGO_ADMIN_PASSWORD", Pairing.passwordOf(ADMIN),
        "FLAMINGO_ADMIN_URL", "http://sync.example.com"), "", "figures");
    assertEquals(2, fromEnv.code, fromEnv.toString());
    // loopback over http is fine (this test's server), and so is any host with --insecure: 0.0.0.0 is no loopback
    // address, yet Linux connects it to this machine, where the server answers
    ok(admin("figures"));
    ok(exec(env, "", "--url", "http://localhost:" + server.port(), "figures"));
    Result plainAny = exec(env, "", "--url", "http://0.0.0.0:" + server.port(), "figures");
    assertEquals(2, plainAny.code, plainAny.toString());
    Result insecure = exec(env, "", "--insecure", "--url", "http://0.0.0.0:" + server.port(), "figures");
    assertTrue(insecure.code != 2 && !insecure.err.contains("--insecure"), "it went ahead: " + insecure);
  }
}
