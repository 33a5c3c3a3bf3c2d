/**
 * One interface for every provider: `deliver(msg)` resolves with the provider's id for the
 * message, or throws a DeliveryError that says whether trying again could help (transient:
 * network error, timeout, HTTP 5xx/429, SMTP 4xx) or not (permanent: HTTP 4xx, SMTP 5xx).
 * The HTTP adapters (SMS: Twilio-compatible; push: FCM HTTP v1 shape; webhook: signed JSON) use
 * Node's global fetch with a timeout.
 */
import type { ChannelsConfig, Clock } from '../../core/index.ts';
import type { ChannelName, OutboundContent } from './channels.types.ts';
import { signWebhook } from './channels.sign.ts';
import type { TrackingLinks } from './channels.tracking.ts';

/** What an adapter delivers: a message with its address already resolved and consent checked. */
export interface OutboundMessage {
  id: string;
  profileId: string;
  channel: ChannelName;
  purpose: string;
  transactional: boolean;
  /** email address, E.164 phone, device token, or the profile id (webhook, in_app) */
  address: string;
  content: OutboundContent;
  /** Signed one-click unsubscribe link (marketing messages). */
  unsubscribeUrl?: string | undefined;
  /** Open pixel and click links (marketing email with tracking on; channels.tracking.ts). */
  tracking?: TrackingLinks | undefined;
  workerId?: string | null;
  decisionId?: string | null;
}

export interface ChannelAdapter {
  deliver(msg: OutboundMessage): Promise<{ providerId: string }>;
  close?(): Promise<void>;
}

export class DeliveryError extends Error {
  constructor(message: string, readonly kind: 'transient' | 'permanent', readonly hardBounce = false) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export const transient = (m: string) => new DeliveryError(m, 'transient');
export const permanent = (m: string, hardBounce = false) => new DeliveryError(m, 'permanent', hardBounce);

/** Any error as a DeliveryError; unknown errors (bugs, surprises) count as transient. */
export function classify(e: unknown): DeliveryError {
  if (e instanceof DeliveryError) return e;
  return transient(e instanceof Error ? e.message : String(e));
}

/**
 * POSTs and returns the parsed JSON body (or {} when it is not JSON). Network errors and
 * timeouts, 5xx and 429 are transient; other non-2xx statuses are permanent.
 */
export async function postForJson(url: string, init: { headers: Record<string, string>; body: string }, timeoutMs: number): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    throw transient(err.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : `network: ${err.cause?.code ?? err.message}`);
  }
  const text = await res.text().catch(() => '');
  if (res.status >= 500 || res.status === 429) throw transient(`http ${res.status}`);
  if (res.status < 200 || res.status >= 300) throw permanent(`http ${res.status}: ${text.slice(0, 200)}`);
  try { const v = JSON.parse(text) as unknown; return v && typeof v === 'object' ? v as Record<string, unknown> : {}; } catch { return {}; }
}

/** Twilio Messages API: form POST, HTTP Basic sid:token; the provider id is the response's `sid`. */
export function createSmsAdapter(cfg: ChannelsConfig, timeoutMs: number, statusCallback: string): ChannelAdapter {
  const url = `${cfg.smsUrl!.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(cfg.smsAccountSid)}/Messages.json`;
  const auth = 'Basic ' + Buffer.from(`${cfg.smsAccountSid}:${cfg.smsAuthToken}`).toString('base64');
  return {
    async deliver(msg) {
      const body = msg.content.body ?? msg.content.text;
      if (!body) throw permanent('sms needs content.body');
      const form = new URLSearchParams({ To: msg.address, From: cfg.smsFrom, Body: body, StatusCallback: statusCallback });
      const out = await postForJson(url, { headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }, timeoutMs);
      if (typeof out.sid !== 'string') throw transient('sms provider answered without a sid');
      return { providerId: out.sid };
    },
  };
}

/** FCM HTTP v1 shape: `{message: {token, notification: {title, body}, data}}`; provider id = `name`. */
export function createPushAdapter(cfg: ChannelsConfig, timeoutMs: number): ChannelAdapter {
  return {
    async deliver(msg) {
      const data: Record<string, string> = { braid_message_id: msg.id }; // FCM data values must be strings
      for (const [k, v] of Object.entries(msg.content.data ?? {})) data[k] = typeof v === 'string' ? v : JSON.stringify(v);
      if (msg.content.url) data.url = msg.content.url;
      const message = { token: msg.address, notification: { title: msg.content.title ?? '', body: msg.content.body ?? msg.content.text ?? '' }, data };
      const out = await postForJson(cfg.pushUrl!, {
        headers: { authorization: `Bearer ${cfg.pushKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ message }),
      }, timeoutMs);
      return { providerId: typeof out.name === 'string' ? out.name : msg.id };
    },
  };
}

/**
 * Signed JSON POST: X-Braid-Timestamp (unix seconds) and X-Braid-Signature
 * `sha256=<hex HMAC-SHA256(webhookSecret, timestamp + "." + body)>`. Provider id: the response's
 * `id` when it sends one, else the message id.
 */
export function createWebhookAdapter(cfg: ChannelsConfig, timeoutMs: number, clock: Clock): ChannelAdapter {
  return {
    async deliver(msg) {
      const body = JSON.stringify({
        messageId: msg.id, profileId: msg.profileId, purpose: msg.purpose, transactional: msg.transactional,
        workerId: msg.workerId ?? null, decisionId: msg.decisionId ?? null, content: msg.content,
      });
      const ts = String(Math.floor(clock.now() / 1000));
      const out = await postForJson(cfg.webhookUrl!, {
        headers: { 'content-type': 'application/json', 'x-braid-timestamp': ts, 'x-braid-signature': signWebhook(cfg.webhookSecret, ts, body), 'x-braid-message-id': msg.id },
        body,
      }, timeoutMs);
      return { providerId: typeof out.id === 'string' ? out.id : msg.id };
    },
  };
}

/** A channel without provider settings: every message fails permanently, naming the setting. */
export function unconfigured(setting: string): ChannelAdapter {
  return { deliver: async () => { throw permanent(`not_configured: set ${setting}`); } };
}
