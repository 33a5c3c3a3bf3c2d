/**
 * Normalization and hashing of identifiers as the ad platforms match them, and the CSV each
 * platform's customer-list upload takes. Pure, no I/O.
 *
 * Meta Custom Audiences (customer list, "Hashing and Normalizing Data"): email trimmed and
 * lower-cased; phone as digits only with the country code, no '+', no symbols, no leading zeros
 * (e.g. 16505551234). Hash: SHA-256, lower-case hex. Upload file headers: `email`, `phone`.
 *
 * Google Customer Match (Google Ads API / Display & Video 360 "prepare user data", the
 * enhanced-conversions normalization): email trimmed and lower-cased, and for gmail.com and
 * googlemail.com addresses every '.' of the part before '@' removed; phone in E.164 with the
 * leading '+' (e.g. +16505551234). Hash: SHA-256, lower-case hex. Upload template headers:
 * `Email`, `Phone`.
 *
 * Braid's identity graph already stores emails trimmed and lower-cased and phones in E.164
 * (identity.normalize.ts); these functions re-apply the rules so they hold for any input.
 */
import { createHash } from 'node:crypto';
import type { AudienceFormat, IdentifierKind } from './audiences.types.ts';

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/** The email as `format` matches it, or undefined when it is not an address. */
export function normalizeEmailFor(format: AudienceFormat, raw: string): string | undefined {
  const e = raw.trim().toLowerCase();
  const at = e.lastIndexOf('@');
  if (at <= 0 || at === e.length - 1 || /\s/.test(e)) return undefined;
  if (format === 'google') {
    const local = e.slice(0, at), domain = e.slice(at + 1);
    if (GMAIL_DOMAINS.has(domain)) return `${local.replace(/\./g, '')}@${domain}`;
  }
  return e;
}

/**
 * The phone as `format` matches it. Input must carry its country code (E.164 `+CC…`, or `00CC…`):
 * Braid stores phones in E.164, read with BRAID_DEFAULT_PHONE_REGION when written without one.
 */
export function normalizePhoneFor(format: AudienceFormat, raw: string): string | undefined {
  const trimmed = raw.trim();
  let digits = trimmed.replace(/\D/g, '');
  if (!trimmed.startsWith('+') && digits.startsWith('00')) digits = digits.slice(2); // 00 international prefix
  digits = digits.replace(/^0+/, '');
  if (digits.length < 8 || digits.length > 15) return undefined; // E.164: at most 15 digits
  return format === 'google' ? `+${digits}` : digits;
}

export function hashIdentifier(format: AudienceFormat, kind: IdentifierKind, raw: string): string | undefined {
  const n = kind === 'email' ? normalizeEmailFor(format, raw) : normalizePhoneFor(format, raw);
  return n === undefined ? undefined : sha256Hex(n);
}

/** Column headers of each platform's customer-list template. */
export const CSV_HEADERS: Record<AudienceFormat, Record<IdentifierKind, string>> = {
  meta: { email: 'email', phone: 'phone' },
  google: { email: 'Email', phone: 'Phone' },
};

/**
 * One row per person and identifier pair: a shopper with two emails and one phone gives two rows
 * (the second without phone); both platforms match each row on any identifier it carries.
 * Hex hashes need no quoting.
 */
export function renderCsv(format: AudienceFormat, people: Iterable<{ email: string[]; phone: string[] }>): string {
  const h = CSV_HEADERS[format];
  const lines = [`${h.email},${h.phone}`];
  for (const p of people) {
    const n = Math.max(p.email.length, p.phone.length);
    for (let i = 0; i < n; i++) lines.push(`${p.email[i] ?? ''},${p.phone[i] ?? ''}`);
  }
  return lines.join('\n') + '\n';
}
