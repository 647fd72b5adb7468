package dev.flamingo.sync.auth.account;

import com.nulabinc.zxcvbn.Feedback;
import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import dev.flamingo.sync.common.bus.ServiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one rule for a NEW password (sign-up, change, reset; a sign-in never checks it, so older passwords keep
 * working): 12 to 1024 characters (ASVS 2.1.1, 2.1.2) and not easy to guess (ASVS 2.1.7): zxcvbn's score at
 * least 3 of 4 ("safely unguessable: moderate protection from an offline slow-hash scenario"), with the
 * account's e-mail (and its parts) counted as known to an attacker. zxcvbn's time grows fast with the length,
 * so only the first {@link #SCORED} characters are scored: a password that long is strong by its start or not
 * at all. The scoring takes up to tens of milliseconds: call it off the event loop.
 */
public final class PasswordPolicy {
  public static final int MIN_LENGTH = 12;
  public static final int MAX_LENGTH = 1024;
  /** How many leading characters zxcvbn scores (its cost grows fast with the length: 64 stays under 50 ms). */
  static final int SCORED = 64;
  static final int MIN_SCORE = 3;
  static final String TOO_EASY = "Password is too easy to guess";
  static final String LIKE_EMAIL = "It contains your e-mail address or a part of it.";
  /** zxcvbn's name for the dictionary of the user inputs. */
  private static final String USER_INPUTS = "user_inputs";

  private PasswordPolicy() {}

  /** Loaded once (its dictionaries), on first use; thread-safe. */
  private static final class Scorer {
    static final Zxcvbn ZXCVBN = new Zxcvbn();
  }

  /** Why {@code password} may not be a new password of the account {@code email} (may be null), or null if it may. */
  public static String problem(String password, String email) {
    if (password == null || password.length() < MIN_LENGTH) {
      return "Password must be at least " + MIN_LENGTH + " characters";
    }
    if (password.length() > MAX_LENGTH) {
      return "Password must be at most " + MAX_LENGTH + " characters";
    }
    String scored = password.length() > SCORED ? password.substring(0, SCORED) : password;
    Strength strength = Scorer.ZXCVBN.measure(scored, userInputs(email));
    if (strength.getScore() >= MIN_SCORE) {
      return null;
    }
    if (strength.getSequence().stream().anyMatch(m -> USER_INPUTS.equals(m.dictionaryName))) {
      return TOO_EASY + ": " + LIKE_EMAIL;
    }
    Feedback feedback = strength.getFeedback();
    String why = feedback.getWarning(Locale.ENGLISH);
    if (why == null || why.isBlank()) {
      List<String> suggestions = feedback.getSuggestions(Locale.ENGLISH);
      why = suggestions.isEmpty() ? "Add another word or two. Uncommon words are better." : suggestions.get(0);
    }
    return TOO_EASY + ": " + why;
  }

  /** Throws 400 with the reason when {@code password} may not be a new password of {@code email}. */
  public static void check(String password, String email) {
    String problem = problem(password, email);
    if (problem != null) {
      throw ServiceException.badRequest(problem);
    }
  }

  /** What an attacker knows of this account: its e-mail, the part before the @, and the words of both. */
  private static List<String> userInputs(String email) {
    List<String> inputs = new ArrayList<>();
    if (email == null || email.isBlank()) {
      return inputs;
    }
    String e = email.trim().toLowerCase(Locale.ROOT);
    inputs.add(e);
    int at = e.indexOf('@');
    if (at > 0) {
      inputs.add(e.substring(0, at));
      inputs.add(e.substring(at + 1));
    }
    for (String word : e.split("[^\\p{L}\\p{N}]+")) {
      if (word.length() >= 3 && !inputs.contains(word)) {
        inputs.add(word);
      }
    }
    return inputs;
  }
}
