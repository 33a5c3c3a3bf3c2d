import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { isPlainObject } from '../../core/index.ts';

/** Identifier types, strongest first: the order decides which profile survives a merge. */
export const IDENTITY_PRIORITY = ['user_id', 'external', 'email', 'phone', 'anonymous_id'] as const;

export interface Identifier { type: string; value: string }

export function identityKey(i: Identifier): string {
  return `${i.type}\u0000${i.value}`;
}

export function priorityOf(type: string): number {
  const base = type.startsWith('external:') ? 'external' : type;
  const i = (IDENTITY_PRIORITY as readonly string[]).indexOf(base);
  return i < 0 ? IDENTITY_PRIORITY.length : i;
}

/** Lower-cased and trimmed; undefined when it is not an email address. */
export function normalizeEmail(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const e = v.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) && e.length <= 254 ? e : undefined;
}

/** E.164 (`+14155550123`); numbers without a country code are read in `defaultRegion`. */
export function normalizePhone(v: unknown, defaultRegion: string): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const p = parsePhoneNumberFromString(String(v), defaultRegion as CountryCode);
  return p && p.isValid() ? p.number : undefined;
}

/** `Loyalty Card` -> `loyalty_card`. */
export function normalizeIdType(t: string): string {
  return t.trim().replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

export interface IdentifierOptions { defaultPhoneRegion: string; externalIdTraits: Record<string, string> }

interface MessageLike {
  type: string;
  userId?: string;
  anonymousId?: string;
  previousId?: string;
  traits?: Record<string, unknown>;
  context?: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

/**
 * Every identifier a message carries: its ids, email and phone from traits (identify) or
 * context.traits (other calls), external ids from context.externalIds and configured traits.
 */
export function identifiersOf(m: MessageLike, opts: IdentifierOptions): Identifier[] {
  const out: Identifier[] = [];
  const seen = new Set<string>();
  const add = (type: string, value: string | undefined) => {
    if (!value) return;
    const k = type + '\u0000' + value;
    if (!seen.has(k)) { seen.add(k); out.push({ type, value }); }
  };
  add('user_id', m.userId);
  add('anonymous_id', m.anonymousId);
  const ctxTraits = isPlainObject(m.context?.traits) ? m.context.traits : undefined;
  for (const traits of [m.traits, ctxTraits]) {
    if (!traits) continue;
    add('email', normalizeEmail(traits.email));
    add('phone', normalizePhone(traits.phone, opts.defaultPhoneRegion));
    for (const [trait, type] of Object.entries(opts.externalIdTraits)) {
      const v = traits[trait];
      if (typeof v === 'string' || typeof v === 'number') add(`external:${type}`, String(v).trim());
    }
  }
  const ext = m.context?.externalIds;
  if (Array.isArray(ext)) {
    for (const e of ext) {
      if (!isPlainObject(e) || (typeof e.id !== 'string' && typeof e.id !== 'number') || typeof e.type !== 'string') continue;
      const type = normalizeIdType(e.type);
      if (type === 'email') add('email', normalizeEmail(e.id));
      else if (type === 'phone') add('phone', normalizePhone(e.id, opts.defaultPhoneRegion));
      else if (type === 'user_id') continue; // a second userId would bypass the one-userId rule
      else if (type) add(`external:${type}`, String(e.id).trim());
    }
  }
  return out;
}

/**
 * Parses a profile reference: `prf_…`, `userId:…`, `anonymousId:…`, `email:…`, `phone:…`,
 * `externalId:TYPE:…`. A bare string that is not a profile id is read as an anonymousId.
 */
export function parseRef(ref: string, defaultPhoneRegion: string): { profileId: string } | Identifier | undefined {
  if (ref.startsWith('prf_')) return { profileId: ref };
  const i = ref.indexOf(':');
  if (i < 0) return ref ? { type: 'anonymous_id', value: ref } : undefined;
  const kind = ref.slice(0, i), rest = ref.slice(i + 1);
  switch (kind) {
    case 'userId': case 'user_id': return rest ? { type: 'user_id', value: rest } : undefined;
    case 'anonymousId': case 'anonymous_id': return rest ? { type: 'anonymous_id', value: rest } : undefined;
    case 'email': { const e = normalizeEmail(rest); return e ? { type: 'email', value: e } : undefined; }
    case 'phone': { const p = normalizePhone(rest, defaultPhoneRegion); return p ? { type: 'phone', value: p } : undefined; }
    case 'externalId': case 'external': {
      const j = rest.indexOf(':');
      if (j <= 0) return undefined;
      const type = normalizeIdType(rest.slice(0, j));
      return type && rest.slice(j + 1) ? { type: `external:${type}`, value: rest.slice(j + 1) } : undefined;
    }
    default: return { type: 'anonymous_id', value: ref };
  }
}
