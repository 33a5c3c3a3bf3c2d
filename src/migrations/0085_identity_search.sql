-- Shopper search in the console (GET /v1/profiles?q=): prefix match on any identity value
-- (email, user id, phone, external ids) must not scan every identity of a million shoppers.
create index if not exists identities_value_prefix on identities (value text_pattern_ops, type);
