/**
 * Operator settings of the muscle (channels, workers and their guardrails) and of content
 * generation, read once from the environment. Marketers change caps and quiet hours over the API
 * (`/v1/guardrails`); these are the defaults a fresh install starts from, and the provider wiring.
 */
export interface FrequencyCap {
  /** A channel (email, sms, push, webhook, in_app) or `all` for every owned channel together. */
  channel: string;
  max: number;
  period: 'day' | 'week';
}

export interface ChannelsConfig {
  /** SMTP server, e.g. smtp://127.0.0.1:2525; unset: email is written to `<dataDir>/outbox` (demo). */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** Twilio-compatible Messages endpoint (form post), its account SID/token, and the sender. */
  smsUrl: string | undefined;
  smsAccountSid: string;
  smsAuthToken: string;
  smsFrom: string;
  /** FCM-shaped JSON endpoint and its bearer key. */
  pushUrl: string | undefined;
  pushKey: string;
  /** Generic webhook destination and the HMAC-SHA256 secret its signature header uses. */
  webhookUrl: string | undefined;
  webhookSecret: string;
  /** Where shoppers reach this Braid (unsubscribe links, receipts); default http://host:port. */
  publicUrl: string;
  /** Printed in the footer of marketing email (CAN-SPAM). */
  postalAddress: string;
  /** Delivery attempts before a message is dead-lettered. */
  maxAttempts: number;
  /**
   * Open and click tracking in marketing email (channels.tracking.ts): `on` (default) for every
   * marketing email, `consent` only for shoppers who granted the `email_tracking` purpose (the
   * ePrivacy reading: a tracking pixel reads the device like a cookie), `off` never. Transactional
   * email is never tracked. Absent means `on`.
   */
  emailTracking?: EmailTracking;
}

export const EMAIL_TRACKING = ['on', 'consent', 'off'] as const;
export type EmailTracking = (typeof EMAIL_TRACKING)[number];

export interface GuardrailsConfig {
  caps: FrequencyCap[];
  /** Local hours [start, end) in the shopper's time zone when nothing is sent (deferred, not dropped). */
  quietHours: { start: number; end: number };
  /** Minimum minutes between any two messages to one shopper, across channels and workers. */
  minGapMinutes: number;
  /** A shopper reached by owned email within this many hours (or who converted) leaves paid-media audiences. */
  paidSuppressionHours: number;
  /** Time zone of shoppers whose profile has none. */
  defaultTimezone: string;
}

export interface LlmConfig { url: string | undefined; model: string; apiKey: string | undefined }

export interface MuscleConfig { channels: ChannelsConfig; guardrails: GuardrailsConfig; llm: LlmConfig }

export const MUSCLE_KEYS = [
  'BRAID_SMTP_URL', 'BRAID_SMTP_FROM', 'BRAID_SMS_URL', 'BRAID_SMS_ACCOUNT_SID', 'BRAID_SMS_AUTH_TOKEN', 'BRAID_SMS_FROM',
  'BRAID_PUSH_URL', 'BRAID_PUSH_KEY', 'BRAID_WEBHOOK_URL', 'BRAID_WEBHOOK_SECRET', 'BRAID_PUBLIC_URL', 'BRAID_POSTAL_ADDRESS',
  'BRAID_EMAIL_TRACKING', 'BRAID_DELIVERY_ATTEMPTS', 'BRAID_CAPS', 'BRAID_QUIET_HOURS', 'BRAID_MIN_GAP_MINUTES', 'BRAID_PAID_SUPPRESSION_HOURS',
  'BRAID_DEFAULT_TIMEZONE', 'BRAID_LLM_URL', 'BRAID_LLM_MODEL', 'BRAID_LLM_API_KEY',
] as const;

export const DEFAULT_CAPS: FrequencyCap[] = [
  { channel: 'email', max: 1, period: 'day' }, { channel: 'email', max: 4, period: 'week' },
  { channel: 'sms', max: 1, period: 'day' }, { channel: 'sms', max: 2, period: 'week' },
  { channel: 'push', max: 2, period: 'day' }, { channel: 'push', max: 6, period: 'week' },
  { channel: 'all', max: 2, period: 'day' }, { channel: 'all', max: 8, period: 'week' },
];

/** `email:1/day,email:4/week,all:2/day` */
export function parseCaps(raw: string, problems: string[], name = 'BRAID_CAPS'): FrequencyCap[] {
  const out: FrequencyCap[] = [];
  for (const part of raw.split(',')) {
    const m = /^\s*([a-z_]+):(\d+)\/(day|week)\s*$/.exec(part);
    if (!m) { problems.push(`${name} must look like "email:1/day,email:4/week,all:2/day", bad part "${part}"`); continue; }
    out.push({ channel: m[1]!, max: Number(m[2]), period: m[3] as 'day' | 'week' });
  }
  return out;
}

function isTimeZone(tz: string): boolean {
  try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; }
}

export function parseMuscleConfig(str: (k: string) => string | undefined, problems: string[], listen: { host: string; port: number }): MuscleConfig {
  const int = (k: string, def: number, min: number, max: number): number => {
    const raw = str(k);
    if (raw === undefined) return def;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) { problems.push(`${k} must be an integer from ${min} to ${max}, got "${raw}"`); return def; }
    return Number(raw);
  };
  const url = (k: string, protocols: RegExp): string | undefined => {
    const raw = str(k);
    if (raw === undefined) return undefined;
    if (!protocols.test(raw)) { problems.push(`${k} must be a URL matching ${protocols.source}, got "${raw}"`); return undefined; }
    return raw;
  };
  let quietHours = { start: 21, end: 8 };
  const rawQuiet = str('BRAID_QUIET_HOURS');
  if (rawQuiet !== undefined) {
    const m = /^(\d{1,2})-(\d{1,2})$/.exec(rawQuiet);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 23) problems.push(`BRAID_QUIET_HOURS must look like "21-8" (local hours, start-end), got "${rawQuiet}"`);
    else quietHours = { start: Number(m[1]), end: Number(m[2]) };
  }
  const rawCaps = str('BRAID_CAPS');
  const defaultTimezone = str('BRAID_DEFAULT_TIMEZONE') ?? 'America/New_York';
  if (!isTimeZone(defaultTimezone)) problems.push(`BRAID_DEFAULT_TIMEZONE must be an IANA time zone such as Europe/Paris, got "${defaultTimezone}"`);
  const rawTracking = str('BRAID_EMAIL_TRACKING') ?? 'on';
  const emailTracking = EMAIL_TRACKING.find((m) => m === rawTracking);
  if (!emailTracking) problems.push(`BRAID_EMAIL_TRACKING must be one of ${EMAIL_TRACKING.join(', ')}, got "${rawTracking}"`);
  const publicHost = listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host;
  return {
    channels: {
      smtpUrl: url('BRAID_SMTP_URL', /^smtps?:\/\//),
      smtpFrom: str('BRAID_SMTP_FROM') ?? 'Braid Demo Store <shop@braid.example>',
      smsUrl: url('BRAID_SMS_URL', /^https?:\/\//),
      smsAccountSid: str('BRAID_SMS_ACCOUNT_SID') ?? 'AC_braid',
      smsAuthToken: str('BRAID_SMS_AUTH_TOKEN') ?? 'braid-sms-token',
      smsFrom: str('BRAID_SMS_FROM') ?? '+15005550006',
      pushUrl: url('BRAID_PUSH_URL', /^https?:\/\//),
      pushKey: str('BRAID_PUSH_KEY') ?? 'braid-push-key',
      webhookUrl: url('BRAID_WEBHOOK_URL', /^https?:\/\//),
      webhookSecret: str('BRAID_WEBHOOK_SECRET') ?? 'braid-webhook-secret',
      publicUrl: (url('BRAID_PUBLIC_URL', /^https?:\/\//) ?? `http://${publicHost}:${listen.port}`).replace(/\/$/, ''),
      postalAddress: str('BRAID_POSTAL_ADDRESS') ?? 'Braid Demo Store, 1 Market Street, San Francisco, CA 94105, USA',
      maxAttempts: int('BRAID_DELIVERY_ATTEMPTS', 5, 1, 20),
      emailTracking: emailTracking ?? 'on',
    },
    guardrails: {
      caps: rawCaps === undefined ? DEFAULT_CAPS : parseCaps(rawCaps, problems),
      quietHours,
      minGapMinutes: int('BRAID_MIN_GAP_MINUTES', 60, 0, 10_080),
      paidSuppressionHours: int('BRAID_PAID_SUPPRESSION_HOURS', 72, 0, 24 * 90),
      defaultTimezone,
    },
    llm: {
      url: url('BRAID_LLM_URL', /^https?:\/\//),
      model: str('BRAID_LLM_MODEL') ?? 'gpt-4o-mini',
      apiKey: str('BRAID_LLM_API_KEY'),
    },
  };
}
