-- The rows the projection and the traits service rewrite on every batch that touches a shopper.
--
-- Computed traits are written whole and read whole by Braid (traits.store.ts). As jsonb each write
-- converted ~2 KB of JSON to jsonb's binary form (number arrays grow 3x: activity's hour
-- histograms were 780 bytes for 280 characters) and brought rows to the TOAST threshold; as json
-- the database keeps the text it was given after a validating scan. The few SQL readers (`->`,
-- `->>`) work on json alike.
--
-- Free space on each page lets an update put the new row version beside the old one (a HOT
-- update: no index entry, one page touched). A batch rewrites many rows of a page in one
-- statement, and the old versions are reclaimed only after it commits, so the traits table (1-2 KB
-- rows, ~6 per page) keeps half of each page free and profiles (~350-byte rows) 30%. Measured on
-- the embedded store: a traits upsert ~110 -> ~55 us per row. The price is disk: these two tables
-- take 2x and 1.4x the pages. Only pages written from now on get the setting (the alter below
-- rewrites traits_profiles; profiles' existing pages fill up as before until rewritten).
alter table traits_profiles set (fillfactor = 50);
alter table profiles set (fillfactor = 70);
alter table traits_profiles
  alter column history type json using history::json,
  alter column activity type json using activity::json,
  alter column snapshot type json using snapshot::json,
  alter column traits type json using traits::json;
