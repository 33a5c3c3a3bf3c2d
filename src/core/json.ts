/** Keys that must never be used as dynamic property names (prototype pollution). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isSafeKey(key: string): boolean {
  return !FORBIDDEN_KEYS.has(key);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses an ISO-8601 timestamp strictly; returns epoch ms or undefined. */
export function parseTimestamp(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.length < 10 || v.length > 40) return undefined;
  if (v.length === 24 && v.charCodeAt(23) === 90 /* Z */ && v.charCodeAt(10) === 84 /* T */) {
    const ms = Date.parse(v); // the canonical form every SDK sends: skip the regex
    if (Number.isFinite(ms)) return ms;
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

export function toIso(d: Date | string | number | null | undefined): string | null {
  if (d === null || d === undefined) return null;
  return new Date(d).toISOString();
}

/** ISO string of epoch ms; returns `original` unchanged when it already is exactly that string. */
export function isoOf(ms: number, original?: string): string {
  if (original !== undefined && original.length === 24 && original.charCodeAt(23) === 90 && Date.parse(original) === ms) return original;
  return new Date(ms).toISOString();
}
