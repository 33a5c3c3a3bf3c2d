/**
 * Adapter for the Open Bandit Dataset (ZOZOTOWN; Saito et al. 2021): reads a campaign log
 * (`men.csv`: item_id, position 1..3, click, propensity_score, user_feature_0..3 hashed
 * categoricals) into LogRecords, and the production Bernoulli-TS priors (`prior_bts.yaml`) into
 * the BTS policy's slot probabilities, computed as the Open Bandit Pipeline does
 * (BernoulliTS(is_zozotown_prior=True).compute_batch_action_dist: rank items by one Beta draw
 * each, show the top 3; Monte Carlo over `simulations` draws). Pure: callers read the files.
 */
import { parse as parseYaml } from 'yaml';
import { invalid } from '../../core/index.ts';
import { createRng, estimateThompsonSlotProbabilities } from '../stats/index.ts';
import { parseCsvRecords } from './reports.csv.ts';
import type { LogRecord } from './reports.ope.ts';

export interface ObdLog {
  records: LogRecord[];
  /** Impression time (epoch ms) of each record. */
  times: number[];
  items: number;
  slots: number;
  /** Context feature names: user_feature_k=level one-hots, the first (sorted) level of each dropped. */
  contextFeatures: string[];
  /** The levels of each user feature (pass to parseObdLog to encode another log alike). */
  levels: Record<string, string[]>;
}

const USER_FEATURES = ['user_feature_0', 'user_feature_1', 'user_feature_2', 'user_feature_3'];

/**
 * Parses an OBD campaign CSV. `levels` fixes the one-hot levels (pass the result's own from
 * another log to encode two logs alike); by default they come from this file.
 */
export function parseObdLog(text: string, items: number, levels?: Record<string, string[]>): ObdLog {
  const recs = parseCsvRecords(text);
  const header = recs[0]?.fields ?? [];
  const col = (name: string) => { const i = header.indexOf(name); if (i < 0) throw invalid('file', `OBD log lacks column ${name}`); return i; };
  const ci = { item: col('item_id'), pos: col('position'), click: col('click'), ps: col('propensity_score'), ts: col('timestamp') };
  const uf = USER_FEATURES.map(col);
  const rows = recs.slice(1);
  const lv: Record<string, string[]> = levels ?? Object.fromEntries(USER_FEATURES.map((f, k) => [f, [...new Set(rows.map((r) => r.fields[uf[k]!]!))].sort()]));
  const contextFeatures = USER_FEATURES.flatMap((f) => lv[f]!.slice(1).map((l) => `${f}=${l}`));
  const times: number[] = [];
  const records = rows.map(({ line, fields }): LogRecord => {
    const at = Date.parse(fields[ci.ts]!.replace(' ', 'T'));
    if (!Number.isFinite(at)) throw invalid(`line ${line}.timestamp`, 'is not a timestamp');
    times.push(at);
    const action = Number(fields[ci.item]), slot = Number(fields[ci.pos]) - 1, reward = Number(fields[ci.click]), propensity = Number(fields[ci.ps]);
    if (!(Number.isInteger(action) && action >= 0 && action < items)) throw invalid(`line ${line}.item_id`, `must be an integer in [0, ${items})`);
    if (!(slot >= 0 && slot < 3)) throw invalid(`line ${line}.position`, 'must be 1, 2 or 3');
    if (!(propensity > 0 && propensity <= 1)) throw invalid(`line ${line}.propensity_score`, 'must be in (0, 1]');
    const context: number[] = [];
    USER_FEATURES.forEach((f, k) => { const v = fields[uf[k]!]!; for (const l of lv[f]!.slice(1)) context.push(v === l ? 1 : 0); });
    return { action, slot, reward, propensity, context };
  });
  return { records, times, items, slots: 3, contextFeatures, levels: lv };
}

/** The Beta(α, β) priors of one campaign from prior_bts.yaml. */
export function parseBtsPriors(yamlText: string, campaign: string): { alpha: number[]; beta: number[] } {
  const doc = parseYaml(yamlText) as Record<string, { alpha?: unknown; beta?: unknown }> | null;
  const c = doc?.[campaign];
  const nums = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'number' && x > 0) ? (v as number[]) : undefined);
  const alpha = nums(c?.alpha), beta = nums(c?.beta);
  if (!alpha || !beta || alpha.length !== beta.length) throw invalid('campaign', `prior_bts.yaml has no valid alpha/beta lists for ${campaign}`);
  return { alpha, beta };
}

/** P(item i in slot k) under the BTS policy: result[i][k]. */
export function computeBtsSlotProbabilities(priors: { alpha: number[]; beta: number[] }, opts: { slots?: number; simulations?: number; seed?: string } = {}): number[][] {
  return estimateThompsonSlotProbabilities(priors.alpha, priors.beta, opts.slots ?? 3, opts.simulations ?? 100_000, createRng(opts.seed ?? 'obd-bts'));
}

/**
 * The production BTS policy as it actually ran: it updated its posteriors during the week, so
 * its slot probabilities drifted away from the priors. The BTS log records, per impression, the
 * probability of the item it showed in that slot at that moment. For time t and slot k this
 * takes, for every item, the recorded probability nearest in time among that (item, slot)'s
 * impressions (0 if the pair never appears) and renormalizes over items. An approximation (each
 * item's value is only observed when it is shown), used to check that a gap between OPE and the
 * on-policy CTR is not due to evaluating the prior policy instead of the logged one.
 */
export function reconstructLoggedSlotPolicy(log: ObdLog): (at: number, slot: number) => number[] {
  const obs = Array.from({ length: log.items * log.slots }, () => [] as Array<[number, number]>);
  log.records.forEach((r, i) => obs[r.action * log.slots + r.slot]!.push([log.times[i]!, r.propensity]));
  for (const o of obs) o.sort((a, b) => a[0] - b[0]);
  const nearest = (o: Array<[number, number]>, at: number): number => {
    if (o.length === 0) return 0;
    let lo = 0, hi = o.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (o[mid]![0] < at) lo = mid + 1; else hi = mid; }
    const a = o[lo]!, b = o[Math.max(0, lo - 1)]!;
    return Math.abs(b[0] - at) <= Math.abs(a[0] - at) ? b[1] : a[1];
  };
  return (at, slot) => {
    const p = Array.from({ length: log.items }, (_, item) => nearest(obs[item * log.slots + slot]!, at));
    const sum = p.reduce((s, x) => s + x, 0);
    return sum > 0 ? p.map((x) => x / sum) : p;
  };
}
