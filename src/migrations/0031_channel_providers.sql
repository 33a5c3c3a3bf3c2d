-- Provider settings changed over the API (PUT /v1/channels/providers); they override the
-- BRAID_SMTP_* / BRAID_SMS_* / BRAID_PUSH_* / BRAID_WEBHOOK_* environment defaults.
create table channel_providers (
  id integer primary key check (id = 1),
  settings jsonb not null,
  updated_at timestamptz not null
);
