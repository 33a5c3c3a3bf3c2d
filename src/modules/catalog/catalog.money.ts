/**
 * Money is held as integer minor units (cents) inside the catalog so that diffing and margin math
 * are exact; it is a decimal number with two places at the edges (JSON API, SQL numeric(12,2)).
 * No I/O here.
 */

/** numeric(12,2): ten integer digits. */
export const MAX_CENTS = 999_999_999_999;

export type MoneyParse =
  | { ok: true; cents: number; currency: string }
  | { ok: false; message: string };

/**
 * Converts a JSON number like 19.99 to 1999. Undefined when it is negative, too large, not finite
 * or has more than two decimal places (money is numeric(12,2); silently rounding a price is worse
 * than refusing it).
 */
export function decimalToCents(n: number): number | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  const scaled = n * 100;
  const cents = Math.round(scaled);
  if (Math.abs(scaled - cents) > 1e-6 || cents > MAX_CENTS) return undefined;
  return cents;
}

export function centsToDecimal(cents: number): number {
  return cents / 100;
}

/** Exact decimal text for SQL numeric parameters (no binary floating point on the way in). */
export function centsToSql(cents: number): string {
  const whole = Math.trunc(cents / 100);
  return `${whole}.${String(cents - whole * 100).padStart(2, '0')}`;
}

/** numeric(12,2) read back as a JS number (see db.types.ts) to cents. */
export function sqlToCents(n: number): number {
  return Math.round(n * 100);
}

export function normalizeCurrency(c: string): string | undefined {
  const t = c.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(t) ? t : undefined;
}

const AMOUNT = /^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/;

/**
 * Parses a Google Merchant Center money value: "19.99 USD", also "USD 19.99", "1,299.00 USD" and
 * "19 usd". The currency is required (GMC requires it too) and comma thousands separators are
 * accepted only in groups of three, so "19,99 EUR" (a decimal comma) is refused, not misread.
 */
export function parseMoney(text: string): MoneyParse {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'is empty' };
  const prefixed = /^([A-Za-z]{3})\s+(\S+)$/.exec(t);
  const suffixed = prefixed ? undefined : /^(\S+?)\s*([A-Za-z]{3})$/.exec(t);
  const amount = prefixed ? prefixed[2]! : suffixed?.[1];
  const currency = prefixed ? prefixed[1]! : suffixed?.[2];
  if (amount === undefined || currency === undefined) {
    return { ok: false, message: `"${text}" is not an amount with an ISO 4217 currency, e.g. "19.99 USD"` };
  }
  const a = AMOUNT.exec(amount);
  if (!a) return { ok: false, message: `"${t}" is not a valid amount (use a dot for decimals, e.g. "19.99 USD")` };
  if ((a[1] ?? '').length > 2) return { ok: false, message: `"${amount}" has more than two decimal places` };
  const [whole, frac = ''] = amount.replace(/,/g, '').split('.');
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents) || cents > MAX_CENTS) return { ok: false, message: `"${amount}" is too large` };
  return { ok: true, cents, currency: currency.toUpperCase() };
}
