/**
 * npm run eval:proof — Braid's statistics on real data, in one table:
 *  1. Hillstrom e-mail test imported as a past randomized campaign: per-arm rates vs the
 *     published ones, Welch intervals vs SciPy, SRM, CUPED on pre-period spend.
 *  2. Uplift targeting on Hillstrom (Mens E-Mail vs No E-Mail; visit and spend): Qini and the
 *     uplift among the top 30%, next to random targeting.
 *  3. Open Bandit Dataset (men): IPS/SNIPS/DM/DR of Bernoulli TS on the uniform-random logs,
 *     next to BTS's on-policy CTR.
 *  4. Synthetic logs with known truth: the estimators' bias and interval coverage.
 * Options: --data DIR (default ../shared/data), --logs N (synthetic replications, default 200).
 * Last line: one JSON object with the figures.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../src/cli/args.ts';
import type { OpeEstimate } from '../src/modules/stats/index.ts';
import { HILLSTROM_OUTCOMES, PUBLISHED_RATES, SCIPY_WELCH, proveHillstrom } from './proof.hillstrom.ts';
import { proveObd, proveSynthetic } from './proof.ope.ts';

const flags = parseArgs(process.argv.slice(2)).flags;
const DATA = typeof flags.data === 'string' ? flags.data : fileURLToPath(new URL('../../shared/data/', import.meta.url));
const LOGS = Number(flags.logs ?? 200);

const f = (v: number, d = 6) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const s = (v: number, d = 6) => (v >= 0 ? '+' : '') + f(v, d);
const ci = (lo: number, hi: number, d = 6) => `[${s(lo, d)}, ${s(hi, d)}]`;
const est = (e: OpeEstimate) => `${f(e.estimate, 5)} ${ci(e.ciLow, e.ciHigh, 5).replace(/\+/g, '')}`;

const rows: string[][] = [];
const section = (title: string) => rows.push([`— ${title}`, '', '', '']);
const row = (check: string, braid: string, reference: string, verdict: string) => rows.push([check, braid, reference, verdict]);

function printTable(): void {
  const head = ['check', 'Braid', 'reference / comparison', ''];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.filter((r) => !r[0]!.startsWith('— ') || i > 0).map((r) => r[i]!.length)));
  for (const r of all) {
    if (r[0]!.startsWith('— ')) { console.log(`\n${r[0]}`); continue; }
    console.log(r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd());
  }
  console.log('');
}

const required = ['hillstrom/hillstrom.csv', 'open_bandit/prior_bts.yaml', 'open_bandit/random/men/men.csv', 'open_bandit/bts/men/men.csv'];
const missing = required.filter((p) => !existsSync(join(DATA, p)));
if (missing.length > 0) {
  console.log(`eval:proof needs the public data sets in ${DATA} (missing: ${missing.join(', ')}); see ../shared/data/README.md.`);
  console.log(JSON.stringify({ skipped: `missing ${missing.join(', ')}`, hillstrom_rates_exact: null, welch_max_abs_err: null, cuped_variance_reduction: null, qini_visit: null, uplift_top30_visit: null, random_top30_visit: null, ope_ips: null, ope_snips: null, ope_dr: null, bts_on_policy_ctr: null }));
  process.exit(0);
}

const t0 = performance.now();
const h = await proveHillstrom(DATA);
section(`Hillstrom e-mail test (64,000 customers) via POST /v1/reports/experiments; import ${f(h.seconds.import, 1)} s, report ${f(h.seconds.report, 1)} s`);
for (const o of HILLSTROM_OUTCOMES) {
  const m = h.report.metrics.find((x) => x.metric === o)!;
  for (const a of m.arms) {
    const pub = PUBLISHED_RATES[o]![a.arm]!;
    row(`${o} ${o === 'spend' ? 'per customer' : 'rate'}, ${a.arm} (n ${a.n})`, f(a.mean), `published ${f(pub)}`, Math.round(a.mean * 1e6) / 1e6 === pub ? 'exact' : 'DIFFERS');
  }
}
for (const o of HILLSTROM_OUTCOMES) {
  for (const c of h.report.metrics.find((x) => x.metric === o)!.comparisons) {
    const [lo, hi] = SCIPY_WELCH[o]![c.arm]!;
    const err = Math.max(Math.abs(c.absolute.ciLow - lo), Math.abs(c.absolute.ciHigh - hi));
    row(`${o}: ${c.arm} − No E-Mail, Welch 95% CI`, `${s(c.absolute.estimate)} ${ci(c.absolute.ciLow, c.absolute.ciHigh)}`, `SciPy ${ci(lo, hi)}`, `|err| ${err.toExponential(1)}`);
    row(`  relative lift (delta method), p`, `${s(c.relative.estimate * 100, 1)}% ${ci(c.relative.ciLow * 100, c.relative.ciHigh * 100, 1)}%`, `p = ${c.absolute.pValue.toExponential(2)}`, '');
    const cu = c.cuped!;
    row(`  CUPED on history (θ = ${cu.theta.toExponential(2)})`, `${s(cu.absolute.estimate)} ${ci(cu.absolute.ciLow, cu.absolute.ciHigh)}`, `variance −${(cu.varianceReduction * 100).toFixed(2)}%`, cu.varianceReduction > 0 ? 'reduced' : 'NOT reduced');
  }
}
const aov = h.report.metrics.find((m) => m.metric === 'aov')!;
for (const c of aov.comparisons) row(`AOV (spend/conversion): ${c.arm} − No E-Mail`, `${s(c.absolute.estimate, 2)} ${ci(c.absolute.ciLow, c.absolute.ciHigh, 2)}`, `control AOV ${f(aov.arms[0]!.mean, 2)}`, 'delta method');
row('sample ratio mismatch check', `χ² ${f(h.report.srm.chiSquare, 4)}, p ${f(h.report.srm.pValue, 4)}`, 'SciPy chisquare p 0.9037', h.report.srm.mismatch ? 'MISMATCH' : 'ok');

section(`Uplift targeting, Mens E-Mail vs No E-Mail (two-model, ${h.uplift.visit.features.length} features; train ${h.uplift.visit.train.units}, test ${h.uplift.visit.test.units} customers; ${f(h.seconds.uplift, 1)} s)`);
for (const [name, u] of [['visit', h.uplift.visit], ['spend', h.uplift.spend]] as const) {
  row(`${name}: Qini coefficient (held-out half)`, f(u.qiniCoefficient, 4), 'random targeting 0', u.qiniCoefficient > 0 ? 'better' : 'NOT better');
  row(`${name}: AUUC`, f(u.auuc, 5), `random ${f(u.auucRandom, 5)}`, '');
  row(`${name}: uplift among the top 30%`, s(u.upliftAtTop, 5), `random targeting ${s(u.randomUpliftAtTop, 5)}`, `×${f(u.upliftAtTop / u.randomUpliftAtTop, 2)}`);
}

const o = proveObd(DATA);
const ev = o.evaluation;
section(`Open Bandit Dataset, men: Bernoulli TS (prior_bts.yaml, 100k draws) evaluated on 10,000 uniform-random impressions (${o.randomOnPolicy.clicks} clicks); ${f(o.seconds, 1)} s`);
const vs = `BTS on-policy CTR ${f(o.btsOnPolicy.ctr, 5)} ${ci(o.btsOnPolicy.ciLow, o.btsOnPolicy.ciHigh, 5).replace(/\+/g, '')}`;
for (const e of [ev.ips, ev.snips, ev.dm!, ev.dr!]) {
  const z = (e.estimate - o.btsOnPolicy.ctr) / Math.hypot(e.stdError, (o.btsOnPolicy.ciHigh - o.btsOnPolicy.ctr) / 1.959963984540054);
  row(`${e.method.toUpperCase()} (95% CI)`, est(e), vs, `z ${s(z, 2)}`);
}
row('IPS of the production BTS as logged (time-varying)', est(o.loggedBtsIps), 'same policy, reconstructed from BTS-log propensities', '');
row('uniform-random on-policy CTR', f(o.randomOnPolicy.ctr, 5), 'full data set (paper): random 0.51%, BTS 0.67%', '');
row('weights: mean, max, effective sample size', `${f(ev.meanWeight, 3)}, ${f(ev.maxWeight, 2)}, ${f(ev.effectiveSampleSize, 0)}`, 'mean weight ≈ 1 if propensities are right', '');

const syn = proveSynthetic(LOGS, 1000);
section(`Synthetic logs with known truth: ${syn.logs} logs × ${syn.n} decisions, 5 actions, cross-fitted reward model; ${f(syn.seconds, 1)} s`);
for (const r of syn.misspecified) {
  const bias = (r.meanEstimate - syn.truth) / r.standardError;
  row(`${r.method.toUpperCase()}${r.method === 'dm' || r.method === 'dr' ? ' (misspecified reward model)' : ''}`, `mean ${f(r.meanEstimate, 4)}, coverage ${(r.coverage * 100).toFixed(1)}%`, `truth ${f(syn.truth, 4)}`, `bias ${s(bias, 1)} SE`);
}
{
  const r = syn.wellSpecifiedDm;
  row('DM (well-specified reward model)', `mean ${f(r.meanEstimate, 4)}, coverage ${(r.coverage * 100).toFixed(1)}%`, `truth ${f(syn.wellSpecifiedTruth, 4)}`, `bias ${s((r.meanEstimate - syn.wellSpecifiedTruth) / r.standardError, 1)} SE`);
}
printTable();

const spendMens = h.report.metrics.find((m) => m.metric === 'spend')!.comparisons.find((c) => c.arm === 'Mens E-Mail')!;
const visitMens = h.report.metrics.find((m) => m.metric === 'visit')!.comparisons.find((c) => c.arm === 'Mens E-Mail')!;
const cov = (m: string) => syn.misspecified.find((r) => r.method === m)!;
const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
console.log(JSON.stringify({
  hillstrom_rates_exact: h.ratesExact,
  welch_max_abs_err: h.welchMaxAbsErr,
  cuped_variance_reduction: spendMens.cuped!.varianceReduction,
  cuped_variance_reduction_visit: visitMens.cuped!.varianceReduction,
  srm_p_value: h.report.srm.pValue,
  qini_visit: h.uplift.visit.qiniCoefficient,
  uplift_top30_visit: h.uplift.visit.upliftAtTop,
  random_top30_visit: h.uplift.visit.randomUpliftAtTop,
  qini_spend: h.uplift.spend.qiniCoefficient,
  uplift_top30_spend: h.uplift.spend.upliftAtTop,
  random_top30_spend: h.uplift.spend.randomUpliftAtTop,
  ope_ips: ev.ips.estimate, ope_ips_ci: [r6(ev.ips.ciLow), r6(ev.ips.ciHigh)],
  ope_snips: ev.snips.estimate, ope_snips_ci: [r6(ev.snips.ciLow), r6(ev.snips.ciHigh)],
  ope_dm: ev.dm!.estimate, ope_dm_ci: [r6(ev.dm!.ciLow), r6(ev.dm!.ciHigh)],
  ope_dr: ev.dr!.estimate, ope_dr_ci: [r6(ev.dr!.ciLow), r6(ev.dr!.ciHigh)],
  ope_ips_logged_bts: o.loggedBtsIps.estimate,
  bts_on_policy_ctr: o.btsOnPolicy.ctr, bts_on_policy_ci: [r6(o.btsOnPolicy.ciLow), r6(o.btsOnPolicy.ciHigh)],
  random_on_policy_ctr: o.randomOnPolicy.ctr,
  ope_ips_vs_on_policy_z: o.zIps,
  synthetic_truth: syn.truth,
  synthetic_coverage: Object.fromEntries(syn.misspecified.map((r) => [r.method, r.coverage])),
  synthetic_mean: Object.fromEntries(syn.misspecified.map((r) => [r.method, r.meanEstimate])),
  synthetic_dm_well_specified: { truth: syn.wellSpecifiedTruth, mean: syn.wellSpecifiedDm.meanEstimate, coverage: syn.wellSpecifiedDm.coverage },
  synthetic_ips_bias_se: (cov('ips').meanEstimate - syn.truth) / cov('ips').standardError,
  seconds: Math.round((performance.now() - t0) / 100) / 10,
}));
