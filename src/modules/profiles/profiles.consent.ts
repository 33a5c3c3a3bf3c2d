import { isPlainObject } from '../../core/index.ts';
import { isValidPurpose, type ConsentInput, type ConsentStatus } from '../consent/index.ts';
import { normalizeIdType } from '../identity/index.ts';
import type { LoggedMessage } from '../events/index.ts';

type Extracted = Omit<ConsentInput, 'profileId'>;

/** true/false, 'granted'/'denied'/'revoked' (and yes/no, opt_in/opt_out), or {status}/{granted}. */
export function consentValue(v: unknown): ConsentStatus | boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'granted' || s === 'denied' || s === 'revoked') return s;
    if (['true', 'yes', 'opt_in', 'opted_in', 'allow', 'allowed'].includes(s)) return true;
    if (['false', 'no', 'opt_out', 'opted_out', 'deny', 'withdrawn'].includes(s)) return false;
    return undefined;
  }
  if (isPlainObject(v)) return consentValue(v.status ?? v.granted ?? v.value);
  return undefined;
}

/**
 * Consent carried by a message: identify `traits.consent` ({purpose: value}), Segment's
 * `context.consent.categoryPreferences`, or a `Consent Updated` event (properties `purpose` +
 * `status`, or `purposes`/`consent` maps). Evidence keeps the message that carried it.
 */
export function extractConsent(m: LoggedMessage): Extracted[] {
  const out: Extracted[] = [];
  const evidence: Record<string, unknown> = { messageId: m.messageId, seq: m.seq, call: m.type === 'track' ? `track:${m.event}` : m.type };
  const ctx = m.context ?? {};
  if (typeof ctx.ip === 'string') evidence.ip = ctx.ip;
  if (typeof ctx.userAgent === 'string') evidence.userAgent = ctx.userAgent;
  const add = (purposeRaw: string, value: unknown, source: string) => {
    const purpose = normalizeIdType(purposeRaw);
    const status = consentValue(value);
    if (status === undefined || !isValidPurpose(purpose)) return;
    const rec: Extracted = { purpose, status, at: m.timestamp, source, evidence };
    const j = isPlainObject(value) && typeof value.jurisdiction === 'string' ? value.jurisdiction : undefined;
    if (j) rec.jurisdiction = j.toUpperCase();
    out.push(rec);
  };
  const traitConsent = m.type === 'identify' ? m.traits?.consent : isPlainObject(ctx.traits) ? ctx.traits.consent : undefined;
  if (isPlainObject(traitConsent)) for (const [k, v] of Object.entries(traitConsent)) add(k, v, m.type === 'identify' ? 'identify' : 'context.traits');
  const prefs = isPlainObject(ctx.consent) && isPlainObject(ctx.consent.categoryPreferences) ? ctx.consent.categoryPreferences : undefined;
  if (prefs) for (const [k, v] of Object.entries(prefs)) add(k, v, 'context.consent');
  if (m.type === 'track' && m.event === 'Consent Updated' && isPlainObject(m.properties)) {
    const p = m.properties;
    if (typeof p.purpose === 'string') add(p.purpose, p.status ?? p.granted ?? p.value, 'Consent Updated');
    for (const key of ['purposes', 'consent']) {
      const map = p[key];
      if (isPlainObject(map)) for (const [k, v] of Object.entries(map)) add(k, v, 'Consent Updated');
    }
  }
  return out;
}

/** ISO country from identify traits (`country` or `address.country`), upper-cased, if 2 letters. */
export function jurisdictionOf(m: LoggedMessage): string | undefined {
  const t = m.type === 'identify' ? m.traits : undefined;
  if (!t) return undefined;
  const raw = typeof t.country === 'string' ? t.country : isPlainObject(t.address) && typeof t.address.country === 'string' ? t.address.country : undefined;
  return raw && /^[A-Za-z]{2}$/.test(raw.trim()) ? raw.trim().toUpperCase() : undefined;
}
