package dev.flamingo.sync.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.ops.LogFormat;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Values a self-hoster writes: the usual spellings are read, anything else is refused in a line naming the variable. */
class SettingsValuesTest {
  static Settings with(String key, String value) {
    return new Settings(new JsonObject().put(key, value));
  }

  @Test
  void yesNoValuesInTheUsualSpellings() {
    for (String yes : new String[] {"true", "TRUE", "yes", "Yes", "on", "1"}) {
      assertTrue(with(Settings.SIGNUPS_ALLOWED, yes).bool(Settings.SIGNUPS_ALLOWED, false), yes);
    }
    for (String no : new String[] {"false", "no", "OFF", "0"}) {
      assertFalse(with(Settings.SIGNUPS_ALLOWED, no).bool(Settings.SIGNUPS_ALLOWED, true), no);
    }
    Settings.InvalidSetting e = assertThrows(Settings.InvalidSetting.class,
        () -> with(Settings.SIGNUPS_ALLOWED, "yep").bool(Settings.SIGNUPS_ALLOWED, true));
    assertEquals("FLAMINGO_SIGNUPS_ALLOWED=yep is not a yes/no value (true or false, yes or no, on or off)", e.getMessage());
    assertTrue(with(Settings.SIGNUPS_ALLOWED, " ").bool(Settings.SIGNUPS_ALLOWED, true), "blank: the default");
  }

  @Test
  void theSignUpModeComesFromSignupModeElseFromSignupsAllowedAndABadOneIsNamed() {
    assertEquals("open", new Settings(new JsonObject()).signupMode());
    assertEquals("closed", with(Settings.SIGNUPS_ALLOWED, "no").signupMode());
    assertEquals("invite-only", with(Settings.SIGNUP_MODE, "Invite_Only").signupMode());
    assertEquals("FLAMINGO_SIGNUP_MODE=friends is not a sign-up mode (open, invite-only or closed)",
        assertThrows(Settings.InvalidSetting.class, () -> with(Settings.SIGNUP_MODE, "friends").validate()).getMessage());
  }

  @Test
  void sizesTakeUnitsAndOtherNumbersDoNot() {
    assertEquals(10L << 20, with(Settings.MAX_BODY_BYTES, "10MB").number(Settings.MAX_BODY_BYTES, 0));
    assertEquals(10L << 20, with(Settings.MAX_BODY_BYTES, "10 MiB").number(Settings.MAX_BODY_BYTES, 0));
    assertEquals(512L << 10, with(Settings.MAX_BODY_BYTES, "512k").number(Settings.MAX_BODY_BYTES, 0));
    assertEquals(1L << 30, with(Settings.MAX_BODY_BYTES, "1GiB").number(Settings.MAX_BODY_BYTES, 0));
    assertEquals(1000, with(Settings.MAX_BODY_BYTES, "1000").number(Settings.MAX_BODY_BYTES, 0));
    Settings.InvalidSetting size = assertThrows(Settings.InvalidSetting.class,
        () -> with(Settings.MAX_BODY_BYTES, "ten megs").number(Settings.MAX_BODY_BYTES, 0));
    assertTrue(size.getMessage().startsWith("FLAMINGO_MAX_BODY_BYTES=ten megs is not a size"), size.getMessage());
    Settings.InvalidSetting port = assertThrows(Settings.InvalidSetting.class,
        () -> with(Settings.HTTP_PORT, "8080k").integer(Settings.HTTP_PORT, 0));
    assertEquals("FLAMINGO_HTTP_PORT=8080k is not a whole number", port.getMessage());
    assertThrows(Settings.InvalidSetting.class, () -> with(Settings.HTTP_PORT, "99999999999").integer(Settings.HTTP_PORT, 0));
  }

  @Test
  void validateNamesTheFirstBadValueAndAJdbcUrl() {
    assertEquals("FLAMINGO_SESSION_TTL_DAYS=ninety is not a whole number", assertThrows(Settings.InvalidSetting.class,
        () -> with(Settings.SESSION_TTL_DAYS, "ninety").validate()).getMessage());
    String jdbc = assertThrows(Settings.InvalidSetting.class,
        () -> with(Settings.DB_URL, "jdbc:postgresql://flamingo:s3cret@db:5432/flamingo").validate()).getMessage();
    assertTrue(jdbc.startsWith("FLAMINGO_DB_URL=jdbc:postgresql://flamingo:***@db:5432/flamingo is a JDBC URL"), jdbc);
    assertFalse(jdbc.contains("s3cret"), "no password in the message");
    assertThrows(Settings.InvalidSetting.class, () -> with(Settings.DB_URL, "mysql://db/x").validate());
    with(Settings.DB_URL, "postgres://u@h/db").validate();
    new Settings(new JsonObject()).validate();
  }

  /** logback reads FLAMINGO_LOG_FORMAT before any settings: any case of json or text works, anything else stops the start. */
  @Test
  void theLogFormatTakesAnyCaseAndRefusesOtherValues() {
    String before = System.getProperty(Settings.LOG_FORMAT);
    try {
      for (String json : new String[] {"JSON", "json", " Json "}) {
        System.setProperty("FLAMINGO_LOG_FORMAT", json);
        assertEquals("JSON", new LogFormat().getPropertyValue(), json);
        new Settings(new JsonObject()).validate();
      }
      System.setProperty("FLAMINGO_LOG_FORMAT", "text");
      assertEquals("TEXT", new LogFormat().getPropertyValue());
      System.setProperty("FLAMINGO_LOG_FORMAT", "xml");
      assertEquals("FLAMINGO_LOG_FORMAT=xml is not a log format (TEXT or JSON)",
          assertThrows(Settings.InvalidSetting.class, () -> new Settings(new JsonObject()).validate()).getMessage());
    } finally {
      if (before == null) {
        System.clearProperty("FLAMINGO_LOG_FORMAT");
      } else {
        System.setProperty("FLAMINGO_LOG_FORMAT", before);
      }
    }
  }

  static String refusal(String key, String value) {
    return assertThrows(Settings.InvalidSetting.class, () -> with(key, value).validate()).getMessage();
  }

  @Test
  void everySettingIsCheckedByItsKindBeforeAnythingStarts() {
    assertEquals("FLAMINGO_PUBLIC_URL=sync.example.com is not a public URL: http(s)://host[:port] with no path or"
        + " query, e.g. https://sync.example.com", refusal(Settings.PUBLIC_URL, "sync.example.com"));
    for (String bad : new String[] {"ftp://sync.example.com", "https://sync.example.com/app", "https://x.test/?a=1",
        "https://user@x.test", "https://"}) {
      assertTrue(refusal(Settings.PUBLIC_URL, bad).startsWith("FLAMINGO_PUBLIC_URL=" + bad + " is not a public URL"), bad);
    }
    for (String good : new String[] {"https://sync.example.com", "http://127.0.0.1:8080/", "https://[::1]:8443"}) {
      with(Settings.PUBLIC_URL, good).validate();
    }
    assertEquals("FLAMINGO_HTTP_PORT=80800 is not a port (1 to 65535)", refusal(Settings.HTTP_PORT, "80800"));
    assertEquals("FLAMINGO_HTTP_PORT=0 is not a port (1 to 65535)", refusal(Settings.HTTP_PORT, "0"));
    with(Settings.OPS_PORT, "0").validate(); // off
    assertEquals("FLAMINGO_OPS_PORT=70000 is not a port (0 to 65535)", refusal(Settings.OPS_PORT, "70000"));
    assertEquals("FLAMINGO_RATE_LIMIT_LOGIN=10 is not a rate limit: COUNT/SECONDS, e.g. 10/60 (10 requests a minute)",
        refusal(Settings.RATE_LIMIT_LOGIN, "10"));
    assertTrue(refusal(Settings.RATE_LIMIT_EXPORT, "5/0").startsWith("FLAMINGO_RATE_LIMIT_EXPORT=5/0 is not a rate"));
    with(Settings.RATE_LIMIT_LOGIN, " 20 / 60 ").validate();
    assertTrue(refusal(Settings.MAX_ACCOUNT_BYTES, "lots").startsWith("FLAMINGO_MAX_ACCOUNT_BYTES=lots is not a size"));
    assertEquals("FLAMINGO_AUDIT_BATCH_SIZE=-5 is negative", refusal(Settings.AUDIT_BATCH_SIZE, "-5"));
    assertTrue(refusal(Settings.METRICS, "maybe").startsWith("FLAMINGO_METRICS=maybe is not a yes/no value"));
  }

  @Test
  void anUnknownNameIsRefusedWithTheClosestKnownOne() {
    assertEquals("FLAMINGO_PUBLIC_ULR is not a setting of this server: did you mean FLAMINGO_PUBLIC_URL? (see"
        + " docs/configuration.md)", refusal("FLAMINGO_PUBLIC_ULR", "https://sync.example.com"));
    assertEquals("FLAMINGO_SIGNUP_MOD is not a setting of this server: did you mean FLAMINGO_SIGNUP_MODE? (see"
        + " docs/configuration.md)", refusal("FLAMINGO_SIGNUP_MOD", "closed"));
    assertEquals("FLAMINGO_ZZZZZZZZZZZZZZZZZZZ is not a setting of this server (see docs/configuration.md)",
        refusal("FLAMINGO_ZZZZZZZZZZZZZZZZZZZ", "1"));
    // names of the scripts, the compose file and the tests are not server settings, and not mistakes
    for (String other : new String[] {"FLAMINGO_TEST_DATABASE", "FLAMINGO_PROXY_IP", "FLAMINGO_JAVA_OPTS", "PATH"}) {
      with(other, "x").validate();
    }
  }

  @Test
  void aDatabasePasswordWithSlashAtAndHashIsReadPercentEncodedOrApart() {
    String password = "p/@#:x%Tr0ub4dor";
    var encoded = with(Settings.DB_URL, "postgresql://flamingo:p%2F%40%23%3Ax%25Tr0ub4dor@db.test:5432/flamingo")
        .validate().dbConnectOptions();
    assertEquals("flamingo", encoded.getUser());
    assertEquals(password, encoded.getPassword());
    assertEquals("db.test", encoded.getHost());
    assertEquals("flamingo", encoded.getDatabase());
    var apart = new Settings(new JsonObject().put(Settings.DB_URL, "postgresql://ignored:old@db.test/flamingo")
        .put(Settings.DB_USER, "flamingo").put(Settings.DB_PASSWORD, password)).validate().dbConnectOptions();
    assertEquals("flamingo", apart.getUser());
    assertEquals(password, apart.getPassword());
    for (String raw : new String[] {"p/x", "p@x", "p#x", "p/@#:x"}) {
      String m = refusal(Settings.DB_URL, "postgresql://flamingo:" + raw + "@db.test:5432/flamingo");
      assertTrue(m.startsWith("FLAMINGO_DB_URL cannot be read"), m);
      assertTrue(m.contains("percent-encode") && m.contains("FLAMINGO_DB_PASSWORD"), m);
      assertFalse(m.contains(raw) || m.contains("\n"), m);
    }
    assertEquals("postgresql://flamingo:***@db.test:5432/flamingo",
        with(Settings.DB_URL, "postgresql://flamingo:p/@#x@db.test:5432/flamingo").dbUrlShown());
  }
}
