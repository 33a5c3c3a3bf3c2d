-- Computed traits (src/modules/traits). Derived data: everything in traits_profiles can be
-- rebuilt from orders and profile timelines (TraitsService.recompute); preferences declared by
-- shoppers and fitted models are the module's own truth. Only the traits module reads these.
create table traits_profiles (
  profile_id text primary key,
  -- compact order history (traits.history.ts), the most recent 500 orders
  history jsonb not null,
  -- event counters and hour histograms (traits.activity.ts), with the last folded seq
  activity jsonb not null,
  -- the profile-state facts traits use (coupon attempts, product views, recent views)
  snapshot jsonb not null,
  -- the last evaluation (ComputedTraits), for readers in other processes and for the API
  traits jsonb not null,
  computed_at timestamptz not null,
  updated_at timestamptz not null
);

-- Declared preferences: the latest value per (profile, variable, source). Moved to the survivor
-- when profiles merge (the later answer wins on a clash).
create table traits_preferences (
  profile_id text not null,
  variable text not null,
  source text not null,
  value jsonb not null,
  -- when the shopper said it (message time), versus when Braid recorded it
  at timestamptz not null,
  recorded_at timestamptz not null,
  evidence jsonb not null,
  primary key (profile_id, variable, source)
);

-- Fitted CLV models and store statistics, versioned: every process uses the latest.
create table traits_models (
  version integer primary key,
  fitted_at timestamptz not null,
  model jsonb not null
);
