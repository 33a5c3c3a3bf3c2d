/**
 * Address normalization for the suppression list, matching how addresses are resolved at
 * delivery time: emails lower-cased (as identities store them), phones in E.164, device tokens and
 * profile ids (webhook, in_app) trimmed. `all` takes an email address or a phone number.
 */
import { normalizeEmail, normalizePhone } from '../identity/index.ts';

export function normalizeAddress(channel: string, raw: unknown, defaultRegion: string): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const v = raw.trim();
  if (!v || v.length > 4096) return undefined;
  switch (channel) {
    case 'email': return normalizeEmail(v);
    case 'sms': return normalizePhone(v, defaultRegion);
    case 'all': return v.includes('@') ? normalizeEmail(v) : normalizePhone(v, defaultRegion);
    default: return v; // push token, profile id
  }
}
