-- Paid-media audiences (src/modules/audiences): definitions, the membership last exported to each
-- destination (hashed identifiers only: what left Braid), and refresh status. Adds and removes
-- are computed against audience_members, so a failed export leaves it untouched and retries.

create table audiences (
  id text collate "C" primary key,
  name text not null,
  -- a core/conditions Condition over { profile, traits, preferences }
  condition jsonb not null,
  -- { type: 'file', path? } | { type: 'webhook', url, secret? }
  destination jsonb not null,
  format text not null check (format in ('meta', 'google')),
  refresh_minutes integer not null,
  status text not null check (status in ('active', 'paused')),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  -- a refresh lease, so two Braid processes sharing the database never export the same diff twice
  refreshing_until timestamptz,
  last_refresh_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  -- counts of the last successful refresh
  profiles integer not null default 0,
  emails integer not null default 0,
  phones integer not null default 0,
  last_adds integer not null default 0,
  last_removes integer not null default 0
);

create table audience_members (
  audience_id text collate "C" not null references audiences (id) on delete cascade,
  kind text collate "C" not null check (kind in ('email', 'phone')),
  -- SHA-256 hex of the identifier normalized for the audience's format
  hash text collate "C" not null,
  -- whose identifier it is (groups a file export's rows); never leaves Braid
  profile_id text not null,
  added_at timestamptz not null,
  primary key (audience_id, kind, hash)
);
