package dev.flamingo.sync.data.blob;

import java.time.Instant;

/**
 * What the one-statement blob PUT decided: {@link #OK} with the new version and time; a refusal (409 the type
 * is disabled, 412 If-Match names another version, 413 over the account quota) with the item's version at the
 * time of the decision ({@code current}, null when missing) and, for 413, the account's quota and the bytes it would
 * store ({@code quota}, {@code used}); or {@link #RACED}: another write of the account
 * committed while the statement ran, nothing was written and the caller must decide again under the lock.
 */
record PutOutcome(int status, Long current, long version, Instant updatedAt, long quota, long used) {
  static final int OK = 200;
  static final int RACED = 0;
  /** The account's purge has begun (its counter row is marked): refused with 409 {@link ChangeCounter#DELETING}. */
  static final int DELETING = 1;

  PutOutcome(int status, Long current, long version, Instant updatedAt) {
    this(status, current, version, updatedAt, 0, 0);
  }
}
