/**
 * Hillstrom e-mail test for `npm run eval:proof`: imported through Braid's generic experiment
 * import into an in-memory database, reported with CUPED on pre-period spend (`history`), and
 * compared with the published rates and SciPy's Welch intervals; then uplift targeting
 * (Mens E-Mail vs No E-Mail) for visit and spend, trained on one half, scored on the other.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { createMetrics, openDatabase, parseConfig, systemClock } from '../src/core/index.ts';
import { createReports, type ExperimentReport, type UpliftReport } from '../src/modules/reports/index.ts';

export const HILLSTROM_ARMS = ['No E-Mail', 'Mens E-Mail', 'Womens E-Mail'] as const;
export const HILLSTROM_OUTCOMES = ['visit', 'conversion', 'spend'] as const;

/** Published per-arm means (SOURCE.md; aokassamali/Hillstrom-emails-experiment outcome_means_ci.csv), 6 decimals. */
export const PUBLISHED_RATES: Record<string, Record<string, number>> = {
  visit: { 'No E-Mail': 0.106167, 'Mens E-Mail': 0.182757, 'Womens E-Mail': 0.151400 },
  conversion: { 'No E-Mail': 0.005726, 'Mens E-Mail': 0.012531, 'Womens E-Mail': 0.008837 },
  spend: { 'No E-Mail': 0.652789, 'Mens E-Mail': 1.422617, 'Womens E-Mail': 1.077202 },
};
export const PUBLISHED_N: Record<string, number> = { 'No E-Mail': 21306, 'Mens E-Mail': 21307, 'Womens E-Mail': 21387 };

/**
 * Welch 95% intervals of (treatment − No E-Mail) from SciPy 1.17.1:
 * scipy.stats.ttest_ind(x_t, x_c, equal_var=False).confidence_interval(0.95) on the raw rows.
 */
export const SCIPY_WELCH: Record<string, Record<string, [number, number]>> = {
  visit: { 'Mens E-Mail': [0.06995314760976148, 0.083225979693301], 'Womens E-Mail': [0.03889349376208028, 0.05157271941202569] },
  conversion: { 'Mens E-Mail': [0.005000070747732389, 0.008609942291499001], 'Womens E-Mail': [0.0014985923661468032, 0.004723522656023713] },
  spend: { 'Mens E-Mail': [0.4851397325684076, 1.0545145792206658], 'Womens E-Mail': [0.1689567898837787, 0.6798676419894147] },
};

export interface HillstromProof {
  report: ExperimentReport;
  ratesExact: boolean;
  welchMaxAbsErr: number;
  uplift: { visit: UpliftReport; spend: UpliftReport };
  seconds: { import: number; report: number; uplift: number };
}

export async function proveHillstrom(dataDir: string): Promise<HillstromProof> {
  const clock = systemClock;
  const db = await openDatabase({ clock });
  try {
    const reports = createReports({ db, clock, log: pino({ level: 'silent' }) as FastifyBaseLogger, config: parseConfig({}, { demo: false }), metrics: createMetrics() });
    const t0 = performance.now();
    const imported = await reports.importExperiment({
      name: 'Hillstrom MineThatData e-mail test (2008)', arm: 'segment', outcomes: [...HILLSTROM_OUTCOMES],
      covariates: ['recency', 'history_segment', 'history', 'mens', 'womens', 'zip_code', 'newbie', 'channel'],
      control: 'No E-Mail', ratios: { aov: ['spend', 'conversion'] },
    }, readFileSync(join(dataDir, 'hillstrom', 'hillstrom.csv'), 'utf8'));
    if (imported.errorCount > 0) throw new Error(`Hillstrom import rejected ${imported.errorCount} rows: ${JSON.stringify(imported.errors.slice(0, 3))}`);
    const t1 = performance.now();
    const report = await reports.report(imported.experiment.id, { cuped: 'history' });
    const t2 = performance.now();
    const opts = { treatment: 'Mens E-Mail', control: 'No E-Mail' };
    const uplift = {
      visit: await reports.uplift(imported.experiment.id, { ...opts, outcome: 'visit' }),
      spend: await reports.uplift(imported.experiment.id, { ...opts, outcome: 'spend' }),
    };
    const t3 = performance.now();

    let ratesExact = report.arms.every((a) => PUBLISHED_N[a.arm] === a.n);
    for (const o of HILLSTROM_OUTCOMES) {
      const m = report.metrics.find((x) => x.metric === o)!;
      for (const a of m.arms) ratesExact &&= Math.round(a.mean * 1e6) / 1e6 === PUBLISHED_RATES[o]![a.arm];
    }
    let welchMaxAbsErr = 0;
    for (const o of HILLSTROM_OUTCOMES) {
      for (const c of report.metrics.find((x) => x.metric === o)!.comparisons) {
        const [lo, hi] = SCIPY_WELCH[o]![c.arm]!;
        welchMaxAbsErr = Math.max(welchMaxAbsErr, Math.abs(c.absolute.ciLow - lo), Math.abs(c.absolute.ciHigh - hi));
      }
    }
    return { report, ratesExact, welchMaxAbsErr, uplift, seconds: { import: (t1 - t0) / 1000, report: (t2 - t1) / 1000, uplift: (t3 - t2) / 1000 } };
  } finally {
    await db.close();
  }
}
