-- The transactional outbox: events (audit, session created/revoked) written in the same transaction as the
-- change; the outbox relay delivers them to device-service with acknowledgement and deletes them then.
create table outbox (
  id         bigserial primary key,
  event_id   uuid        not null,
  topic      text        not null,
  payload    jsonb       not null,
  created_at timestamptz not null default now()
);
