package dev.flamingo.sync.data.blob;

import java.time.Instant;

/**
 * What the one-statement blob PUT decided ({@link BlobStore#put}), as the statement's verdict: the item was
 * {@link Stored}; or it was refused, with what the refusal reports; or {@link Raced}: another write of the
 * account committed while the statement ran, nothing was written and the caller must decide again under the
 * lock. HTTP statuses are not decided here: {@link BlobService} maps a refusal to its failure, once.
 */
sealed interface PutOutcome {
  /** Written at {@code version} (the account's next), committed at {@code updatedAt}. */
  record Stored(long version, Instant updatedAt) implements PutOutcome {}

  /** Another write of the account committed first: nothing was written. */
  record Raced() implements PutOutcome {}

  /** The account's purge has begun (its counter row is marked). */
  record AccountDeleting() implements PutOutcome {}

  /** The type's sync is disabled in the account's sync config. */
  record TypeDisabled() implements PutOutcome {}

  /** If-Match named another version than the item's; {@code current} is the item's (null when missing). */
  record PreconditionFailed(Long current) implements PutOutcome {}

  /** The account's items with this one ({@code used} bytes) would exceed its {@code quota}. */
  record QuotaExceeded(long quota, long used) implements PutOutcome {}

  /** The SQL verdicts ({@link BlobStore#put}'s {@code verdict} column), one per refusal or a write. */
  String STORE = "store";
  String DELETING = "deleting";
  String DISABLED = "disabled";
  String STALE = "stale";
  String OVER_QUOTA = "over_quota";
}
