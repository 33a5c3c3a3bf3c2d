/**
 * Signatures: signed link tokens (unsubscribe, tracking; HMAC-SHA256 with Braid's secret), the webhook / receipt
 * signature (HMAC-SHA256 over `timestamp.body`), and Twilio's X-Twilio-Signature (HMAC-SHA1).
 * Pure functions; comparisons are constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a), bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Braid's signed link tokens: `<base64url(JSON payload)>.<base64url(HMAC-SHA256(secret, domain + payload))>`.
 * `domain` separates kinds of token, so one kind's MAC never stands in for another's over the
 * same bytes (unsubscribe tokens predate it and use the empty domain, so links already sent keep
 * working). Tokens do not expire: an email can be opened, or unsubscribed from, months later.
 */
export function signToken(secret: string, domain: string, payload: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(domain + body).digest('base64url')}`;
}

/** The payload of a genuine token (an object), or undefined (forged, truncated, too long, malformed). */
export function readToken(secret: string, domain: string, token: string, maxLength: number): Record<string, unknown> | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > maxLength) return undefined;
  const body = token.slice(0, dot);
  if (!safeEqual(createHmac('sha256', secret).update(domain + body).digest('base64url'), token.slice(dot + 1))) return undefined;
  try {
    const o: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return o !== null && typeof o === 'object' && !Array.isArray(o) ? o as Record<string, unknown> : undefined;
  } catch { return undefined; }
}

export interface UnsubscribeClaims { profileId: string; purpose: string; messageId?: string }

/** An unsubscribe token: payload `{p, u, m?}` (profile, purpose, message). */
export function signUnsubscribe(secret: string, c: UnsubscribeClaims): string {
  return signToken(secret, '', { p: c.profileId, u: c.purpose, ...(c.messageId ? { m: c.messageId } : {}) });
}

/** The claims of a genuine unsubscribe token, or undefined. */
export function verifyUnsubscribe(secret: string, token: string): UnsubscribeClaims | undefined {
  const o = readToken(secret, '', token, 2000);
  if (!o || typeof o.p !== 'string' || typeof o.u !== 'string') return undefined;
  return { profileId: o.p, purpose: o.u, ...(typeof o.m === 'string' ? { messageId: o.m } : {}) };
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
