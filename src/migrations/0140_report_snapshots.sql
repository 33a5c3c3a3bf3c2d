-- Report snapshots (docs/console.md "Report snapshots"): the body of a slow report, keyed by its
-- normalized route and query, served while younger than BRAID_REPORT_REFRESH_SECONDS. The lease
-- lets one Braid process at a time compute a key when several share this database.
create table if not exists report_snapshots (
  key text primary key,
  body jsonb,
  computed_at timestamptz,
  took_ms integer,
  lease_owner text,
  lease_until timestamptz
);
