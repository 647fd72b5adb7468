-- One-time password-reset links (an admin's or the operator's reset; the owner chooses the password): only the
-- SHA-256 of the token; one per account (a new reset replaces an older link), single use, valid for 24 hours.
-- (Numbered 6.1 so that it sorts after, and never collides with, another V6 made meanwhile.)
create table password_resets (
  account_id bigint primary key references accounts(id) on delete cascade,
  token_hash bytea not null unique,
  created_by bigint references accounts(id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at    timestamptz
);
