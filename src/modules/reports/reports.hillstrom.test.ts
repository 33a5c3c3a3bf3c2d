/**
 * Proof on real data: Kevin Hillstrom's MineThatData e-mail test (../shared/data/hillstrom, see
 * its SOURCE.md), imported through the generic experiment CSV import as a past randomized
 * campaign and reported by Braid.
 *
 * Reference values and how they were computed:
 *  - Published per-arm rates: SOURCE.md (also aokassamali/Hillstrom-emails-experiment,
 *    reports/tables/outcome_means_ci.csv), 6 decimals.
 *  - Welch intervals: SciPy 1.17.1, `scipy.stats.ttest_ind(x_treat, x_ctrl, equal_var=False)
 *    .confidence_interval(0.95)` over the raw rows (csv module, grouped by `segment`), printed with
 *    repr() and pasted below. Independently, this test recomputes each interval from the raw rows
 *    with a plain two-pass mean/variance and SciPy's `t.ppf(0.975, df)` for the Welch df.
 *  - SRM: `scipy.stats.chisquare([21307, 21387, 21306])` → p = 0.9036929575604196.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { SHARED_DATA_DIR } from '../../testing/test.config.ts';
import { createReports, type ExperimentReport, type ReportsService } from './index.ts';

const FILE = join(SHARED_DATA_DIR, 'hillstrom', 'hillstrom.csv');
const present = existsSync(FILE);
if (!present) console.warn(`skipping Hillstrom proof tests: ${FILE} is absent (public data sets live in ../shared/data; see its README.md)`);

const ARMS = ['No E-Mail', 'Mens E-Mail', 'Womens E-Mail'] as const;
const OUTCOMES = ['visit', 'conversion', 'spend'] as const;
const PUBLISHED: Record<string, Record<string, number>> = {
  visit: { 'No E-Mail': 0.106167, 'Mens E-Mail': 0.182757, 'Womens E-Mail': 0.151400 },
  conversion: { 'No E-Mail': 0.005726, 'Mens E-Mail': 0.012531, 'Womens E-Mail': 0.008837 },
  spend: { 'No E-Mail': 0.652789, 'Mens E-Mail': 1.422617, 'Womens E-Mail': 1.077202 },
};
// [ciLow, ciHigh, SciPy t.ppf(0.975, Welch df)] per outcome and treatment arm, vs No E-Mail.
const SCIPY: Record<string, Record<string, [number, number, number]>> = {
  visit: { 'Mens E-Mail': [0.06995314760976148, 0.083225979693301, 1.9600224256639291], 'Womens E-Mail': [0.03889349376208028, 0.05157271941202569, 1.9600207486601395] },
  conversion: { 'Mens E-Mail': [0.005000070747732389, 0.008609942291499001, 1.9600272696108054], 'Womens E-Mail': [0.0014985923661468032, 0.004723522656023713, 1.9600219684380586] },
  spend: { 'Mens E-Mail': [0.4851397325684076, 1.0545145792206658, 1.9600286770213076], 'Womens E-Mail': [0.1689567898837787, 0.6798676419894147, 1.9600231970328694] },
};

/** Raw rows by arm, parsed here without Braid's CSV code (history_segment may hold a quoted comma, so fields are taken from the end). */
function rawRows(): Map<string, Array<{ visit: number; conversion: number; spend: number; history: number }>> {
  const byArm = new Map<string, Array<{ visit: number; conversion: number; spend: number; history: number }>>();
  for (const line of readFileSync(FILE, 'utf8').trim().split('\n').slice(1)) {
    const f = line.split(','), n = f.length;
    const row = { visit: Number(f[n - 3]), conversion: Number(f[n - 2]), spend: Number(f[n - 1]), history: Number(f[n - 10]) };
    const arm = f[n - 4]!;
    if (!byArm.has(arm)) byArm.set(arm, []);
    byArm.get(arm)!.push(row);
  }
  return byArm;
}

/** Two-pass mean and unbiased variance. */
function meanVar(xs: number[]): [number, number] {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return [m, xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)];
}

let t: TestDb;
let reports: ReportsService;
let report: ExperimentReport;
let experimentId = '';
let raw: ReturnType<typeof rawRows>;

beforeAll(async () => {
  if (!present) return;
  raw = rawRows();
  t = await openTestDb();
  reports = createReports(testDeps(t.db));
  const imported = await reports.importExperiment({
    name: 'Hillstrom MineThatData e-mail test (2008)', arm: 'segment', outcomes: [...OUTCOMES],
    covariates: ['recency', 'history_segment', 'history', 'mens', 'womens', 'zip_code', 'newbie', 'channel'], control: 'No E-Mail',
  }, readFileSync(FILE, 'utf8'));
  expect(imported).toMatchObject({ rows: 64000, imported: 64000, errorCount: 0 });
  experimentId = imported.experiment.id;
  report = await reports.report(experimentId, { cuped: 'history' });
});
afterAll(async () => { await t?.cleanup(); });

const metric = (name: string) => report.metrics.find((m) => m.metric === name)!;

describe.skipIf(!present)('Hillstrom e-mail test through the experiment import and report', () => {
  it('reproduces the arm sizes and the published visit, conversion and spend rates exactly', () => {
    expect(report.arms.map((a) => [a.arm, a.n])).toEqual([['No E-Mail', 21306], ['Mens E-Mail', 21307], ['Womens E-Mail', 21387]]);
    for (const o of OUTCOMES) {
      for (const arm of ARMS) {
        const mean = metric(o).arms.find((a) => a.arm === arm)!.mean;
        expect(Math.round(mean * 1e6) / 1e6, `${o} ${arm}`).toBe(PUBLISHED[o]![arm]);
        // Exactly the raw ratio: integer visit/conversion counts over n; spend to the last bits.
        const xs = raw.get(arm)!.map((r) => r[o]);
        expect(mean, `${o} ${arm}`).toBeCloseTo(xs.reduce((s, x) => s + x, 0) / xs.length, 13);
        if (o !== 'spend') expect(mean).toBe(xs.reduce((s, x) => s + x, 0) / xs.length);
      }
    }
  });

  it('gives Welch 95% intervals for the absolute differences equal to SciPy and to a two-pass recomputation (1e-6)', () => {
    let maxErr = 0;
    for (const o of OUTCOMES) {
      const [mc, vc] = meanVar(raw.get('No E-Mail')!.map((r) => r[o]));
      const nc = raw.get('No E-Mail')!.length;
      for (const arm of ['Mens E-Mail', 'Womens E-Mail'] as const) {
        const c = metric(o).comparisons.find((x) => x.arm === arm)!.absolute;
        const [lo, hi, tcrit] = SCIPY[o]![arm]!;
        const [mt, vt] = meanVar(raw.get(arm)!.map((r) => r[o]));
        const nt = raw.get(arm)!.length;
        const half = tcrit * Math.sqrt(vc / nc + vt / nt);
        for (const [got, want] of [[c.ciLow, lo], [c.ciHigh, hi], [c.ciLow, mt - mc - half], [c.ciHigh, mt - mc + half]] as const) {
          expect(Math.abs(got! - want), `${o} ${arm}`).toBeLessThan(1e-6);
          maxErr = Math.max(maxErr, Math.abs(got! - want));
        }
        expect(c.pValue).toBeLessThan(0.01);
      }
    }
    expect(maxErr).toBeLessThan(1e-9); // in fact they agree to rounding
  });

  it('runs the SRM check (no mismatch: p = 0.9037) and reports CUPED on pre-period spend with a variance reduction', () => {
    expect(report.srm.pValue).toBeCloseTo(0.9036929575604196, 10);
    expect(report.srm.mismatch).toBe(false);
    for (const o of OUTCOMES) {
      for (const c of metric(o).comparisons) {
        expect(c.cuped?.covariate).toBe('history');
        expect(c.cuped!.varianceReduction, `${o} ${c.arm}`).toBeGreaterThan(0);
        // Randomization: the adjusted lift stays inside the unadjusted interval.
        expect(c.cuped!.absolute.estimate).toBeGreaterThan(c.absolute.ciLow!);
        expect(c.cuped!.absolute.estimate).toBeLessThan(c.absolute.ciHigh!);
      }
    }
    // θ is the pooled slope of the outcome on history over both arms, recomputed here by two passes.
    const pooled = [...raw.get('No E-Mail')!, ...raw.get('Mens E-Mail')!];
    const [mx, vx] = meanVar(pooled.map((r) => r.history));
    const my = pooled.reduce((s, r) => s + r.spend, 0) / pooled.length;
    const cov = pooled.reduce((s, r) => s + (r.history - mx) * (r.spend - my), 0) / (pooled.length - 1);
    expect(metric('spend').comparisons[0]!.cuped!.theta).toBeCloseTo(cov / vx, 12);
  });

  it('targets by uplift (Mens E-Mail vs No E-Mail): positive Qini on held-out units, top 30% above random', async () => {
    for (const outcome of ['visit', 'spend']) {
      const u = await reports.uplift(experimentId, { treatment: 'Mens E-Mail', control: 'No E-Mail', outcome });
      expect(u.test.units + u.train.units).toBe(21307 + 21306);
      expect(u.qiniCoefficient, outcome).toBeGreaterThan(0);
      expect(u.upliftAtTop, outcome).toBeGreaterThan(u.randomUpliftAtTop);
    }
  });
});
