-- Governance settings set through the API (src/modules/approvals, PUT /v1/governance/settings).
-- The environment (BRAID_APPROVALS, BRAID_APPROVAL_*) gives the defaults; `overrides` holds only
-- the fields an admin changed, so a field never overridden keeps following the environment. One
-- row, read by every process on every submit (so a change is seen everywhere at once).
create table governance_settings (
  id integer primary key check (id = 1),
  overrides jsonb not null,
  updated_at timestamptz not null,
  updated_by text not null,
  updated_by_name text not null
);

-- approval_versions.status also takes 'retired' (no schema change: status is text): the subject
-- was deleted, so its once-live versions are never restored when a sampled version is rejected.
