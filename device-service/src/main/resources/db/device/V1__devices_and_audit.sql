-- device-service schema (search_path = device): the devices of each account and the audit log.

create table devices (
  id                 uuid primary key,                 -- the device_id auth-service gave the session
  account_id         bigint      not null,
  name               text        not null,
  device_type        text        not null,
  created_at         timestamptz not null default now(),
  last_seen_at       timestamptz,
  last_ip            text,
  user_agent         text,
  session_expires_at timestamptz,                      -- when the newest known session of the device expires
  revoked_at         timestamptz
);

-- the list of an account's live devices, newest first
create index devices_account_live_idx on devices (account_id, created_at desc) where revoked_at is null;
-- retention: revoked devices are deleted after a while
create index devices_revoked_idx on devices (revoked_at) where revoked_at is not null;

create table audit_log (
  id          bigint generated always as identity primary key,
  event_key   uuid        not null,                    -- dedupe: the event's event_id, or a hash of its content
  event_type  text        not null,
  account_id  bigint,                                  -- null for e.g. a failed login of an unknown email
  device_id   uuid,
  ip_address  text,
  user_agent  text,
  metadata    jsonb       not null default '{}'::jsonb,
  created_at  timestamptz not null
);

-- a published event reaches every device-service instance: only one copy is stored
create unique index audit_log_event_key_idx on audit_log (event_key);
-- an account's log, newest first, with an id cursor; and filtered by type
create index audit_log_account_idx on audit_log (account_id, id desc);
create index audit_log_account_type_idx on audit_log (account_id, event_type, id desc);
-- retention
create index audit_log_created_idx on audit_log (created_at);
