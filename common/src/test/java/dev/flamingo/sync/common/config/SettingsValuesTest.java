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
}
