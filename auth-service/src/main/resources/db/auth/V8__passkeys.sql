-- Passkeys and security keys (WebAuthn): one row per credential, with the public key (COSE, base64url) and the
-- signature counter the authenticator last reported (a counter that does not grow means a cloned key).
create table passkeys (
  id            bigserial primary key,
  account_id    bigint not null references accounts(id) on delete cascade,
  credential_id text not null unique,
  public_key    text not null,
  aaguid        text not null,
  sign_count    bigint not null,
  name          text not null,
  created_at    timestamptz not null default now(),
  last_used_at  timestamptz
);
create index passkeys_account on passkeys (account_id);

-- The challenge of a registration or sign-in ceremony in progress: only its SHA-256, single use, minutes long.
-- In the database, not one gateway's memory: a ceremony may begin on one gateway and end on another.
create table passkey_challenges (
  challenge_hash bytea primary key,
  account_id     bigint not null references accounts(id) on delete cascade,
  purpose        text not null check (purpose in ('register', 'sign_in')),
  expires_at     timestamptz not null
);
create index passkey_challenges_account on passkey_challenges (account_id);
