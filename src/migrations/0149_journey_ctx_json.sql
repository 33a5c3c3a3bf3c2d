-- A journey's context is written whole at entry and on every step, and read whole by Braid
-- (workers.store.ts); SQL readers only use `->` and `->>`, which json has too. As json the database
-- keeps the text it was given after a validating scan, instead of converting it to jsonb's binary
-- form on every write and back to text on every read of a due journey (as 0146 did for traits).
alter table worker_instances alter column ctx type json using ctx::json;
