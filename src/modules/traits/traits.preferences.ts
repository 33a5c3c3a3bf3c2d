/**
 * The declared preference model: the variables (configurable per retailer), validation of
 * values, capture from events, and resolution of the effective value (declared beats inferred).
 * Pure, no I/O.
 */
import { invalid, type PreferenceSpec } from '../../core/index.ts';
import type { LoggedMessage } from '../events/index.ts';
import { DAY_MS } from './traits.math.ts';
import type { PreferenceSource, PreferenceValue, PreferenceVariable, PreferenceView } from './traits.types.ts';

export const DEFAULT_PREFERENCES: PreferenceVariable[] = [
  { name: 'quality_over_price', kind: 'scale', description: '1: pays for quality; 0: price decides' },
  { name: 'deal_seeking', kind: 'scale', description: 'Waits for, hunts and responds to discounts' },
  { name: 'bundle_affinity', kind: 'scale', description: 'Likes sets, kits and multi-item bundles' },
  { name: 'trusts_experts', kind: 'scale', description: '1: trusts expert reviews; 0: trusts influencers and social proof' },
  { name: 'returns_anxiety', kind: 'scale', description: 'Worries about returns; reassured by easy-return messaging' },
  { name: 'shipping_speed', kind: 'choice', options: ['fastest', 'standard', 'cheapest'], description: 'What matters in delivery' },
  { name: 'sustainability', kind: 'scale', description: 'Weighs environmental and ethical sourcing' },
  { name: 'novelty_seeking', kind: 'scale', description: 'Tries new products rather than re-buying known ones' },
  { name: 'brand_loyalty', kind: 'scale', description: 'Sticks to a favourite brand' },
  { name: 'fit_concerns', kind: 'scale', description: 'Unsure about size and fit' },
  { name: 'routine_fit', kind: 'scale', description: 'Buys to a routine (replenishment, subscriptions)' },
  { name: 'gift_buyer', kind: 'boolean', description: 'Often buys for others' },
  { name: 'research_depth', kind: 'scale', description: 'Researches (views, compares, reads reviews) before buying' },
  { name: 'wants_advice', kind: 'scale', description: 'Wants personal advice (chat, store associate, stylist)' },
];

export const VARIABLE_NAME = /^[a-z][a-z0-9_]{1,63}$/;


/**
 * The configured variables: the default list when no spec is given; else exactly the listed
 * ones, each a built-in (by name) or a custom one (with its kind, and options for a choice).
 */
export function resolveVariables(spec: readonly PreferenceSpec[] | undefined): PreferenceVariable[] {
  if (!spec || spec.length === 0) return DEFAULT_PREFERENCES.map((v) => ({ ...v }));
  return spec.map((s) => {
    const builtin = DEFAULT_PREFERENCES.find((v) => v.name === s.name);
    if (!s.kind) {
      if (!builtin) throw new Error(`preference variable ${s.name} is not built in: give its kind (${s.name}:scale, :boolean or :choice(a|b))`);
      return { ...builtin };
    }
    const v: PreferenceVariable = { name: s.name, kind: s.kind, description: builtin?.description ?? 'Retailer-defined' };
    if (s.kind === 'choice') v.options = s.options ?? [];
    return v;
  });
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on']), FALSE = new Set(['false', 'no', 'n', '0', 'off']);

/** The value in canonical form, or a message saying what is wrong. */
export function coerceValue(v: PreferenceVariable, raw: unknown): { value: PreferenceValue } | { error: string } {
  switch (v.kind) {
    case 'scale': {
      const n = typeof raw === 'boolean' ? (raw ? 1 : 0) : typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      return Number.isFinite(n) && n >= 0 && n <= 1 ? { value: n } : { error: 'must be a number from 0 to 1' };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const s = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim().toLowerCase() : '';
      return TRUE.has(s) ? { value: true } : FALSE.has(s) ? { value: false } : { error: 'must be true or false' };
    }
    case 'choice': {
      const s = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      const opts = v.options ?? [];
      return opts.includes(s) ? { value: s } : { error: `must be one of ${opts.join(', ')}` };
    }
  }
}

/** Validates an API update; throws the 400 naming `values.<name>`. Null removes. */
export function validateValues(vars: readonly PreferenceVariable[], values: Record<string, unknown>): Record<string, PreferenceValue | null> {
  const out: Record<string, PreferenceValue | null> = {};
  for (const [name, raw] of Object.entries(values)) {
    const v = vars.find((x) => x.name === name);
    if (!v) throw invalid(`values.${name}`, `is not a preference variable (known: ${vars.map((x) => x.name).join(', ')})`);
    if (raw === null) { out[name] = null; continue; }
    const c = coerceValue(v, raw);
    if ('error' in c) throw invalid(`values.${name}`, c.error);
    out[name] = c.value;
  }
  return out;
}

export const SOURCE_NAME = /^[a-z][a-z0-9_:.-]{0,49}$/;

export interface DeclaredPreference {
  variable: string; value: PreferenceValue; source: string; at: number;
  evidence: Record<string, unknown>;
}

/**
 * Preferences a message declares: an identify's `traits.preferences` object or `pref_<name>`
 * traits (source `identify`); a `Preference Captured` track with `variable` + `value` or a
 * `preferences` object, its source from `properties.source` (quiz, post_purchase, support, ...,
 * default `event`). Unknown variables and bad values are skipped: user data never fails the
 * projection.
 */
export function capturePreferences(m: LoggedMessage, vars: readonly PreferenceVariable[]): DeclaredPreference[] {
  const found: Array<[string, unknown]> = [];
  let source = 'identify';
  if (m.type === 'identify' && m.traits) {
    const t = m.traits;
    if (typeof t.preferences === 'object' && t.preferences !== null && !Array.isArray(t.preferences)) found.push(...Object.entries(t.preferences));
    for (const [k, v] of Object.entries(t)) if (k.startsWith('pref_')) found.push([k.slice(5), v]);
  } else if (m.type === 'track' && m.event === 'Preference Captured' && m.properties) {
    const p = m.properties;
    const s = typeof p.source === 'string' ? p.source.trim().toLowerCase() : '';
    source = SOURCE_NAME.test(s) ? s : 'event';
    if (typeof p.variable === 'string') found.push([p.variable, p.value]);
    if (typeof p.preferences === 'object' && p.preferences !== null && !Array.isArray(p.preferences)) found.push(...Object.entries(p.preferences));
  } else return [];
  const at = Date.parse(m.timestamp);
  const out: DeclaredPreference[] = [];
  for (const [name, raw] of found) {
    const v = vars.find((x) => x.name === name);
    if (!v || raw === null || raw === undefined) continue;
    const c = coerceValue(v, raw);
    if ('error' in c) continue;
    out.push({ variable: name, value: c.value, source, at, evidence: { messageId: m.messageId } });
  }
  return out;
}

export interface InferredPreference { variable: string; value: PreferenceValue; rule: string; evidence: number; lastEvidenceAt: number }

/** Half-lives of confidence: declared answers age slowly, inferred ones faster. */
export const DECLARED_HALF_LIFE_DAYS = 730;
export const INFERRED_HALF_LIFE_DAYS = 180;
/** An inference is never surer than this, however much evidence. */
export const INFERRED_MAX_CONFIDENCE = 0.8;
/** Evidence needed for ~63% of the maximum: confidence = max · (1 − e^(−n/5)) · decay. */
export const INFERRED_EVIDENCE_SCALE = 5;

const decay = (ageMs: number, halfLifeDays: number) => Math.pow(0.5, Math.max(0, ageMs) / DAY_MS / halfLifeDays);
const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function declaredConfidence(atMs: number, nowMs: number): number {
  return round3(decay(nowMs - atMs, DECLARED_HALF_LIFE_DAYS));
}

export function inferredConfidence(evidence: number, lastEvidenceAt: number, nowMs: number): number {
  return round3(INFERRED_MAX_CONFIDENCE * (1 - Math.exp(-evidence / INFERRED_EVIDENCE_SCALE)) * decay(nowMs - lastEvidenceAt, INFERRED_HALF_LIFE_DAYS));
}

/**
 * The effective value per variable: the most recent declared value (any source) wins, whatever
 * an inference says; else the inferred value; else null. Sources lists everything known, the
 * declared ones newest first, each with its decayed confidence.
 */
export function resolvePreferences(vars: readonly PreferenceVariable[], declared: readonly DeclaredPreference[], inferred: readonly InferredPreference[], nowMs: number): Record<string, PreferenceView> {
  const out: Record<string, PreferenceView> = {};
  for (const v of vars) {
    const d = declared.filter((x) => x.variable === v.name).sort((a, b) => b.at - a.at || (a.source < b.source ? -1 : 1));
    const sources: PreferenceSource[] = d.map((x) => ({ origin: 'declared', source: x.source, value: x.value, confidence: declaredConfidence(x.at, nowMs), at: new Date(x.at).toISOString() }));
    const inf = inferred.find((x) => x.variable === v.name);
    if (inf) sources.push({ origin: 'inferred', source: inf.rule, value: inf.value, confidence: inferredConfidence(inf.evidence, inf.lastEvidenceAt, nowMs), at: new Date(inf.lastEvidenceAt).toISOString() });
    const top = sources[0];
    const view: PreferenceView = { variable: v.name, kind: v.kind, value: top?.value ?? null, confidence: top?.confidence ?? 0, origin: top?.origin ?? null, sources };
    if (v.options) view.options = [...v.options];
    out[v.name] = view;
  }
  return out;
}
