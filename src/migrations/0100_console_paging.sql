-- Keyset paging for the console's lists (docs/console.md): newest-first journeys of one worker,
-- waiting journeys per step, and the decision explorer without a shopper or placement filter.
create index if not exists worker_instances_worker_entered on worker_instances (worker_id, entered_at desc, id desc);
create index if not exists worker_instances_waiting_step on worker_instances (worker_id, step) where state = 'waiting';
create index if not exists decisions_at on decisions (at desc, id desc);
-- The shopper 360 lists merges and conflicts of a profile and of every profile it absorbed: a
-- recursive walk over profile_registry.merged_into, which without this index reads the whole
-- registry per step (about 400 ms with a million shoppers).
create index if not exists profile_registry_merged_into on profile_registry (merged_into) where merged_into is not null;
