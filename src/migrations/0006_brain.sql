-- The brain: offer menu and governance, placements and actions (configurable, seeded with
-- defaults in code), ad creatives' promises, the decision log, and versioned model snapshots.
create table offers (
  id text primary key,
  def jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table offer_policy (
  id integer primary key check (id = 1),
  policy jsonb not null,
  updated_at timestamptz not null
);

-- Discount money committed per offer per UTC day (reserved at decision time, conservatively).
create table offer_spend (
  day date not null,
  offer_id text not null,
  spent numeric(14,2) not null,
  primary key (day, offer_id)
);

create table placements (
  id text primary key,
  def jsonb not null,
  updated_at timestamptz not null
);

create table decision_actions (
  id text primary key,
  def jsonb not null,
  updated_at timestamptz not null
);

create table creatives (
  id text primary key,
  def jsonb not null,
  updated_at timestamptz not null
);

-- One row per decision. `detail` is the compact JSON explanation (features, candidates with
-- scores, removals, consent basis, context); text, not jsonb, because it is written at decision
-- rate and only read to explain one decision.
create table decisions (
  id text primary key,
  profile_id text,
  ref text not null,
  placement text not null,
  at timestamptz not null,
  grp text not null,
  model_version text not null,
  action_ids text not null,
  types text not null,
  detail text not null,
  viewed_at timestamptz,
  clicked_at timestamptz,
  order_id text,
  reward numeric(14,2),
  outcome_at timestamptz
);
create index decisions_profile on decisions (profile_id, at desc);
create index decisions_placement on decisions (placement, at desc);

create table decision_models (
  version text primary key,
  created_at timestamptz not null,
  updates bigint not null,
  state jsonb not null
);
