-- Journey counts per worker, state, arm and (for waiting journeys) the step they run next, kept as
-- they change instead of counted on every read: the workers list and page show them, and counting
-- a worker's journeys per request costs about 100 ms of CPU per 200,000 on the embedded store
-- (bench:console). Append-only deltas (one row per statement and key that changed), so concurrent
-- journey writes never wait on a shared counter row; readers sum a worker's rows and fold them into
-- one row per key now and then (workers.store.ts countInstances). step is -1 unless waiting.
create table worker_journey_counts (
  worker_id text not null,
  state text not null,
  held_out boolean not null,
  step integer not null,
  n bigint not null
);
create index worker_journey_counts_worker on worker_journey_counts (worker_id);

insert into worker_journey_counts (worker_id, state, held_out, step, n)
  select worker_id, state, holdout is not null, case when state = 'waiting' then step else -1 end, count(*) from worker_instances group by 1, 2, 3, 4;

create function worker_journey_counts_delta() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into worker_journey_counts (worker_id, state, held_out, step, n)
      select worker_id, state, holdout is not null, case when state = 'waiting' then step else -1 end, count(*) from new_rows group by 1, 2, 3, 4; -- new journeys
  elsif tg_op = 'DELETE' then
    insert into worker_journey_counts (worker_id, state, held_out, step, n)
      select worker_id, state, holdout is not null, case when state = 'waiting' then step else -1 end, -count(*) from old_rows group by 1, 2, 3, 4; -- deleted journeys
  else
    insert into worker_journey_counts (worker_id, state, held_out, step, n)
      select worker_id, state, held_out, step, sum(d) from (
        select worker_id, state, holdout is not null as held_out, case when state = 'waiting' then step else -1 end as step, 1 as d from new_rows
        union all
        select worker_id, state, holdout is not null, case when state = 'waiting' then step else -1 end, -1 from old_rows
      ) x group by 1, 2, 3, 4 having sum(d) <> 0; -- journeys that changed state, arm or waiting step
  end if; -- one delta row per key that changed
  return null; -- after trigger: the result is ignored
end $$;

create trigger worker_journey_counts_insert after insert on worker_instances
  referencing new table as new_rows for each statement execute function worker_journey_counts_delta();
create trigger worker_journey_counts_update after update on worker_instances
  referencing old table as old_rows new table as new_rows for each statement execute function worker_journey_counts_delta();
create trigger worker_journey_counts_delete after delete on worker_instances
  referencing old table as old_rows for each statement execute function worker_journey_counts_delta();
