-- Each device's sync status per data type (issue 23): its last successful upload and download, and its last
-- refused request with the status and error text. Written in batches from the gateways' coalesced reports
-- (flamingo.events.device.sync); gone with the device.
create table sync_status (
  device_id            uuid        not null references devices (id) on delete cascade,
  data_type            text        not null,
  last_upload_at       timestamptz,
  last_download_at     timestamptz,
  last_refused_at      timestamptz,
  last_refused_status  integer,
  last_refused_message text,
  primary key (device_id, data_type)
);
