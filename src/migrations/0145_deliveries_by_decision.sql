-- A slice of a placement report (reports.workers.slices) reads the messages that carried its
-- shoppers' decisions by decision id: without this index, each slice would scan every delivery.
-- (A worker report's slice finds its journeys' messages through deliveries_worker.)
create index if not exists deliveries_decision on deliveries (decision_id) where decision_id is not null;
