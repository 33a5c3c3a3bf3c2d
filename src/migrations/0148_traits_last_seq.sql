-- The guard of a traits upsert (a row never replaces one built from later events) compared
-- activity->>'lastSeq' on both rows: with json columns that parses both activity documents per
-- row. A plain column makes it an integer comparison (~15% of the upsert on the embedded store).
alter table traits_profiles add column last_seq bigint not null default 0;
update traits_profiles set last_seq = coalesce((activity->>'lastSeq')::bigint, 0);
