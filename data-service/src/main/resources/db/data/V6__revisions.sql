-- Revisions and the trash (issue 23). The blob PUT (one statement) moves the version it replaces here when the rules
-- say so (another device wrote it, or the last revision kept of the type is older than FLAMINGO_REVISIONS_EVERY);
-- a DELETE (reason 'deleted': the trash) and a restore (reason 'restored') always keep what they replace. Pruned by
-- FLAMINGO_REVISIONS_DAYS and _KEEP and, oldest first, when the account's current data and revisions exceed its
-- quota. device_id/device_name: who wrote that version (the name as it was then; null when not known).

-- who wrote the current version (null: written before this migration, or the name was not known)
alter table blobs add column device_id text, add column device_name text;

create table blob_revisions (
  account_id              bigint not null,
  data_type               text not null,
  version                 bigint not null,          -- the version it had while it was current
  encrypted_blob          text not null,
  nonce                   text not null,
  checksum                text,
  blob_size_bytes         integer not null,
  written_at              timestamptz not null,     -- when that version was written (its updated_at)
  device_id               text,
  device_name             text,
  reason                  text not null check (reason in ('replaced', 'deleted', 'restored')),
  kept_at                 timestamptz not null default now(),
  replaced_by_device_id   text,
  replaced_by_device_name text,
  by_other_device         boolean not null default false,
  -- an account's versions are unique across its types; the key also serves "per account and type, newest first"
  primary key (account_id, data_type, version)
);
-- retention and the quota's "oldest first" over an account's types
create index blob_revisions_account_kept_idx on blob_revisions (account_id, kept_at);

-- Device names as device-service knows them, fed by the events that tell it (session created on pairing, the
-- device.renamed audit event), so that the PUT can record the writer's name at the time with a join, not a request.
create table device_names (
  device_id  text primary key,
  account_id bigint not null,
  name       text not null,
  updated_at timestamptz not null default now()
);
create index device_names_account_idx on device_names (account_id);

-- Overwrites by another device, counted per account, type, writer, replaced writer and day (the dashboard's
-- "replaced … 3 times this week"). A counter, not a query over blob_revisions: revisions are pruned (retention,
-- quota, "Delete history") and not kept at all when turned off, and the count must survive both.
create table overwrite_counts (
  account_id         bigint not null,
  data_type          text not null,
  device_id          text not null,
  replaced_device_id text not null,
  day                date not null,
  count              integer not null,
  primary key (account_id, data_type, device_id, replaced_device_id, day)
);
