-- The version of the hash that assigned a journey's arm (experiments' ASSIGNMENT_VERSION, e.g.
-- 'v1' = sha256("v1:<BRAID_HOLDOUT_SALT>:worker:<worker id>:<profile id>") for the worker holdout).
-- Journeys logged before it was recorded keep null: their arm came from the unsalted worker hash.
alter table worker_instances add column assignment text;
