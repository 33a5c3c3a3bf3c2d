-- Trained recommendation models. Serving reads from memory; this table lets every Braid process
-- sharing the database load the latest model instead of each training its own, and keeps the
-- metadata (when, on what data, how long, with which parameters) of recent trainings.
-- `model` is the gzip-compressed JSON of the whole model (item graphs, rankings, rules).

create table rec_models (
  version text collate "C" primary key,
  trained_at timestamptz not null,
  created_at timestamptz not null,
  -- the order log position (seq) the training data reached
  data_seq bigint not null,
  stats jsonb not null,
  params jsonb not null,
  model bytea not null
);

create index rec_models_recent on rec_models (trained_at desc, version desc);
