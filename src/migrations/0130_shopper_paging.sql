-- Keyset paging of the shopper 360's lists (docs/console.md): a profile's messages newest first by
-- id (message ids are time-ordered), its consent ledger newest first across purposes, and its
-- identities first seen first. Each page then reads `limit` rows of one index range, however long
-- the shopper's history.
create index if not exists deliveries_profile_id on deliveries (profile_id, id desc);
create index if not exists consent_records_profile_at on consent_records (profile_id, at desc, recorded_at desc, id desc);
-- Replaces identities_profile (profile_id): the same prefix, now also in the 360's order.
create index if not exists identities_profile_seen on identities (profile_id, first_seen_at, type, value);
drop index if exists identities_profile;
