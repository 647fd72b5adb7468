-- data-service: sync config, the account's key escrow (wrapped under a server KEK), encrypted blobs.
create table sync_config (
  account_id        bigint primary key,
  sync_history      boolean not null default true,
  sync_environments boolean not null default true,
  sync_secrets      boolean not null default true,
  sync_collections  boolean not null default true,
  sync_settings     boolean not null default true,
  updated_at        timestamptz not null default now()
);

create table master_keys (
  account_id  bigint primary key,
  wrapped_key bytea not null,   -- AES-256-GCM(KEK, key, aad = account id): ciphertext || tag
  iv          bytea not null,
  kek_id      text not null,
  version     integer not null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

-- One counter per account: every blob write takes the next value as its version, so versions only go
-- up, across types, and "what changed since version N" is one range scan. Its row lock also
-- serializes an account's writes.
create table change_seq (
  account_id bigint primary key,
  last_version bigint not null
);

create table blobs (
  account_id      bigint not null,
  data_type       text not null,
  encrypted_blob  text not null,
  nonce           text not null,
  checksum        text,
  blob_size_bytes integer not null,
  version         bigint not null,
  updated_at      timestamptz not null default now(),
  primary key (account_id, data_type)
);
create index blobs_account_version_idx on blobs (account_id, version);
