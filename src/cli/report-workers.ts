/**
 * `braid report workers [ID] [--since ISO] [--until ISO] [--cohort lifecycle|tier|channel] [--json]`
 * `braid report uplift ID [--since ISO] [--json]` and `braid report attribution [--since ISO] [--until ISO] [--json]`:
 * the worker reports of /v1/reports/workers, /v1/reports/workers/{id}/uplift and /v1/reports/attribution as tables.
 */
import type { ParsedArgs } from './args.ts';
import { errorText, type BraidClient } from './client.ts';
import type { CliIo } from './io.ts';
import { formatCount } from './progress.ts';

type Num = number | null;
interface Est { estimate: Num; ciLow: Num; ciHigh: Num; pValue?: Num }
interface Incremental {
  treatedShoppers: number; holdoutShoppers: number; contributionPerShopper: Est | null; contributionPerShopperCuped: (Est & { varianceReduction: Num }) | null;
  contributionTotal: Est | null; costPerIncrementalContribution: Num;
}
interface Body {
  units: { total: number; treated: number; holdout: number }; srm: { chiSquare: Num; pValue: Num; mismatch: boolean } | null;
  expectedHoldoutShare: number; incremental: Incremental;
  metrics: Array<{ metric: string; kind: string; arms: Array<{ arm: string; mean: Num }>; comparisons: Array<{ absolute: Est; relative: Est }> }>;
}
export interface WorkerReportBody extends Body {
  worker: { id: string; name: string | null }; since: string; until: string; windowHours: number; globalControlExcluded?: number;
  cohort?: string; cohorts?: Array<{ cohort: string } & Body>;
}
export interface PlacementReportBody extends Body {
  placement: string; since: string; until: string; windowHours: number; cohort?: string; cohorts?: Array<{ cohort: string } & Body>;
}
export interface WorkersListBody { since: string; until: string; windowHours: number; workers: Array<{ id: string; name: string; status: string; units: Body['units']; srmMismatch: boolean | null; incremental: Incremental }> }
export interface AttributionBody {
  since: string; until: string; windowHours: number; orders: number; revenue: number; contribution: number;
  unattributed: { orders: number; revenue: number }; touches: Array<{ kind: string; id: string; orders: number; revenue: number; contribution: number; incremental: Incremental | null }>;
}

export interface UpliftBody {
  worker: { id: string; name: string | null }; since: string; until: string;
  spec: { minScore: number; outcome: string; model: string; explorePct: number; minUnits: number; retrainHours: number } | null;
  model: {
    trainedAt: string; outcome: string; method: string; features: string[];
    evaluation: {
      train: { units: number; treated: number; control: number }; test: { units: number; treated: number; control: number };
      qiniCoefficient: Num; auuc: Num; auucRandom: Num; averageTreatmentEffect: Num; topFraction: number; upliftAtTop: Num;
      minScore: number; admittedShare: Num; upliftAdmitted: Num; upliftSkipped: Num;
    };
  } | null;
  admissions: Array<{ admitted: string; arm: string; n: number }>;
}

const money = (v: Num) => (v === null ? '–' : `${v < 0 ? '-' : ''}$${Math.abs(v).toFixed(Math.abs(v) >= 100 ? 0 : 2)}`);
const signedMoney = (v: Num) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${money(v)}`);
const num = (v: Num, d = 4) => (v === null ? '–' : v.toFixed(d));
const pct = (v: Num) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);
const pval = (p: Num | undefined) => (p === null || p === undefined ? '–' : p < 1e-4 ? '<0.0001' : p.toFixed(4));
const range = (e: Est | null, f: (v: Num) => string) => (e ? `[${f(e.ciLow)}, ${f(e.ciHigh)}]` : '–');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

function srmLine(b: Body): string {
  if (!b.srm) return 'Sample ratio check: not enough units in both arms';
  return `Sample ratio check (intended holdout ${(b.expectedHoldoutShare * 100).toFixed(1)}%): chi-square ${num(b.srm.chiSquare, 3)}, p = ${pval(b.srm.pValue)}${b.srm.mismatch ? '  ** SAMPLE RATIO MISMATCH: assignment or logging is broken; do not trust the lifts **' : ' (ok)'}`;
}

function headline(i: Incremental): string[] {
  const c = i.contributionPerShopper;
  if (!c) return ['Incremental contribution: – (needs shoppers in both arms)'];
  const lines = [
    `Incremental contribution per shopper: ${signedMoney(c.estimate)} ${range(c, signedMoney)} (p = ${pval(c.pValue)})`,
    `Incremental contribution in total (${formatCount(i.treatedShoppers)} treated): ${signedMoney(i.contributionTotal?.estimate ?? null)} ${range(i.contributionTotal, signedMoney)}`,
  ];
  if (i.contributionPerShopperCuped) lines.push(`  with CUPED (pre-period revenue, variance −${((i.contributionPerShopperCuped.varianceReduction ?? 0) * 100).toFixed(1)}%): ${signedMoney(i.contributionPerShopperCuped.estimate)} ${range(i.contributionPerShopperCuped, signedMoney)}`);
  lines.push(`Cost per incremental dollar of contribution: ${i.costPerIncrementalContribution === null ? '– (no positive lift)' : `$${i.costPerIncrementalContribution.toFixed(3)}`}`);
  return lines;
}

function metricsTable(b: Body): string {
  const rows = [['metric', '', 'holdout', 'treated', 'abs. lift', '95% CI', 'rel. lift', 'p']];
  for (const m of b.metrics) {
    const mean = (arm: string) => m.arms.find((a) => a.arm === arm)?.mean ?? null;
    const c = m.comparisons[0];
    const d = m.metric === 'converted' || m.metric === 'unsubscribed' ? 4 : 2;
    rows.push([m.metric, m.kind === 'ratio' ? 'ratio' : 'per shopper', num(mean('holdout'), d), num(mean('treated'), d), c ? num(c.absolute.estimate, d) : '', c ? range(c.absolute, (v) => num(v, d)) : '', c ? pct(c.relative.estimate) : '', c ? pval(c.absolute.pValue) : '']);
  }
  return table(rows);
}

export function formatWorkerReport(r: WorkerReportBody): string {
  return formatBody(r, [
    `${r.worker.name ?? r.worker.id} (${r.worker.id}): shoppers who first entered ${r.since.slice(0, 10)} – ${r.until.slice(0, 10)}; outcomes within ${r.windowHours}h of entry`,
    `Treated ${formatCount(r.units.treated)}, holdout ${formatCount(r.units.holdout)}${r.globalControlExcluded ? `; ${formatCount(r.globalControlExcluded)} in the global control group left out` : ''}`,
  ]);
}

export function formatPlacementReport(r: PlacementReportBody): string {
  return formatBody(r, [
    `Placement ${r.placement}: shoppers first decided for there ${r.since.slice(0, 10)} – ${r.until.slice(0, 10)}; outcomes within ${r.windowHours}h`,
    `Treated ${formatCount(r.units.treated)}, global control group (holdout) ${formatCount(r.units.holdout)}`,
  ]);
}

function formatBody(r: Body & { cohort?: string; cohorts?: Array<Body & { cohort: string }> }, head: string[]): string {
  const out = [...head, srmLine(r), ...headline(r.incremental), '', metricsTable(r)];
  for (const c of r.cohorts ?? []) out.push('', `${r.cohort} = ${c.cohort}: treated ${formatCount(c.units.treated)}, holdout ${formatCount(c.units.holdout)}`, ...headline(c.incremental).map((l) => '  ' + l));
  return out.join('\n') + '\n';
}

export function formatWorkersList(b: WorkersListBody): string {
  const rows = [['worker', 'status', 'treated', 'holdout', 'incr. contribution/shopper', '95% CI', 'total', '95% CI', 'SRM']];
  for (const w of b.workers) {
    const i = w.incremental;
    rows.push([w.id, w.status, formatCount(w.units.treated), formatCount(w.units.holdout), signedMoney(i.contributionPerShopper?.estimate ?? null), range(i.contributionPerShopper, signedMoney),
      signedMoney(i.contributionTotal?.estimate ?? null), range(i.contributionTotal, signedMoney), w.srmMismatch === null ? '–' : w.srmMismatch ? 'MISMATCH' : 'ok']);
  }
  return `Workers, shoppers who first entered ${b.since.slice(0, 10)} – ${b.until.slice(0, 10)} (outcomes within ${b.windowHours}h; _all = all workers vs the global control group)\n${table(rows)}\n`;
}

export function formatAttribution(a: AttributionBody): string {
  const rows = [['touch', 'id', 'orders', 'revenue', 'contribution (last touch)', 'incremental (holdout)', '95% CI']];
  for (const t of a.touches) {
    rows.push([t.kind, t.id, formatCount(t.orders), money(t.revenue), money(t.contribution), t.incremental ? signedMoney(t.incremental.contributionTotal?.estimate ?? null) : '', t.incremental ? range(t.incremental.contributionTotal, signedMoney) : '']);
  }
  rows.push(['none', '', formatCount(a.unattributed.orders), money(a.unattributed.revenue), '', '', '']);
  return [
    `Orders ${a.since.slice(0, 10)} – ${a.until.slice(0, 10)}: ${formatCount(a.orders)}, revenue ${money(a.revenue)}; last touch within ${a.windowHours}h (what others report) beside holdout-based incrementality (the truth)`,
    table(rows), '',
  ].join('\n');
}

/** The uplift model of a targeted worker beside random targeting, and who it let in. */
export function formatUplift(u: UpliftBody): string {
  const name = `${u.worker.name ?? u.worker.id} (${u.worker.id})`;
  if (!u.spec) return `${name} has no uplift targeting (entry.uplift).\n`;
  const unit = u.spec.outcome === 'conversion' ? (v: Num) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`) : signedMoney;
  const out = [`Uplift targeting of ${name}: enter when the predicted ${u.spec.outcome} uplift is at least ${unit(u.spec.minScore)} (${u.spec.model}; ${u.spec.explorePct}% explore below it; retrained every ${u.spec.retrainHours}h)`];
  const m = u.model;
  if (!m) out.push(`No model yet: everyone enters (needs ${u.spec.minUnits} closed journeys per arm).`);
  else {
    const e = m.evaluation;
    out.push(
      `Model trained ${m.trainedAt.slice(0, 16).replace('T', ' ')} on ${formatCount(e.train.units)} shoppers; measured on the other ${formatCount(e.test.units)} (${formatCount(e.test.treated)} treated, ${formatCount(e.test.control)} held out)`,
      `  Qini coefficient ${num(e.qiniCoefficient, 3)} (0 = random targeting, 1 = perfect); AUUC ${num(e.auuc)} vs random ${num(e.auucRandom)}`,
      `  Uplift among the top ${Math.round(e.topFraction * 100)}%: ${unit(e.upliftAtTop)} vs random targeting ${unit(e.averageTreatmentEffect)}`,
      `  At the threshold: ${e.admittedShare === null ? '–' : (e.admittedShare * 100).toFixed(1) + '%'} admitted; observed uplift among them ${unit(e.upliftAdmitted)}, among those left out ${unit(e.upliftSkipped)}`,
      `  Features: ${m.features.join(', ')}`,
    );
  }
  const by = new Map<string, string[]>();
  for (const a of u.admissions) by.set(a.admitted, [...(by.get(a.admitted) ?? []), `${a.arm} ${formatCount(a.n)}`]);
  out.push(`Journeys since ${u.since.slice(0, 10)}: ${[...by].map(([k, v]) => `${k} (${v.join(', ')})`).join('; ') || 'none'}`);
  return out.join('\n') + '\n';
}

export async function reportWorkers(client: BraidClient, what: 'workers' | 'attribution' | 'uplift' | 'placement', id: string | undefined, args: ParsedArgs, io: CliIo): Promise<number> {
  const q = new URLSearchParams();
  for (const k of ['since', 'until', 'alpha', ...(id && (what === 'workers' || what === 'placement') ? ['cohort'] : [])]) if (typeof args.flags[k] === 'string') q.set(k, args.flags[k] as string);
  if (what === 'uplift') {
    if (!id) { io.stderr.write('braid report uplift: name the worker (`braid report uplift ID`)\n'); return 2; }
    q.delete('alpha');
    const res = await client.request({ method: 'GET', path: `/v1/reports/workers/${encodeURIComponent(id)}/uplift${q.size > 0 ? `?${q}` : ''}`, auth: 'admin' });
    if (res.status === 404) { io.stderr.write(`No worker ${id}\n`); return 1; }
    if (res.status !== 200) { io.stderr.write(`Could not report: ${errorText(res)}\n`); return 1; }
    io.stdout.write(args.flags.json === true ? JSON.stringify(res.body, null, 2) + '\n' : formatUplift(res.body as UpliftBody));
    return 0;
  }
  if (what === 'placement' && !id) { io.stderr.write('braid report placement: name the placement (`braid report placement NAME`)\n'); return 2; }
  const base = what === 'attribution' ? '/v1/reports/attribution' : what === 'placement' ? `/v1/reports/placements/${encodeURIComponent(id!)}`
    : id ? `/v1/reports/workers/${encodeURIComponent(id)}` : '/v1/reports/workers';
  const res = await client.request({ method: 'GET', path: `${base}${q.size > 0 ? `?${q}` : ''}`, auth: 'admin' });
  if (res.status === 404) { io.stderr.write(`No worker ${id}\n`); return 1; }
  if (res.status !== 200) { io.stderr.write(`Could not report: ${errorText(res)}\n`); return 1; }
  if (args.flags.json === true) { io.stdout.write(JSON.stringify(res.body, null, 2) + '\n'); return 0; }
  io.stdout.write(what === 'attribution' ? formatAttribution(res.body as AttributionBody) : what === 'placement' ? formatPlacementReport(res.body as PlacementReportBody)
    : id ? formatWorkerReport(res.body as WorkerReportBody) : formatWorkersList(res.body as WorkersListBody));
  // A targeted worker's report ends with its uplift model (the population the holdout measures).
  if (what === 'workers' && id && id !== '_all') {
    const u = await client.request({ method: 'GET', path: `/v1/reports/workers/${encodeURIComponent(id)}/uplift${q.has('since') ? `?since=${encodeURIComponent(q.get('since')!)}` : ''}`, auth: 'admin' });
    if (u.status === 200 && (u.body as UpliftBody).spec) io.stdout.write('\n' + formatUplift(u.body as UpliftBody));
  }
  return 0;
}
