-- A/B/n arms of a journey (docs/workers.md "Arms"): per experiment key of the worker version (a
-- step id, or the `experiment` several steps share), the arm the versioned salted hash assigned at
-- entry: {"<key>": "<arm name>"}. Null for held-out journeys (global control, worker holdout) and
-- for versions without arms. Written once at entry and never rewritten (not even on merges): the
-- recorded arm is the truth reports read.
alter table worker_instances add column arms jsonb;
