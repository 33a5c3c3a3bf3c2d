-- AI Workers: versioned definitions, durable journey instances (one row per shopper journey,
-- timers as a due time on the row), segment membership for "entered a segment" triggers,
-- schedule cursors, and the guardrail settings marketers edit over the API.
create table workers (
  id text primary key,
  status text not null,
  version integer not null,
  updated_at timestamptz not null,
  updated_by text
);

create table worker_versions (
  worker_id text not null,
  version integer not null,
  document jsonb not null,
  created_at timestamptz not null,
  created_by text,
  primary key (worker_id, version)
);

-- Times are epoch milliseconds of Braid's clock (injectable: the simulator drives it), not of
-- the database server, so timers follow simulated time.
create table worker_instances (
  id text primary key,
  worker_id text not null,
  version integer not null,
  profile_id text not null,
  key text,
  state text not null,
  step integer not null,
  wake_at bigint not null,
  wait_event text,
  holdout text,
  exit_reason text,
  entered_at bigint not null,
  updated_at bigint not null,
  lease_until bigint,
  -- One instance per triggering fact (worker + event seq, schedule slot, ...): replays enter once.
  entry_key text not null unique,
  ctx jsonb not null
);
create index worker_instances_due on worker_instances (wake_at) where state = 'waiting';
create index worker_instances_profile on worker_instances (profile_id) where state = 'waiting';
create index worker_instances_worker_profile on worker_instances (worker_id, profile_id, entered_at);

create table worker_segment_members (
  worker_id text not null,
  profile_id text not null,
  since bigint not null,
  primary key (worker_id, profile_id)
);

create table worker_schedules (
  worker_id text primary key,
  next_at bigint not null
);

create table guardrail_settings (
  id integer primary key check (id = 1),
  settings jsonb not null,
  updated_at timestamptz not null
);
