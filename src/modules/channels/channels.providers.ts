/**
 * Provider wiring (SMTP, the SMS and push APIs, the webhook destination) from the environment,
 * overridable over the API: `PUT /v1/channels/providers` stores overrides (null restores the
 * environment's value) and the adapters are rebuilt in place. Secrets are never read back, only
 * whether they are set.
 */
import { invalid, type ChannelsConfig, type CoreDeps } from '../../core/index.ts';
import { createPushAdapter, createSmsAdapter, createWebhookAdapter, unconfigured, type ChannelAdapter } from './channels.adapters.ts';
import { createEmailAdapter } from './channels.email.ts';
import type { ChannelName } from './channels.types.ts';

export const PROVIDER_FIELDS = ['smtpUrl', 'smtpFrom', 'smsUrl', 'smsAccountSid', 'smsAuthToken', 'smsFrom', 'pushUrl', 'pushKey', 'webhookUrl', 'webhookSecret'] as const;
type Field = (typeof PROVIDER_FIELDS)[number];
export type ProviderOverrides = Partial<Record<Field, string>>;
const SECRETS: ReadonlySet<Field> = new Set(['smsAuthToken', 'pushKey', 'webhookSecret']);
const URLS: Partial<Record<Field, RegExp>> = { smtpUrl: /^smtps?:\/\//, smsUrl: /^https?:\/\//, pushUrl: /^https?:\/\//, webhookUrl: /^https?:\/\// };

export type Adapters = Record<Exclude<ChannelName, 'in_app'>, ChannelAdapter>;

export function buildAdapters(cfg: ChannelsConfig, dataDir: string, timeoutMs: number, receiptsPath: string, clock: CoreDeps['clock']): Adapters {
  return {
    email: createEmailAdapter(cfg, dataDir, clock),
    sms: cfg.smsUrl ? createSmsAdapter(cfg, timeoutMs, `${cfg.publicUrl}${receiptsPath}/sms`) : unconfigured('BRAID_SMS_URL'),
    push: cfg.pushUrl ? createPushAdapter(cfg, timeoutMs) : unconfigured('BRAID_PUSH_URL'),
    webhook: cfg.webhookUrl ? createWebhookAdapter(cfg, timeoutMs, clock) : unconfigured('BRAID_WEBHOOK_URL'),
  };
}

/** Checks a PUT body: known fields, strings (URLs of the right scheme) or null. */
export function parseProviderOverrides(body: unknown, current: ProviderOverrides): ProviderOverrides {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('body', 'must be an object of provider settings');
  const next: ProviderOverrides = { ...current };
  for (const [k, v] of Object.entries(body)) {
    if (!(PROVIDER_FIELDS as readonly string[]).includes(k)) throw invalid(k, `is not a provider setting (known: ${PROVIDER_FIELDS.join(', ')})`);
    const f = k as Field;
    if (v === null) { delete next[f]; continue; }
    if (typeof v !== 'string' || v.trim() === '' || v.length > 2000) throw invalid(f, 'must be a non-empty string, or null to restore the environment default');
    const re = URLS[f];
    if (re && !re.test(v)) throw invalid(f, `must be a URL matching ${re.source}`);
    next[f] = v.trim();
  }
  return next;
}

/** The effective settings as the API shows them: secrets as set/unset, URLs without credentials. */
export function describeProviders(cfg: ChannelsConfig, overrides: ProviderOverrides): Record<string, { value: string | null; source: 'api' | 'env' | 'unset' }> {
  const out: Record<string, { value: string | null; source: 'api' | 'env' | 'unset' }> = {};
  for (const f of PROVIDER_FIELDS) {
    const v = cfg[f] as string | undefined;
    const shown = v === undefined ? null : SECRETS.has(f) ? '(set)' : f === 'smtpUrl' ? v.replace(/\/\/[^@/]*@/, '//***@') : v;
    out[f] = { value: shown, source: f in overrides ? 'api' : v === undefined ? 'unset' : 'env' };
  }
  return out;
}
