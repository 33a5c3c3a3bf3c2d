-- Content: creative blocks, Liquid templates per channel, QA rules, and the outcome counts the
-- variant bandit learns from. Definitions are JSON documents validated by the API (content
-- module schemas); memory is a cache of these tables.

create table content_blocks (
  id text collate "C" primary key,
  def jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table content_templates (
  id text collate "C" primary key,
  def jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

-- One row (id = 1): forbidden words, claims library, allowed link domains, length limits, store.
create table content_rules (
  id integer primary key,
  rules jsonb not null,
  updated_at timestamptz not null
);

-- Per block variant: messages whose outcome was recorded, and the sum of their rewards (0..1 each).
create table content_variant_stats (
  block_id text collate "C" not null,
  variant text collate "C" not null,
  trials bigint not null,
  reward double precision not null,
  updated_at timestamptz not null,
  primary key (block_id, variant)
);
