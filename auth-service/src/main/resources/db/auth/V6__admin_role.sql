-- The admin role, stored on the account (issue 21): granted by the operator's command (admin grant EMAIL) or by
-- another admin with their password typed again; signing up never grants it.
alter table accounts add column admin_since timestamptz;

-- Once, when the role was introduced: the accounts then named in FLAMINGO_ADMIN_EMAILS got it (auth-service's
-- start writes this one row in the same transaction; afterwards the variable grants nothing).
create table admin_role_seed (
  single    boolean primary key default true check (single),
  seeded_at timestamptz not null default now(),
  granted   integer not null
);

-- The server-wide log of admin actions. No foreign keys: it outlives the deletion of every account it names
-- (the e-mails are those at the time). admin_account_id null: the operator's command.
create table admin_log (
  id                bigserial primary key,
  created_at        timestamptz not null default now(),
  admin_account_id  bigint,
  admin_email       text not null,
  action            text not null,
  target_account_id bigint,
  target_email      text,
  client_ip         text,
  metadata          jsonb not null default '{}'
);
