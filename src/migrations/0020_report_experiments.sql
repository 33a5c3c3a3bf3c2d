-- Past experiments imported for reporting (reports module): a registry row with the column
-- mapping, and one row per unit with its arm, outcomes and covariates. Only the reports module
-- reads or writes these tables. Reports aggregate them in SQL into per-arm sufficient statistics.
create table report_experiments (
  id text primary key,
  name text not null,
  arm_column text not null,
  -- null: units are numbered in file order ('#1', '#2', ...)
  unit_column text,
  -- outcome names in order; report_experiment_units.outcomes is aligned with it
  outcomes text[] not null,
  covariates text[] not null,
  -- covariates with at least one non-numeric value (categorical); the others are numeric
  categorical_covariates text[] not null default '{}',
  control_arm text,
  -- intended split {arm: weight} for the SRM check; null = equal
  weights jsonb,
  -- default ratio metrics {name: [numerator, denominator]}
  ratios jsonb not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table report_experiment_units (
  experiment_id text not null references report_experiments (id) on delete cascade,
  unit_id text not null,
  arm text not null,
  outcomes float8[] not null,
  -- {name: number | string | null}
  covariates jsonb not null,
  primary key (experiment_id, unit_id)
);
create index report_experiment_units_arm on report_experiment_units (experiment_id, arm);
