-- Key custody: the account key (AK) that the master key is wrapped under (in data-service), stored here only
-- wrapped under keys the server does not keep. See README, "Key custody".
--   password_wrap: AES-256-GCM(Argon2id(password, kdf_salt, kdf_params), key_id || AK), aad = purpose + account
--   sessions.key_grant: the same under HKDF(raw session token): what lets that one session open the key
--   temp_tokens.key_grant: the pending grant of a claimed temp token, under HKDF(raw temp token), until /token
-- key_id changes when a password reset replaces AK (the old master key can then not be opened: by design).
create table account_keys (
  account_id    bigint primary key references accounts(id) on delete cascade,
  key_id        uuid not null,
  kdf_salt      bytea not null,
  kdf_params    text not null,
  password_wrap bytea not null,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);

alter table sessions add column key_grant bytea;
alter table temp_tokens add column key_grant bytea;
