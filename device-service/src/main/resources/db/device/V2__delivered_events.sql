-- Device-state events from the producers' outboxes (session created, devices signed out) already applied,
-- by event_id: a redelivery (the relay delivers at least once) changes nothing. Audit events de-duplicate
-- by audit_log.event_key instead. Rows older than the redelivery horizon are deleted.
create table delivered_events (
  event_id    uuid        primary key,
  received_at timestamptz not null default now()
);
create index delivered_events_received_idx on delivered_events (received_at);
