-- auth-service: accounts, device-flow temp tokens, sessions. Only SHA-256 hashes of tokens are stored.
create table accounts (
  id             bigserial primary key,
  email          text not null unique,
  password_hash  text not null,
  security_stamp text not null,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now()
);

create table temp_tokens (
  token_hash   bytea primary key,
  token_prefix text not null,
  device_name  text not null,
  device_type  text not null,
  client_ip    text,
  user_agent   text,
  created_at   timestamptz not null default now(),
  expires_at   timestamptz not null,
  claimed_by   bigint references accounts(id) on delete cascade,
  claimed_at   timestamptz,
  consumed_at  timestamptz,
  denied_at    timestamptz
);
create index temp_tokens_expires_idx on temp_tokens (expires_at);

create table sessions (
  id            uuid primary key,
  token_hash    bytea not null unique,
  token_prefix  text not null,
  account_id    bigint not null references accounts(id) on delete cascade,
  device_id     uuid not null,
  device_name   text not null,
  device_type   text not null,
  created_at    timestamptz not null default now(),
  expires_at    timestamptz not null,
  revoked_at    timestamptz,
  revoke_reason text,
  replaced_by   uuid
);
create index sessions_account_idx on sessions (account_id) where revoked_at is null;
create index sessions_device_idx on sessions (device_id) where revoked_at is null;
create index sessions_expires_idx on sessions (expires_at);
