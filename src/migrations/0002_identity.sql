-- Identity graph. Every profile id ever issued is registered here; a merged-away profile points
-- at its survivor (merged_into), so old ids keep resolving. identities maps each identifier
-- (user_id, anonymous_id, email, phone, external:<type>) to the live profile that owns it.
create table profile_registry (
  id text primary key,
  created_at timestamptz not null,
  merged_into text
);

create table identities (
  type text not null,
  value text not null,
  profile_id text not null,
  first_seen_at timestamptz not null,
  source_message_id text,
  primary key (type, value)
);
create index identities_profile on identities (profile_id);

create table profile_merges (
  id text primary key,
  from_profile text not null,
  into_profile text not null,
  reason text not null,
  linked_by jsonb not null,
  message_id text,
  seq bigint,
  at timestamptz not null
);
create index profile_merges_from on profile_merges (from_profile);
create index profile_merges_into on profile_merges (into_profile);

-- Links the merge rules refused (e.g. one email on two different userIds): flagged, not merged.
create table identity_conflicts (
  id text primary key,
  profile_id text not null,
  other_profile_id text not null,
  identity_type text not null,
  identity_value text not null,
  reason text not null,
  message_id text,
  at timestamptz not null
);
create index identity_conflicts_profile on identity_conflicts (profile_id);
create index identity_conflicts_other on identity_conflicts (other_profile_id);
