-- Operators' tools: an account's own storage quota (bytes across all its blobs); without a row the configured
-- default (FLAMINGO_MAX_ACCOUNT_BYTES) applies. Set by an admin (flamingo.data.v1.admin.quota.put).
create table account_quotas (
  account_id bigint primary key,
  max_bytes  bigint not null check (max_bytes >= 0),
  updated_at timestamptz not null default now()
);
