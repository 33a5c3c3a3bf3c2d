-- Users, API keys and login sessions (src/modules/access). Secrets are never stored: passwords as
-- scrypt hashes, API keys and session tokens as SHA-256 hex of the secret. See docs/access.md.

create table access_users (
  id text collate "C" primary key,
  -- lower-cased
  email text collate "C" not null unique,
  name text not null,
  -- admin, marketer, approver, analyst, viewer
  role text collate "C" not null,
  -- 'scrypt$N$r$p$salt$hash' (base64url); null: cannot log in
  password_hash text,
  disabled boolean not null default false,
  created_at timestamptz not null,
  created_by text not null,
  updated_at timestamptz not null
);

create table access_api_keys (
  id text collate "C" primary key,
  name text not null,
  -- a user role, or a scope: ingest (write key), decide (storefront key)
  role text collate "C" not null,
  key_hash text collate "C" not null unique,
  -- the first characters of the secret, to recognise a key in lists
  prefix text not null,
  created_by text not null,
  created_at timestamptz not null,
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by text
);

create table access_sessions (
  id text collate "C" primary key,
  token_hash text collate "C" not null unique,
  user_id text collate "C" not null references access_users (id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz
);

create index access_sessions_user on access_sessions (user_id);
