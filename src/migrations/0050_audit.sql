-- The audit log (src/modules/audit): append-only and hash-chained. seq is assigned by the writer
-- under an advisory lock (not a sequence, which leaves gaps on rollback), so it increases by
-- exactly one per row; each row's hash covers its content and the previous row's hash.
-- See docs/audit.md.

create table audit_log (
  seq bigint primary key check (seq >= 1),
  id text collate "C" not null unique,
  at timestamptz not null,
  -- who: 'api', 'worker:wkr_...', 'operator:...', 'system'
  actor text not null,
  -- what: 'worker.version', 'offer.upsert', 'message.sent', ...
  action text collate "C" not null,
  subject_type text collate "C" not null,
  subject_id text collate "C" not null,
  -- the shopper concerned, when there is one
  profile_id text collate "C",
  data jsonb not null,
  -- SHA-256 hex of the previous row (64 zeros for seq 1), and of this row
  prev_hash text collate "C" not null,
  hash text collate "C" not null
);

create index audit_log_profile on audit_log (profile_id, seq) where profile_id is not null;
create index audit_log_subject on audit_log (subject_type, subject_id, seq);
create index audit_log_action on audit_log (action, seq);
