-- The decision explorer searches a worker's decisions (GET /v1/workers/{id}/decisions): every
-- decision a worker makes carries context.source.campaignId = the worker id (stored in the detail
-- text as "ctx"). Partial: only decisions whose context names a campaign are indexed (and parsed).
create index if not exists decisions_campaign on decisions (((detail::jsonb #>> '{ctx,source,campaignId}')), at desc, id desc) where detail like '%"campaignId"%';
