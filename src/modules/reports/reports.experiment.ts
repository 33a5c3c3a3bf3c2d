/**
 * The experiment report, as a pure function of per-arm sufficient statistics: per metric and arm
 * the mean (rate, revenue per unit, ratio), and against the control arm the absolute difference
 * with its Welch interval, the relative lift by the delta method, p-values, CUPED when a
 * pre-period covariate is given; and on every report the sample-ratio-mismatch check.
 * It takes ArmStats from any source, so imported CSVs and Braid's own holdout logs share it.
 */
import { invalid } from '../../core/index.ts';
import {
  compareCuped, compareMetric, computePairedStats, computeSampleStats, meanOf, summarizeMean, summarizeRatio,
  testSampleRatio, varianceOf,
} from '../stats/index.ts';
import type { ArmComparison, ArmStats, ArmSummary, ExperimentReport, MetricReport, ReportInput, UnitRow } from './reports.types.ts';

/** Control first, then the other arms by name. */
export function orderArms<T extends { arm: string }>(arms: readonly T[], control: string): T[] {
  return [...arms].sort((a, b) => (a.arm === control ? -1 : b.arm === control ? 1 : a.arm < b.arm ? -1 : a.arm > b.arm ? 1 : 0));
}

export function buildExperimentReport(input: ReportInput): ExperimentReport {
  const alpha = input.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 0.5)) throw invalid('alpha', 'must be in (0, 0.5)');
  if (input.arms.length < 2) throw invalid('arms', 'a report needs at least two arms with units');
  const arms = orderArms(input.arms, input.control);
  const control = arms[0]!;
  if (control.arm !== input.control) throw invalid('control', `arm "${input.control}" has no units (arms: ${arms.map((a) => a.arm).join(', ')})`);
  const total = arms.reduce((s, a) => s + a.n, 0);

  const weights = input.weights;
  if (weights) for (const a of arms) if (!(weights[a.arm]! > 0)) throw invalid(`weights.${a.arm}`, 'every arm needs an intended weight > 0');
  const srm = testSampleRatio(arms.map((a) => a.n), weights ? arms.map((a) => weights[a.arm]!) : undefined);

  const metrics: MetricReport[] = [];
  for (const metric of Object.keys(control.metrics)) {
    const summaries: ArmSummary[] = arms.map((a) => {
      const s = a.metrics[metric];
      if (!s) throw invalid('arms', `arm ${a.arm} lacks metric ${metric}`);
      return { arm: a.arm, n: s.n, mean: meanOf(s), stdDev: Math.sqrt(varianceOf(s)) };
    });
    const comparisons: ArmComparison[] = arms.slice(1).map((a) => {
      const c = compareMetric(summarizeMean(control.metrics[metric]!), summarizeMean(a.metrics[metric]!), { alpha });
      const out: ArmComparison = { arm: a.arm, absolute: c.absolute, relative: c.relative };
      const pc = control.cuped?.[metric], pa = a.cuped?.[metric];
      if (pc && pa && input.cupedCovariate) {
        const cu = compareCuped(pc, pa, { alpha });
        out.cuped = { covariate: input.cupedCovariate, theta: cu.theta, varianceReduction: cu.varianceReduction, absolute: cu.absolute, relative: cu.relative };
      }
      return out;
    });
    metrics.push({ metric, kind: 'mean', arms: summaries, comparisons });
  }
  for (const metric of Object.keys(control.ratios ?? {})) {
    const stat = (a: ArmStats) => {
      const p = a.ratios?.[metric];
      if (!p) throw invalid('arms', `arm ${a.arm} lacks ratio metric ${metric}`);
      return p;
    };
    const summaries = arms.map((a) => { const r = summarizeRatio(stat(a)); return { arm: a.arm, n: r.n, mean: r.mean, stdDev: Math.sqrt(r.variance) }; });
    const comparisons = arms.slice(1).map((a) => ({ arm: a.arm, ...compareMetric(summarizeRatio(stat(control)), summarizeRatio(stat(a)), { alpha }) }));
    metrics.push({ metric, kind: 'ratio', arms: summaries, comparisons });
  }
  return {
    control: control.arm, alpha,
    arms: arms.map((a) => ({ arm: a.arm, n: a.n, share: total > 0 ? a.n / total : 0 })),
    srm: { ...srm, arms: arms.map((a) => a.arm) },
    metrics,
  };
}

export interface SummarizeOptions {
  ratios?: Record<string, [string, string]>;
  /** A numeric pre-period covariate for CUPED; a missing value counts as 0 (as GrowthBook does). */
  cupedCovariate?: string;
}

/** ArmStats from unit rows (outcomes in the order of `outcomes`), for sources that hold rows. */
export function summarizeUnitRows(rows: readonly UnitRow[], outcomes: readonly string[], opts: SummarizeOptions = {}): ArmStats[] {
  const byArm = new Map<string, UnitRow[]>();
  for (const r of rows) { const l = byArm.get(r.arm); if (l) l.push(r); else byArm.set(r.arm, [r]); }
  const idx = (o: string) => { const i = outcomes.indexOf(o); if (i < 0) throw invalid('ratios', `${o} is not an outcome`); return i; };
  const out: ArmStats[] = [];
  for (const [arm, list] of byArm) {
    const stats: ArmStats = { arm, n: list.length, metrics: {} };
    outcomes.forEach((o, i) => { stats.metrics[o] = computeSampleStats(list.map((r) => r.outcomes[i]!)); });
    if (opts.ratios) {
      stats.ratios = {};
      for (const [name, [num, den]] of Object.entries(opts.ratios)) {
        stats.ratios[name] = computePairedStats(list.map((r) => r.outcomes[idx(num)]!), list.map((r) => r.outcomes[idx(den)]!));
      }
    }
    const cov = opts.cupedCovariate;
    if (cov) {
      stats.cuped = {};
      const xs = list.map((r) => {
        const v = r.covariates[cov];
        if (typeof v === 'string') throw invalid('cuped', `covariate ${cov} is not numeric (unit ${r.unitId}: "${v}")`);
        return v ?? 0;
      });
      outcomes.forEach((o, i) => { stats.cuped![o] = computePairedStats(xs, list.map((r) => r.outcomes[i]!)); });
    }
    out.push(stats);
  }
  return out;
}
