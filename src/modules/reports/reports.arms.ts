/**
 * A/B/n arms of a worker, as pure functions of the SQL aggregates (reports.workers.store with an
 * experiment key): the same unit (a shopper at their first entry), metrics and statistics as the
 * worker report, split by the arm that first journey recorded. Three views:
 * - the arms against each other: every arm against the control arm (the experiment's first), with
 *   Welch / delta-method intervals, p-values, CUPED, and the SRM check against the arm weights;
 * - `vsControl`: the worker report's headline (incremental contribution per shopper and in total,
 *   cost per incremental dollar) of each arm against the control arm;
 * - `vsHoldout`: each arm against the worker holdout, a full worker report per arm (the arm's
 *   incrementality: what it earns over doing nothing).
 * The intended split comes from each unit's worker version (its holdoutPct and arm weights), so
 * a weight change between versions raises no false alarm.
 */
import { testSampleRatio } from '../stats/index.ts';
import { buildExperimentReport } from './reports.experiment.ts';
import type { ExperimentReport, MetricReport } from './reports.types.ts';
import { armStatsOf, buildWorkerReport, CONTROL_ARM, TREATED_ARM, type Incrementality, type WorkerReportBody } from './reports.workers.ts';
import { UNASSIGNED, type UnitAggregate } from './reports.workers.store.ts';

/** What a worker version intended: its holdout percentage and the experiment's weights (absent: the version had no such experiment). */
export interface VersionDesign { holdoutPct: number; weights?: Record<string, number> | undefined }

export interface ArmsReportBody {
  control: string;
  alpha: number;
  units: { total: number; holdout: number; assigned: number; unassigned: number };
  /** Every arm (the experiment's, then any other recorded), with its intended share of the assigned units. */
  arms: Array<{ arm: string; n: number; share: number; expectedShare: number }>;
  /** Sample ratio mismatch among the assigned units against the arm weights; null with fewer than two arms or no units. */
  srm: (ExperimentReport['srm']) | null;
  /** Each arm against the control arm (arms with fewer than two shoppers are left out). */
  metrics: MetricReport[];
  vsControl: Array<{ arm: string } & Incrementality>;
  vsHoldout: Array<{ arm: string } & WorkerReportBody>;
}

const sum = (rows: readonly UnitAggregate[], f: (r: UnitAggregate) => boolean) => rows.reduce((s, r) => s + (f(r) ? r.n : 0), 0);
const normalized = (w: Record<string, number> | undefined, arm: string) => {
  if (!w) return 0;
  const t = Object.values(w).reduce((s, x) => s + x, 0);
  return t > 0 ? (w[arm] ?? 0) / t : 0;
};

/** `order`: the experiment's arm names in definition order (the first is the default control). */
export function buildArmsReport(rows: readonly UnitAggregate[], order: readonly string[], control: string, designOf: (version: number) => VersionDesign, alpha = 0.05): ArmsReportBody {
  const isArm = (arm: string) => arm !== CONTROL_ARM && arm !== UNASSIGNED;
  const names = [...order, ...[...new Set(rows.map((r) => r.arm).filter((a) => isArm(a) && !order.includes(a)))].sort()];
  const versions = [...new Set(rows.map((r) => r.version))];
  const assignedOf = new Map(versions.map((v) => [v, sum(rows, (r) => r.version === v && isArm(r.arm))]));
  const allOf = new Map(versions.map((v) => [v, sum(rows, (r) => r.version === v)]));
  const assigned = sum(rows, (r) => isArm(r.arm));
  // Intended share of an arm among the assigned units: each unit's version's weights.
  const expected = (arm: string) => (assigned > 0 ? versions.reduce((s, v) => s + assignedOf.get(v)! * normalized(designOf(v).weights, arm), 0) / assigned : normalized(designOf(versions[0] ?? 0).weights, arm));
  const count = (arm: string) => sum(rows, (r) => r.arm === arm);
  const arms = names.map((arm) => ({ arm, n: count(arm), share: assigned > 0 ? count(arm) / assigned : 0, expectedShare: expected(arm) }));
  const units = { total: sum(rows, () => true), holdout: count(CONTROL_ARM), assigned, unassigned: count(UNASSIGNED) };

  // An arm with units but no intended weight (not in its version's experiment) gets a tiny one: SRM then flags it.
  const srmArms = arms.filter((a) => a.expectedShare > 0 || a.n > 0);
  const srm = srmArms.length >= 2 && assigned > 0
    ? { ...testSampleRatio(srmArms.map((a) => a.n), srmArms.map((a) => Math.max(a.expectedShare, 1e-12))), arms: srmArms.map((a) => a.arm) }
    : null;

  const stats = armStatsOf(rows.filter((r) => isArm(r.arm))).filter((a) => a.n >= 2);
  const hasControl = stats.some((a) => a.arm === control);
  const metrics = hasControl && stats.length >= 2
    ? buildExperimentReport({ arms: stats, control, cupedCovariate: 'pre_revenue', alpha }).metrics
    : [];

  const relabel = (from: string, to: string) => rows.filter((r) => r.arm === from).map((r) => ({ ...r, arm: to }));
  const vsControl = names.filter((a) => a !== control).flatMap((arm) => {
    const ec = expected(control), ea = expected(arm);
    if (!(ec > 0 && ea > 0)) return [];
    const body = buildWorkerReport([...relabel(control, CONTROL_ARM), ...relabel(arm, TREATED_ARM)], ec / (ec + ea), alpha);
    return [{ arm, ...body.incremental }];
  });
  const vsHoldout = names.map((arm) => {
    // Of a version's units, holdoutPct% are held out and (1 − holdoutPct%) × the arm's weight share get the arm.
    let h = 0, a = 0;
    for (const v of versions) {
      const d = designOf(v), n = allOf.get(v)!;
      h += n * d.holdoutPct / 100; a += n * (1 - d.holdoutPct / 100) * normalized(d.weights, arm);
    }
    const body = buildWorkerReport([...relabel(CONTROL_ARM, CONTROL_ARM), ...relabel(arm, TREATED_ARM)], h + a > 0 ? h / (h + a) : 0, alpha);
    return { arm, ...renameTreated(body, arm) };
  });
  return { control, alpha, units, arms, srm, metrics, vsControl, vsHoldout };
}

/** The worker report's `treated` arm, named as the arm it is. */
function renameTreated(b: WorkerReportBody, arm: string): WorkerReportBody {
  const name = (x: string) => (x === TREATED_ARM ? arm : x);
  return {
    ...b,
    arms: b.arms.map((x) => ({ ...x, arm: name(x.arm) })),
    srm: b.srm && { ...b.srm, arms: b.srm.arms.map(name) },
    metrics: b.metrics.map((m) => ({ ...m, arms: m.arms.map((x) => ({ ...x, arm: name(x.arm) })), comparisons: m.comparisons.map((c) => ({ ...c, arm: name(c.arm) })) })),
  };
}
