-- Two-factor sign-in (issue 24). Nothing here opens a second factor from a database dump alone: the TOTP secret is
-- sealed with the key-encryption key (AES-256-GCM, the account id as associated data), recovery codes and the
-- pending second step's token are stored as SHA-256 only.

-- one TOTP authenticator per account; confirmed_at null while the enrollment waits for its first code. last_step is
-- the 30-second step of the last accepted code: a code is never accepted twice (RFC 6238 section 5.2)
create table totp_factors (
  account_id    bigint primary key references accounts(id) on delete cascade,
  secret_sealed bytea not null,
  secret_iv     bytea not null,
  kek_id        text not null,
  confirmed_at  timestamptz,
  last_step     bigint not null default 0,
  created_at    timestamptz not null default now()
);

-- ten one-time recovery codes per account (about 79 random bits each), shown once: SHA-256 of a random 128-bit salt
-- and the code; used_at set when one is spent
create table recovery_codes (
  account_id bigint not null references accounts(id) on delete cascade,
  salt       bytea not null,
  code_hash  bytea not null,
  used_at    timestamptz,
  primary key (account_id, code_hash)
);

-- the second step of a sign-in: made by a right password, finished by one verifier (TOTP, recovery code, passkey)
-- on any gateway; short-lived, a few attempts each
create table second_steps (
  id_hash    bytea primary key,
  account_id bigint not null references accounts(id) on delete cascade,
  client_ip  text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  attempts   int not null default 0,
  done_at    timestamptz
);
create index second_steps_expiry on second_steps (expires_at);

-- failed second steps, for the per-account and per-address limits (a sliding window, cleaned up)
create table second_step_failures (
  account_id bigint not null references accounts(id) on delete cascade,
  client_ip  text,
  failed_at  timestamptz not null default now()
);
create index second_step_failures_account on second_step_failures (account_id, failed_at);
create index second_step_failures_ip on second_step_failures (client_ip, failed_at);

-- when the operator's (or an admin's) password reset last removed the account's second factors, for the owner to see
alter table accounts add column second_factors_reset_at timestamptz;
