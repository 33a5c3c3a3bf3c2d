-- Consent ledger. Append-only: a change of mind is a new row, never an update, so "what did we
-- know, and when" stays answerable. The current state per (profile, purpose) is the latest row by
-- at, then recorded_at, then id. Only the consent module reads or writes these tables.
create table consent_records (
  id text primary key,
  -- The live profile the record belongs to; moved to the survivor when profiles merge.
  profile_id text not null,
  -- The profile the record was first written for (audit trail across merges); never updated.
  original_profile_id text not null,
  purpose text not null,
  status text not null check (status in ('granted', 'denied', 'revoked')),
  -- When the person expressed the choice (message time), versus when Braid recorded it.
  at timestamptz not null,
  recorded_at timestamptz not null,
  source text not null,
  jurisdiction text,
  evidence jsonb not null
);
-- Serves both "latest per purpose" (check, current) and the newest-first history.
create index consent_records_latest on consent_records (profile_id, purpose, at desc, recorded_at desc, id desc);

-- Where a profile lives, for the opt-in/opt-out default when nothing is recorded.
create table consent_subjects (
  profile_id text primary key,
  jurisdiction text not null,
  updated_at timestamptz not null
);

-- Operator overrides of the built-in defaults (consent.policy.ts). jurisdiction is a country
-- code, a region (EU) or '*'; purpose is a purpose or '*'.
create table consent_policy (
  jurisdiction text not null,
  purpose text not null,
  mode text not null check (mode in ('opt_in', 'opt_out')),
  updated_at timestamptz not null,
  primary key (jurisdiction, purpose)
);
