-- Operators' tools (docs/operating.md): disabled accounts, sign-up mode at run time, invite links.
alter table accounts add column disabled_at timestamptz;
-- An account being deleted: disabled, its other services' rows being removed; the row goes at the end.
alter table accounts add column deleting_at timestamptz;

-- Settings an admin changes while the server runs (every node reads them here). signup_mode: open |
-- invite-only | closed; without a row the configured default applies.
create table server_settings (
  name       text primary key,
  value      text not null,
  updated_by bigint references accounts(id) on delete set null,
  updated_at timestamptz not null default now()
);

-- Invite links: only the SHA-256 of the token; one sign-up each.
create table invites (
  id         uuid primary key,
  token_hash bytea not null unique,
  note       text,
  created_by bigint references accounts(id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at    timestamptz,
  used_by    bigint references accounts(id) on delete set null,
  revoked_at timestamptz
);
create index invites_created_idx on invites (created_at desc);
