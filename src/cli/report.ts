/**
 * `braid report experiment ID [--control ARM] [--cuped COVARIATE] [--alpha A] [--ratios ...]
 * [--json]`: the experiment report as a table (or the API's JSON). With `--uplift TREATMENT
 * --outcome O` it prints the uplift-targeting evaluation instead.
 */
import type { ParsedArgs } from './args.ts';
import { errorText, type BraidClient } from './client.ts';
import type { CliIo } from './io.ts';
import { formatCount } from './progress.ts';

type Num = number | null;
interface Est { estimate: Num; ciLow: Num; ciHigh: Num; pValue: Num }
export interface ReportBody {
  experiment: { id: string; name: string; units: number };
  control: string; alpha: number;
  arms: Array<{ arm: string; n: number; share: number }>;
  srm: { chiSquare: Num; pValue: Num; mismatch: boolean };
  metrics: Array<{
    metric: string; kind: string;
    arms: Array<{ arm: string; n: number; mean: Num }>;
    comparisons: Array<{ arm: string; absolute: Est; relative: Est; cuped?: { covariate: string; varianceReduction: Num; absolute: Est } }>;
  }>;
}

const fmt = (v: Num, digits = 6) => (v === null ? '–' : Math.abs(v) >= 1e4 ? v.toExponential(3) : v.toFixed(digits));
const signed = (v: Num, digits = 6) => (v === null ? '–' : (v >= 0 ? '+' : '') + fmt(v, digits));
const pct = (v: Num) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);
const pval = (p: Num) => (p === null ? '–' : p < 1e-4 ? '<0.0001' : p.toFixed(4));
const ci = (e: Est, f: (v: Num) => string) => `[${f(e.ciLow)}, ${f(e.ciHigh)}]`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** The report as text: one row per metric and arm, the control first. */
export function formatExperimentReport(r: ReportBody): string {
  const level = `${Math.round((1 - r.alpha) * 100)}%`;
  const head = [
    `Experiment ${r.experiment.id} "${r.experiment.name}": ${formatCount(r.experiment.units)} units; control ${r.control}; ${level} intervals (Welch; relative lift by the delta method)`,
    `Arms: ${r.arms.map((a) => `${a.arm} ${formatCount(a.n)} (${(a.share * 100).toFixed(1)}%)`).join(', ')}`,
    `Sample ratio check: chi-square ${fmt(r.srm.chiSquare, 3)}, p = ${pval(r.srm.pValue)}${r.srm.mismatch ? '  ** SAMPLE RATIO MISMATCH: assignment or logging is broken; do not trust the lifts **' : ' (ok)'}`,
    '',
  ];
  const rows: string[][] = [['metric', 'arm', 'n', 'mean', 'abs. diff', `${level} CI`, 'rel. lift', `${level} CI`, 'p']];
  for (const m of r.metrics) {
    m.arms.forEach((a, i) => {
      const c = m.comparisons.find((x) => x.arm === a.arm);
      const name = i === 0 ? m.metric + (m.kind === 'ratio' ? ' (ratio)' : '') : '';
      if (!c) { rows.push([name, a.arm, formatCount(a.n), fmt(a.mean), '', '', '', '', '']); return; }
      rows.push([name, a.arm, formatCount(a.n), fmt(a.mean), signed(c.absolute.estimate), ci(c.absolute, signed), pct(c.relative.estimate), ci(c.relative, pct), pval(c.absolute.pValue)]);
      if (c.cuped) {
        rows.push(['', `  CUPED(${c.cuped.covariate}) −${((c.cuped.varianceReduction ?? 0) * 100).toFixed(2)}% var`, '', '', signed(c.cuped.absolute.estimate), ci(c.cuped.absolute, signed), '', '', pval(c.cuped.absolute.pValue)]);
      }
    });
  }
  return head.join('\n') + table(rows) + '\n';
}

export interface UpliftBody {
  treatment: string; control: string; outcome: string; kind: string; features: string[];
  train: { units: number }; test: { units: number };
  qiniCoefficient: Num; auuc: Num; auucRandom: Num; topFraction: number; upliftAtTop: Num; randomUpliftAtTop: Num;
  curve: Array<{ fraction: number; qini: Num; uplift: Num }>;
}

export function formatUpliftReport(u: UpliftBody): string {
  const k = `${Math.round(u.topFraction * 100)}%`;
  return [
    `Uplift of ${u.treatment} vs ${u.control} on ${u.outcome} (${u.kind}; two-model; ${u.features.length} features; trained on ${formatCount(u.train.units)} units, evaluated on ${formatCount(u.test.units)})`,
    `Qini coefficient ${fmt(u.qiniCoefficient, 4)} (0 = random, 1 = perfect); AUUC ${fmt(u.auuc, 5)} vs ${fmt(u.auucRandom, 5)} random`,
    `Uplift among the top ${k}: ${signed(u.upliftAtTop, 5)} (model) vs ${signed(u.randomUpliftAtTop, 5)} (random targeting)`,
    '',
    table([['targeted', 'qini', 'uplift'], ...u.curve.map((p) => [`${Math.round(p.fraction * 100)}%`, fmt(p.qini, 5), fmt(p.uplift, 5)])]),
    '',
  ].join('\n');
}

export async function reportExperiment(client: BraidClient, id: string, args: ParsedArgs, io: CliIo): Promise<number> {
  const f = args.flags;
  const q = new URLSearchParams();
  const uplift = typeof f.uplift === 'string';
  const keys = uplift ? ['outcome', 'features', 'seed', 'top'] : ['control', 'cuped', 'alpha', 'ratios'];
  for (const k of keys) if (typeof f[k] === 'string') q.set(k, f[k] as string);
  if (uplift) {
    if (typeof f.outcome !== 'string' || typeof f.control !== 'string') { io.stderr.write('--uplift TREATMENT needs --control ARM and --outcome NAME\n'); return 2; }
    q.set('treatment', f.uplift as string);
    q.set('control', f.control);
  }
  const path = `/v1/reports/experiments/${encodeURIComponent(id)}${uplift ? '/uplift' : ''}${q.size > 0 ? `?${q}` : ''}`;
  const res = await client.request({ method: 'GET', path, auth: 'admin' });
  if (res.status === 404) { io.stderr.write(`No experiment ${id}\n`); return 1; }
  if (res.status !== 200) { io.stderr.write(`Could not report on ${id}: ${errorText(res)}\n`); return 1; }
  if (f.json === true) io.stdout.write(JSON.stringify(res.body, null, 2) + '\n');
  else io.stdout.write(uplift ? formatUpliftReport(res.body as UpliftBody) : formatExperimentReport(res.body as ReportBody));
  return 0;
}
