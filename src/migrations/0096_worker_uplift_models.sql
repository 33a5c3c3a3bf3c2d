-- Uplift targeting (entry.uplift): the newest model of each worker, trained from its own journeys
-- (treated vs worker holdout) and measured on a held-out half (Qini, AUUC). `model` holds the
-- coefficients, the feature set and the evaluation (src/modules/workers/workers.uplift.ts).
-- trained_at is epoch milliseconds of Braid's clock.
create table worker_uplift_models (
  worker_id text primary key,
  trained_at bigint not null,
  model jsonb not null
);
