/**
 * Sample ratio mismatch: Pearson's chi-square goodness-of-fit of the observed units per arm to
 * the intended split. A tiny p-value means assignment or logging is broken, and every lift in
 * the report is suspect. GrowthBook warns below p = 0.001; so does Braid (SRM_P_THRESHOLD).
 */
import { chiSquareSf } from './stats.distributions.ts';

export const SRM_P_THRESHOLD = 0.001;

export interface SrmResult {
  chiSquare: number;
  df: number;
  pValue: number;
  expected: number[];
  /** pValue < threshold. */
  mismatch: boolean;
}

/**
 * counts: units observed per arm; weights: intended traffic shares (any positive scale; equal
 * when omitted).
 */
export function testSampleRatio(counts: readonly number[], weights?: readonly number[], threshold = SRM_P_THRESHOLD): SrmResult {
  if (counts.length < 2) throw new RangeError('testSampleRatio: needs at least two arms');
  const w = weights ?? counts.map(() => 1);
  if (w.length !== counts.length) throw new RangeError('testSampleRatio: one weight per arm');
  if (w.some((x) => !(x > 0))) throw new RangeError('testSampleRatio: weights must be > 0');
  const total = counts.reduce((s, c) => s + c, 0);
  const wsum = w.reduce((s, x) => s + x, 0);
  const expected = w.map((x) => (total * x) / wsum);
  let chiSquare = 0;
  counts.forEach((c, i) => { const e = expected[i]!; if (e > 0) chiSquare += (c - e) ** 2 / e; });
  const df = counts.length - 1;
  const pValue = total > 0 ? chiSquareSf(chiSquare, df) : 1;
  return { chiSquare, df, pValue, expected, mismatch: pValue < threshold };
}
