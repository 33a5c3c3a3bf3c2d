-- Where a message's content came from (docs/governance.md): the template and its version, the
-- version's risk tier and who approved it, as content rendered it. The audit entry of each send
-- carries it, so the log answers "approved by whom" for every message.
alter table deliveries add column provenance jsonb;
