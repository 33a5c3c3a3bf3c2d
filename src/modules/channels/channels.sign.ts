/**
 * Signatures: unsubscribe tokens (HMAC-SHA256 with Braid's secret), the webhook / receipt
 * signature (HMAC-SHA256 over `timestamp.body`), and Twilio's X-Twilio-Signature (HMAC-SHA1).
 * Pure functions; comparisons are constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a), bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export interface UnsubscribeClaims { profileId: string; purpose: string; messageId?: string }

/**
 * `<base64url(JSON {p, u, m?})>.<base64url(HMAC-SHA256(secret, payload))>`. Tokens do not expire:
 * an unsubscribe link must keep working for as long as the email sits in an inbox.
 */
export function signUnsubscribe(secret: string, c: UnsubscribeClaims): string {
  const payload = Buffer.from(JSON.stringify({ p: c.profileId, u: c.purpose, ...(c.messageId ? { m: c.messageId } : {}) })).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

/** The claims of a genuine token, or undefined (forged, truncated, malformed). */
export function verifyUnsubscribe(secret: string, token: string): UnsubscribeClaims | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 2000) return undefined;
  const payload = token.slice(0, dot);
  const expected = createHmac('sha256', secret).update(payload).digest('base64url');
  if (!safeEqual(expected, token.slice(dot + 1))) return undefined;
  try {
    const o = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p?: unknown; u?: unknown; m?: unknown };
    if (typeof o.p !== 'string' || typeof o.u !== 'string') return undefined;
    return { profileId: o.p, purpose: o.u, ...(typeof o.m === 'string' ? { messageId: o.m } : {}) };
  } catch { return undefined; }
}

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` (X-Braid-Signature). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** Checks X-Braid-Signature and that X-Braid-Timestamp (unix seconds) is within `toleranceS` of now. */
export function verifyWebhook(secret: string, timestamp: string | undefined, body: string, signature: string | undefined, nowMs: number, toleranceS = 300): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceS) return false;
  return safeEqual(signWebhook(secret, timestamp, body), signature);
}

/**
 * Twilio's request signature: base64(HMAC-SHA1(authToken, url + each POST parameter's name and
 * value, sorted by name)). `url` is the full URL Twilio called (our StatusCallback, with query).
 */
export function signTwilio(authToken: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const k of Object.keys(params).sort()) data += k + params[k];
  return createHmac('sha1', authToken).update(data).digest('base64');
}

export function verifyTwilio(authToken: string, url: string, params: Record<string, string>, signature: string | undefined): boolean {
  return signature !== undefined && safeEqual(signTwilio(authToken, url, params), signature);
}
