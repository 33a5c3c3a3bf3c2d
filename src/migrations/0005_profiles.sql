-- Profiles are a projection of the event log (see profiles.projector.ts): rebuilt from it, never
-- written by the ingest path. A merged-away profile's row is deleted; profile_registry keeps
-- its id resolving to the survivor.
create table profiles (
  id text primary key,
  user_id text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  event_count integer not null,
  traits jsonb not null,
  trait_meta jsonb not null,
  cart jsonb not null,
  recent_views jsonb not null,
  wishlist jsonb not null,
  signals jsonb not null,
  order_count integer not null,
  revenue numeric(14,2) not null,
  refunds numeric(14,2) not null,
  first_order_at timestamptz,
  last_order_at timestamptz
);

-- Which events belong to which profile (the timeline); moved to the survivor on merge.
create table profile_events (
  profile_id text not null,
  seq bigint not null,
  name text not null,
  at timestamptz not null,
  primary key (profile_id, seq)
);

create table orders (
  order_id text primary key,
  profile_id text not null,
  kind text not null check (kind in ('order', 'refund')),
  status text not null,
  revenue numeric(14,2) not null,
  discount numeric(14,2) not null,
  shipping numeric(14,2) not null,
  tax numeric(14,2) not null,
  refunded numeric(14,2) not null,
  currency text not null,
  coupon text,
  items jsonb not null,
  at timestamptz not null,
  message_id text not null,
  seq bigint not null
);
create index orders_profile on orders (profile_id, at desc);

insert into consumer_cursors (name, position, updated_at) values ('profiles', 0, '1970-01-01T00:00:00Z');
