-- One index serves both per-shopper lookups of journeys: the waiting journeys of a profile (goal,
-- wait-for-event and consent exits; the state is checked on the row) and the entry history per
-- (worker, profile) for re-entry rules. It replaces two, so every journey inserted and every
-- update that moves its state maintains one index fewer (docs/workers.md, performance).
create index if not exists worker_instances_profile_worker on worker_instances (profile_id, worker_id, entered_at);
drop index if exists worker_instances_profile;
drop index if exists worker_instances_worker_profile;
