-- Governance (src/modules/approvals): every submitted version of a template, block, offer or
-- worker with its risk tier, and the approval queue over them. A medium or high version waits
-- here (document included) until an approver accepts it; only then does its owner publish it.
-- A low version publishes at once; a deterministic sample of them is queued for review after the
-- fact. See docs/governance.md.

create table approval_versions (
  id text collate "C" primary key,
  kind text collate "C" not null,
  subject_id text collate "C" not null,
  version integer not null,
  tier text not null,
  declared_tier text not null,
  reasons jsonb not null,
  qa jsonb,
  document jsonb not null,
  -- 'approval': held until decided; 'sample': live, drawn for review; null: live, not queued
  queue text,
  -- pending | approved | rejected | published (live without review) | superseded (a newer version came first)
  status text not null,
  submitted_by text not null,
  submitted_by_name text not null,
  submitted_at timestamptz not null,
  decided_by text,
  decided_by_name text,
  decided_at timestamptz,
  comment text,
  unique (kind, subject_id, version)
);

create index approval_versions_queue on approval_versions (status, kind, submitted_at) where queue is not null;

-- A worker's live version: the newest version an approver accepted (or that needed none). New
-- journeys start on it; `version` stays the newest submitted. Null: no version is live yet.
alter table workers add column live_version integer;
update workers set live_version = version;
