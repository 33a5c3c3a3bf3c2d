/** The simulator's settings: defaults, a JSON/YAML file's fields, then the command-line flags. Errors name the field. */
import { invalid } from '../../core/index.ts';
import { DEFAULT_SIM_CONFIG, UPLIFT_TYPES, type SimConfig } from './simulator.types.ts';

const INTS: Array<[keyof SimConfig, number, number]> = [['shoppers', 1, 1_000_000], ['days', 1, 365], ['warmupDays', 1, 365], ['seeds', 1, 100], ['firstSeed', 0, 1e9], ['products', 6, 100_000]];

export function parseSimConfig(file: Record<string, unknown>, flags: Record<string, string | undefined>): SimConfig {
  const out: SimConfig = { ...DEFAULT_SIM_CONFIG, upliftMix: { ...DEFAULT_SIM_CONFIG.upliftMix } };
  for (const k of Object.keys(file)) if (!(k in out)) throw invalid(k, `is not a simulator setting (known: ${Object.keys(out).join(', ')})`);
  const merged: Record<string, unknown> = { ...file };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) merged[k] = Number(v);
  for (const [k, min, max] of INTS) {
    if (merged[k] === undefined) continue;
    const n = Number(merged[k]);
    if (!Number.isInteger(n) || n < min || n > max) throw invalid(k, `must be an integer from ${min} to ${max}`);
    (out as unknown as Record<string, number>)[k] = n;
  }
  for (const k of ['emailConsent', 'appShare', 'visitRate', 'returnCost', 'promoConditioning', 'pullForward'] as const) {
    if (merged[k] === undefined) continue;
    const n = Number(merged[k]);
    const share = k !== 'visitRate' && k !== 'returnCost';
    if (!Number.isFinite(n) || n < 0 || (share && n > 1)) throw invalid(k, share ? 'must be a share from 0 to 1' : 'must be a non-negative number');
    out[k] = n;
  }
  if (merged.start !== undefined) {
    if (typeof merged.start !== 'string' || !/^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?Z$/.test(merged.start)) throw invalid('start', 'must be an ISO time at midnight UTC, e.g. 2026-01-05T00:00:00Z');
    out.start = merged.start;
  }
  if (merged.upliftMix !== undefined) {
    const m = merged.upliftMix as Record<string, unknown>;
    let sum = 0;
    for (const t of UPLIFT_TYPES) {
      const v = Number(m?.[t] ?? NaN);
      if (!Number.isFinite(v) || v < 0) throw invalid(`upliftMix.${t}`, 'must be a share from 0 to 1');
      out.upliftMix[t] = v; sum += v;
    }
    if (Math.abs(sum - 1) > 1e-6) throw invalid('upliftMix', `shares must sum to 1 (got ${sum})`);
  }
  return out;
}
