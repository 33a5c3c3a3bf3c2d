/**
 * `braid report arms ID [--experiment KEY] [--control ARM] [--since ISO] [--until ISO] [--json]`:
 * a worker's A/B/n arms (GET /v1/reports/workers/{id}/arms) as tables: units and SRM against the
 * arm weights, each arm against the control arm, and each arm against the worker holdout.
 */
import type { ParsedArgs } from './args.ts';
import { errorText, type BraidClient } from './client.ts';
import type { CliIo } from './io.ts';
import { formatCount } from './progress.ts';

type Num = number | null;
interface Est { estimate: Num; ciLow: Num; ciHigh: Num; pValue?: Num }
interface Metric { metric: string; kind: string; arms: Array<{ arm: string; n: number; mean: Num }>; comparisons: Array<{ arm: string; absolute: Est; relative: Est }> }
export interface ArmsBody {
  worker: { id: string; name: string | null }; since: string; until: string; windowHours: number; globalControlExcluded: number;
  experiment: { key: string; steps: string[]; arms: Array<{ name: string; weight: number }> };
  experiments: Array<{ key: string }>;
  control: string;
  units: { total: number; holdout: number; assigned: number; unassigned: number };
  arms: Array<{ arm: string; n: number; share: number; expectedShare: number }>;
  srm: { chiSquare: Num; pValue: Num; mismatch: boolean } | null;
  metrics: Metric[];
  vsControl: Array<{ arm: string; contributionPerShopper: Est | null; contributionTotal: Est | null }>;
  vsHoldout: Array<{ arm: string; units: { treated: number; holdout: number }; srm: { mismatch: boolean } | null; incremental: { contributionPerShopper: Est | null; contributionTotal: Est | null; costPerIncrementalContribution: Num } }>;
}

const money = (v: Num) => (v === null ? '–' : `${v < 0 ? '-' : ''}$${Math.abs(v).toFixed(Math.abs(v) >= 100 ? 0 : 2)}`);
const signedMoney = (v: Num) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${money(v)}`);
const num = (v: Num, d = 4) => (v === null ? '–' : v.toFixed(d));
const pct = (v: Num) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);
const share = (v: number) => `${(v * 100).toFixed(1)}%`;
const pval = (p: Num | undefined) => (p === null || p === undefined ? '–' : p < 1e-4 ? '<0.0001' : p.toFixed(4));
const range = (e: Est | null, f: (v: Num) => string) => (e ? `[${f(e.ciLow)}, ${f(e.ciHigh)}]` : '–');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export function formatArms(r: ArmsBody): string {
  const out = [
    `${r.worker.name ?? r.worker.id} (${r.worker.id}), experiment ${r.experiment.key} (steps ${r.experiment.steps.join(', ')})${r.experiments.length > 1 ? `; others: ${r.experiments.filter((e) => e.key !== r.experiment.key).map((e) => e.key).join(', ')}` : ''}`,
    `Shoppers who first entered ${r.since.slice(0, 10)} – ${r.until.slice(0, 10)}, outcomes within ${r.windowHours}h: ${formatCount(r.units.assigned)} in arms, ${formatCount(r.units.holdout)} held out` +
      `${r.units.unassigned ? `, ${formatCount(r.units.unassigned)} on a version without this experiment` : ''}${r.globalControlExcluded ? `; ${formatCount(r.globalControlExcluded)} in the global control group left out` : ''}`,
    !r.srm ? 'Sample ratio check: not enough units' : `Sample ratio check against the arm weights: chi-square ${num(r.srm.chiSquare, 3)}, p = ${pval(r.srm.pValue)}${r.srm.mismatch ? '  ** SAMPLE RATIO MISMATCH: assignment or logging is broken; do not trust the lifts **' : ' (ok)'}`,
    '',
    table([['arm', '', 'shoppers', 'share', 'intended', 'incr. contribution/shopper vs holdout', '95% CI'], ...r.arms.map((a) => {
      const h = r.vsHoldout.find((x) => x.arm === a.arm)?.incremental.contributionPerShopper ?? null;
      return [a.arm, a.arm === r.control ? '(control)' : '', formatCount(a.n), share(a.share), share(a.expectedShare), signedMoney(h?.estimate ?? null), range(h, signedMoney)];
    })]),
    '',
    `Against the control arm (${r.control}):`,
  ];
  const rows = [['metric', 'arm', r.control, 'arm mean', 'abs. lift', '95% CI', 'rel. lift', 'p']];
  for (const m of r.metrics) {
    const d = m.metric === 'converted' || m.metric === 'unsubscribed' ? 4 : 2;
    const base = m.arms.find((a) => a.arm === r.control)?.mean ?? null;
    for (const c of m.comparisons) {
      rows.push([m.metric, c.arm, num(base, d), num(m.arms.find((a) => a.arm === c.arm)?.mean ?? null, d), num(c.absolute.estimate, d), range(c.absolute, (v) => num(v, d)), pct(c.relative.estimate), pval(c.absolute.pValue)]);
    }
  }
  out.push(rows.length > 1 ? table(rows) : '  – (needs at least two shoppers in the control arm and another arm)');
  for (const v of r.vsControl) {
    out.push(`  ${v.arm}: incremental contribution ${signedMoney(v.contributionPerShopper?.estimate ?? null)} per shopper ${range(v.contributionPerShopper, signedMoney)}, ${signedMoney(v.contributionTotal?.estimate ?? null)} in total ${range(v.contributionTotal, signedMoney)}`);
  }
  return out.join('\n') + '\n';
}

export async function reportArms(client: BraidClient, id: string | undefined, args: ParsedArgs, io: CliIo): Promise<number> {
  if (!id) { io.stderr.write('braid report arms: name the worker (`braid report arms ID [--experiment KEY]`)\n'); return 2; }
  const q = new URLSearchParams();
  for (const k of ['since', 'until', 'alpha', 'experiment', 'control']) if (typeof args.flags[k] === 'string') q.set(k, args.flags[k] as string);
  const res = await client.request({ method: 'GET', path: `/v1/reports/workers/${encodeURIComponent(id)}/arms${q.size > 0 ? `?${q}` : ''}`, auth: 'admin' });
  if (res.status === 404) { io.stderr.write(`No worker ${id}\n`); return 1; }
  if (res.status !== 200) { io.stderr.write(`Could not report: ${errorText(res)}\n`); return 1; }
  io.stdout.write(args.flags.json === true ? JSON.stringify(res.body, null, 2) + '\n' : formatArms(res.body as ArmsBody));
  return 0;
}
