-- The event log. Each group commit of the ingest path writes one segment: the accepted messages of
-- that commit as gzip'd NDJSON, numbered seq = first_seq .. first_seq + n - 1. One narrow row per
-- message in event_ids makes delivery idempotent (a hash index: far cheaper than a b-tree on random
-- uuids; uniqueness is enforced by the insert under the ingest lock, see events.store.ts).
create table event_segments (
  first_seq bigint primary key,
  last_seq bigint not null,
  n integer not null,
  received_at timestamptz not null,
  body bytea not null
);
alter table event_segments alter column body set storage external;

create table event_ids (
  message_key uuid not null,
  seq bigint not null
);
create index event_ids_key on event_ids using hash (message_key);

-- Where each background consumer of the log has got to.
create table consumer_cursors (
  name text primary key,
  position bigint not null,
  updated_at timestamptz not null
);
