-- The delivery row is updated twice per message (claimed 'sending', then its outcome) and by
-- every receipt; its rendered content (1-3 KB) is written once and read when it is sent. Kept in
-- the row, every update copied and logged the whole body again and went through all eight
-- indexes (the status and the provider id were indexed, so no update was HOT). Measured on the
-- embedded store, per message: claim ~190 -> ~35 us, outcome ~130 -> ~40 us.
--
-- * The content moves to its own insert-only table (json: kept as the text it was given).
-- * The provider's message id, which receipts look up, moves to its own index table, so the
--   outcome update changes no indexed column. deliveries.provider_id stays as the record.
-- * No index on status: listing by status scans by id (newest first) with the filter; the
--   delivery path always finds messages by id.
-- * Free space on each page for the new row versions (fillfactor 70).
create table delivery_contents (
  id text primary key,
  content json not null
);
insert into delivery_contents (id, content) select id, content::json from deliveries;
alter table deliveries drop column content;

create table delivery_provider_ids (
  provider_id text not null,
  delivery_id text not null,
  primary key (provider_id, delivery_id)
);
insert into delivery_provider_ids (provider_id, delivery_id) select provider_id, id from deliveries where provider_id is not null;
drop index if exists deliveries_provider;
drop index if exists deliveries_status;
alter table deliveries set (fillfactor = 50);
