-- The worker page lists the journeys waiting before one step, newest first and keyset paged
-- (GET /v1/workers/{id}/instances?state=waiting&step=). Counting waiting journeys per step now
-- reads worker_journey_counts (0131), so the index that served the count serves the list instead.
create index if not exists worker_instances_waiting_step_entered on worker_instances (worker_id, step, entered_at desc, id desc) where state = 'waiting';
drop index if exists worker_instances_waiting_step;
