-- The catalog: products, their variants, stock per location, and versioned prices.
-- Ids are collated "C" so keyset paging orders identically on every server whatever its locale.
-- Money is numeric(12,2) in the variant's currency. Timestamps come from the injected clock.

create table catalog_locations (
  id text collate "C" primary key,
  name text not null,
  type text not null check (type in ('online', 'store')),
  timezone text,
  address text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table catalog_products (
  id text collate "C" primary key,
  title text not null,
  description text,
  brand text,
  category text,
  product_type text,
  link text,
  image_link text,
  attributes jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

-- Descriptive variant state only: price, sale price, cost and currency live in
-- catalog_price_versions, the single source of truth for "what was in force at time T".
create table catalog_variants (
  id text collate "C" primary key,
  product_id text collate "C" not null references catalog_products (id) on delete cascade,
  title text,
  gtin text,
  mpn text,
  link text,
  image_link text,
  availability text not null,
  color text,
  size text,
  condition text,
  attributes jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index catalog_variants_product on catalog_variants (product_id, id);

-- One row per change of price, sale price, cost or currency; a version is in force from
-- valid_from until the next version's valid_from.
create table catalog_price_versions (
  variant_id text collate "C" not null references catalog_variants (id) on delete cascade,
  valid_from timestamptz not null,
  price numeric(12,2) not null,
  sale_price numeric(12,2),
  cost numeric(12,2),
  currency text not null,
  recorded_at timestamptz not null,
  primary key (variant_id, valid_from)
);

-- Absolute stock level of a variant at a location, as last reported.
create table catalog_stock (
  variant_id text collate "C" not null references catalog_variants (id) on delete cascade,
  location_id text collate "C" not null references catalog_locations (id) on delete cascade,
  quantity integer not null,
  updated_at timestamptz not null,
  primary key (variant_id, location_id)
);
create index catalog_stock_location on catalog_stock (location_id);
