-- Channels: the delivery log (one row per message, at most one per idempotency key, ever), the
-- global suppression list, and the in-app inbox. Only the channels module reads or writes these
-- tables. The delivery queue itself is pg-boss, in its own schema (see docs/channels.md).
create table deliveries (
  -- msg_…, time-ordered: listing by id is listing by creation time
  id text primary key,
  -- workers use `${workerId}:${instanceId}:${stepId}`; a repeated key is never sent again
  idempotency_key text not null unique,
  profile_id text not null,
  channel text not null,
  purpose text not null,
  transactional boolean not null default false,
  -- queued, sending, sent, delivered, opened, clicked, retrying, failed, bounced, complained,
  -- dead, suppressed, unknown (the process died while the provider call was in flight)
  status text not null,
  reason text,
  -- what it was sent to (email, E.164 phone, device token, profile id for webhook/in_app)
  address text,
  attempts integer not null default 0,
  provider_id text,
  -- the consent ledger record and basis the last delivery attempt relied on
  consent_record_id text,
  consent_basis text,
  worker_id text,
  worker_version integer,
  instance_id text,
  step_id text,
  decision_id text,
  content jsonb not null,
  created_at timestamptz not null,
  sent_at timestamptz,
  updated_at timestamptz not null
);
-- Contact history per shopper (frequency caps, gaps, paid-media suppression) and the console.
create index deliveries_profile on deliveries (profile_id, created_at desc);
create index deliveries_status on deliveries (status, created_at);
create index deliveries_worker on deliveries (worker_id, instance_id) where worker_id is not null;
-- Receipts name the provider's id (Twilio MessageSid, FCM name, SMTP Message-ID).
create index deliveries_provider on deliveries (provider_id) where provider_id is not null;

-- Addresses nothing is sent to, whatever consent says: hard bounces, complaints, operator entries.
-- channel is a channel name or 'all'; address is normalized (lower-case email, E.164 phone).
create table suppressions (
  id text primary key,
  channel text not null,
  address text not null,
  reason text not null,
  source text not null,
  message_id text,
  created_at timestamptz not null,
  unique (channel, address)
);
create index suppressions_address on suppressions (address);

-- In-app messages, read by the storefront (GET /v1/inbox). id is the delivery's message id.
create table inbox_items (
  id text primary key,
  profile_id text not null,
  title text,
  body text,
  url text,
  data jsonb,
  created_at timestamptz not null,
  read_at timestamptz
);
create index inbox_items_profile on inbox_items (profile_id, created_at desc);
