-- Browser logins ended by a logout before their expiry (the JWT's jti). A row is kept only until the
-- login would have expired anyway; the cleanup job deletes it after that.
create table ended_browser_logins (
  login_id   uuid primary key,
  account_id bigint not null references accounts(id) on delete cascade,
  expires_at timestamptz not null,
  ended_at   timestamptz not null default now()
);
create index ended_browser_logins_expires_at on ended_browser_logins (expires_at);
