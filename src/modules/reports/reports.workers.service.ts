/**
 * Worker reports over Braid's own logs: incrementality per worker (its holdout) and for all
 * workers together (the global control group), per cohort, over time, and last-touch attribution
 * beside it. Aggregation happens in SQL (reports.workers.store); the statistics are pure
 * (reports.workers). The intended split for the SRM check comes from each journey's worker
 * version (its holdoutPct) and the configured global control share.
 */
import { invalid, notFound, type Clock, type Config, type Db } from '../../core/index.ts';
import { experimentsOf, parseWorkerDefinition, type UpliftEvaluation, type WorkerExperiment, type WorkersService } from '../workers/index.ts';
import { buildArmsReport, type ArmsReportBody, type VersionDesign } from './reports.arms.ts';
import {
  buildCohortReports, buildSeries, buildWorkerReport, expectedHoldoutShare, type Incrementality, type SeriesPoint, type WorkerReportBody,
} from './reports.workers.ts';
import { aggregateUnits, lastTouch, type Cohort, type TouchCredit, type UnitAggregate } from './reports.workers.store.ts';

export const ALL_WORKERS = '_all';

export interface WorkerReportQuery {
  sinceMs?: number | undefined; untilMs?: number | undefined; cohort?: Cohort | undefined; alpha?: number | undefined;
  /** Outcome window after each entry (default: the configured attribution window). */
  windowHours?: number | undefined;
}

export interface WorkerReport extends WorkerReportBody {
  worker: { id: string; name: string | null };
  since: string;
  until: string;
  windowHours: number;
  /** Entrants of the global control group, left out of a single worker's report (they are the overview's control). */
  globalControlExcluded?: number | undefined;
  cohort?: Cohort | undefined;
  cohorts?: Array<{ cohort: string } & WorkerReportBody> | undefined;
}

/** A worker's A/B/n arms (one experiment): docs/proof.md "Arms". */
export interface ArmsReport extends ArmsReportBody {
  worker: { id: string; name: string | null };
  since: string;
  until: string;
  windowHours: number;
  globalControlExcluded: number;
  /** The experiment reported, as the newest version that has it defines it. */
  experiment: WorkerExperiment;
  /** Every experiment of the current version (`?experiment=` picks one, also one an older version had; default the first). */
  experiments: WorkerExperiment[];
}

export interface AttributionRow extends TouchCredit {
  /** Holdout-based truth over the same period: the worker's holdout, or the placement's global control group. */
  incremental: Incrementality | null;
}

/** A placement's incrementality against the global control group (units: first decision there in the period). */
export interface PlacementReport extends WorkerReportBody {
  placement: string;
  since: string;
  until: string;
  windowHours: number;
  cohort?: Cohort | undefined;
  cohorts?: Array<{ cohort: string } & WorkerReportBody> | undefined;
}

export interface WorkerReports {
  worker(id: string, q?: WorkerReportQuery): Promise<WorkerReport>;
  /** Several workers' reports (not _all), each equal to `worker(id, q)`, from one aggregation grouped by worker. */
  workers(ids: string[], q?: WorkerReportQuery): Promise<WorkerReport[]>;
  placement(placement: string, q?: WorkerReportQuery): Promise<PlacementReport>;
  placementSeries(placement: string, q: WorkerReportQuery & { bucketMs: number }): Promise<{ placement: string; since: string; until: string; bucketMs: number; points: SeriesPoint[] }>;
  list(q?: WorkerReportQuery): Promise<{ since: string; until: string; windowHours: number; workers: Array<{ id: string; name: string; status: string; units: WorkerReportBody['units']; srmMismatch: boolean | null; incremental: Incrementality }> }>;
  series(id: string, q: WorkerReportQuery & { bucketMs: number }): Promise<{ worker: string; since: string; until: string; bucketMs: number; points: SeriesPoint[] }>;
  uplift(id: string, q?: WorkerReportQuery): Promise<WorkerUpliftReport>;
  arms(id: string, q?: WorkerReportQuery & { experiment?: string | undefined; control?: string | undefined }): Promise<ArmsReport>;
  attribution(q?: WorkerReportQuery): Promise<{ since: string; until: string; windowHours: number; orders: number; revenue: number; contribution: number; unattributed: { orders: number; revenue: number; contribution: number }; touches: AttributionRow[] }>;
}

const DAY = 86_400_000;

/** A worker's uplift targeting (entry.uplift): its model's quality on the held-out half, and who it let in. */
export interface WorkerUpliftReport {
  worker: { id: string; name: string | null };
  since: string;
  until: string;
  spec: { minScore: number; outcome: string; model: string; explorePct: number; minUnits: number; retrainHours: number } | null;
  model: { trainedAt: string; outcome: string; method: string; features: string[]; evaluation: UpliftEvaluation } | null;
  /** Journeys entered in the period, by why they were admitted (score, explore, no_model; untargeted before entry.uplift) and arm. */
  admissions: Array<{ admitted: string; arm: string; n: number }>;
}

/**
 * `flushDecisions` writes this process's buffered decision log rows first (the log is written in
 * batches), so attribution sees every decision this process made. `unitsPerSlice`: how many
 * shoppers each statement of a report aggregates (aggregateUnits; default: 50,000 on the embedded
 * database, all on a server).
 */
export function createWorkerReports(d: { db: Db; config: Config; clock: Clock; workers: WorkersService; flushDecisions?: () => Promise<void>; unitsPerSlice?: number }): WorkerReports {
  const slicing = { unitsPerSlice: d.unitsPerSlice };
  const windowHours = d.config.brain.attributionWindowHours;
  const windowMs = windowHours * 3_600_000;
  const globalPct = d.config.brain.globalHoldoutPct;

  function period(q: WorkerReportQuery): { sinceMs: number; untilMs: number } {
    const untilMs = q.untilMs ?? d.clock.now() + 1;
    return { sinceMs: q.sinceMs ?? untilMs - 90 * DAY, untilMs };
  }

  /** holdoutPct of each version, read once per report (versions are immutable). */
  async function pctOfVersions(id: string, rows: ReadonlyArray<Pick<UnitAggregate, 'version'>>): Promise<(v: number) => number> {
    if (id === ALL_WORKERS) return () => globalPct;
    const pct = new Map<number, number>();
    for (const v of new Set(rows.map((r) => r.version))) {
      try { pct.set(v, parseWorkerDefinition(await d.workers.version(id, v)).holdoutPct); } catch { pct.set(v, 0); }
    }
    return (v) => pct.get(v) ?? 0;
  }

  async function nameOf(id: string): Promise<string | null> {
    if (id === ALL_WORKERS) return 'All workers (global control group)';
    try { return (await d.workers.get(id)).definition.name ?? id; } catch { return null; }
  }

  /** `id`: a worker, ALL_WORKERS, or with `placement` set the units of that placement; `armKey`: a worker's arms of that experiment. */
  async function aggregate(id: string, q: WorkerReportQuery, extra: { cohort?: Cohort | undefined; bucketMs?: number | undefined; placement?: string | undefined; armKey?: string | undefined } = {}) {
    const { sinceMs, untilMs } = period(q);
    const { rows, globalControlExcluded } = await aggregateUnits(d.db, {
      workerId: id === ALL_WORKERS || extra.placement ? null : id, placement: extra.placement, sinceMs, untilMs, windowMs: (q.windowHours ?? windowHours) * 3_600_000,
      contactCosts: d.config.brain.contactCosts, cohort: extra.cohort, bucketMs: extra.bucketMs, armKey: extra.armKey,
    }, slicing);
    return { rows, globalControlExcluded, sinceMs, untilMs, pctOf: extra.placement ? () => globalPct : await pctOfVersions(id, rows) };
  }

  /** A worker's report from its aggregates (shared by `worker` and by `workers`, which aggregates them all at once). */
  function reportOf(id: string, name: string | null, rows: UnitAggregate[], pctOf: (v: number) => number, globalControlExcluded: number, p: { sinceMs: number; untilMs: number }, q: WorkerReportQuery): WorkerReport {
    const body = buildWorkerReport(rows, expectedHoldoutShare(rows, pctOf), q.alpha);
    const out: WorkerReport = { worker: { id, name }, since: new Date(p.sinceMs).toISOString(), until: new Date(p.untilMs).toISOString(), windowHours: q.windowHours ?? windowHours, ...body };
    if (id !== ALL_WORKERS) out.globalControlExcluded = globalControlExcluded;
    if (q.cohort) { out.cohort = q.cohort; out.cohorts = buildCohortReports(rows, pctOf, q.alpha); }
    return out;
  }

  async function worker(id: string, q: WorkerReportQuery = {}): Promise<WorkerReport> {
    const name = await nameOf(id);
    if (id === ALL_WORKERS) await d.flushDecisions?.(); // decisions are touches of _all
    const { rows, globalControlExcluded, sinceMs, untilMs, pctOf } = await aggregate(id, q, { cohort: q.cohort });
    if (name === null && rows.length === 0) throw notFound(`Worker ${id}`);
    return reportOf(id, name, rows, pctOf, globalControlExcluded, { sinceMs, untilMs }, q);
  }

  /** Every listed worker's report, equal to `worker(id, q)` for each, from ONE aggregation grouped by worker. */
  async function workers(ids: string[], q: WorkerReportQuery): Promise<WorkerReport[]> {
    const { sinceMs, untilMs } = period(q);
    const { rows, excludedByWorker } = await aggregateUnits(d.db, {
      workerId: null, byWorker: true, sinceMs, untilMs, windowMs: (q.windowHours ?? windowHours) * 3_600_000, contactCosts: d.config.brain.contactCosts, cohort: q.cohort,
    }, slicing);
    const out: WorkerReport[] = [];
    for (const id of ids) {
      const mine = rows.filter((r) => r.worker === id).map(({ worker: _w, ...r }) => r);
      out.push(reportOf(id, await nameOf(id), mine, await pctOfVersions(id, mine), excludedByWorker.get(id) ?? 0, { sinceMs, untilMs }, q));
    }
    return out;
  }

  async function placement(name: string, q: WorkerReportQuery = {}): Promise<PlacementReport> {
    await d.flushDecisions?.(); // this process's buffered decisions are units too
    const { rows, sinceMs, untilMs, pctOf } = await aggregate(ALL_WORKERS, q, { cohort: q.cohort, placement: name });
    const out: PlacementReport = {
      placement: name, since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString(), windowHours: q.windowHours ?? windowHours,
      ...buildWorkerReport(rows, expectedHoldoutShare(rows, pctOf), q.alpha),
    };
    if (q.cohort) { out.cohort = q.cohort; out.cohorts = buildCohortReports(rows, pctOf, q.alpha); }
    return out;
  }

  return {
    worker,
    workers: (ids, q = {}) => workers(ids, q),
    placement,
    async placementSeries(placement, q) {
      await d.flushDecisions?.();
      const { rows, sinceMs, untilMs, pctOf } = await aggregate(ALL_WORKERS, q, { bucketMs: q.bucketMs, placement });
      return { placement, since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString(), bucketMs: q.bucketMs, points: buildSeries(rows, sinceMs, untilMs, q.bucketMs, pctOf, q.alpha) };
    },
    async list(q = {}) {
      const { sinceMs, untilMs } = period(q);
      const listed = await d.workers.list();
      const status = new Map(listed.map((w) => [w.id, w.status as string]));
      const each = { ...q, sinceMs, untilMs, cohort: undefined };
      // _all (its own units: any first touch) and every worker in one aggregation grouped by worker, not one per worker.
      const reports = [await worker(ALL_WORKERS, each), ...(await workers(listed.map((w) => w.id), each))];
      return {
        since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString(), windowHours,
        workers: reports.map((r) => ({ id: r.worker.id, name: r.worker.name ?? r.worker.id, status: status.get(r.worker.id) ?? 'on', units: r.units, srmMismatch: r.srm ? r.srm.mismatch : null, incremental: r.incremental })),
      };
    },
    async series(id, q) {
      if ((await nameOf(id)) === null) throw notFound(`Worker ${id}`);
      const { rows, sinceMs, untilMs, pctOf } = await aggregate(id, q, { bucketMs: q.bucketMs });
      return { worker: id, since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString(), bucketMs: q.bucketMs, points: buildSeries(rows, sinceMs, untilMs, q.bucketMs, pctOf, q.alpha) };
    },
    async uplift(id, q = {}) {
      const { sinceMs, untilMs } = period(q);
      const st = await d.workers.upliftStatus(id, sinceMs);
      const m = st.model;
      return {
        worker: { id, name: await nameOf(id) }, since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString(),
        spec: st.spec && { minScore: st.spec.minScore, outcome: st.spec.outcome, model: st.spec.model, explorePct: st.spec.explorePct, minUnits: st.spec.minUnits, retrainHours: st.spec.retrainMs / 3_600_000 },
        model: m && { trainedAt: new Date(m.trainedAt).toISOString(), outcome: m.outcome, method: m.params.method, features: m.features, evaluation: { ...m.evaluation } },
        admissions: st.admissions,
      };
    },
    async arms(id, q = {}) {
      if (id === ALL_WORKERS) throw invalid('id', 'arms belong to one worker: name it');
      const record = await d.workers.get(id).catch(() => undefined);
      if (!record) throw notFound(`Worker ${id}`);
      const current = parseWorkerDefinition(record.definition); // the stored document of the newest version
      const experiments = experimentsOf(current.steps);
      let experiment = q.experiment === undefined ? experiments[0] : experiments.find((e) => e.key === q.experiment);
      // An experiment a newer version dropped is still reported from the journeys that ran it (newest version that had it).
      for (let v = record.version - 1; !experiment && v >= 1; v--) {
        try {
          const old = experimentsOf(parseWorkerDefinition(await d.workers.version(id, v)).steps);
          experiment = q.experiment === undefined ? old[0] : old.find((e) => e.key === q.experiment);
        } catch { /* a version that no longer parses has no experiment to report */ }
      }
      if (!experiment) {
        throw invalid('experiment', q.experiment === undefined ? `${id} has no steps with arms in any version (docs/workers.md "Arms")`
          : `${id} has no experiment "${q.experiment}" in any version${experiments.length ? ` (current: ${experiments.map((e) => e.key).join(', ')})` : ''}`);
      }
      const control = q.control ?? experiment.arms[0]!.name;
      if (!experiment.arms.some((a) => a.name === control)) throw invalid('control', `experiment "${experiment.key}" has no arm "${control}" (arms: ${experiment.arms.map((a) => a.name).join(', ')})`);
      const { rows, globalControlExcluded, sinceMs, untilMs } = await aggregate(id, q, { armKey: experiment.key });
      // Each version's intended split, read once (versions are immutable).
      const designs = new Map<number, VersionDesign>();
      for (const v of new Set(rows.map((r) => r.version))) {
        try {
          const def = parseWorkerDefinition(await d.workers.version(id, v));
          const e = experimentsOf(def.steps).find((x) => x.key === experiment.key);
          designs.set(v, { holdoutPct: def.holdoutPct, weights: e && Object.fromEntries(e.arms.map((a) => [a.name, a.weight])) });
        } catch { designs.set(v, { holdoutPct: 0 }); }
      }
      const body = buildArmsReport(rows, experiment.arms.map((a) => a.name), control, (v) => designs.get(v) ?? { holdoutPct: current.holdoutPct, weights: Object.fromEntries(experiment.arms.map((a) => [a.name, a.weight])) }, q.alpha);
      return {
        worker: { id, name: current.name }, since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString(),
        windowHours: q.windowHours ?? windowHours, globalControlExcluded, experiment, experiments, ...body,
      };
    },
    async attribution(q = {}) {
      const { sinceMs, untilMs } = period(q);
      await d.flushDecisions?.();
      const credits = await lastTouch(d.db, { sinceMs, untilMs, windowMs });
      const none = credits.find((c) => c.kind === 'none');
      const touches: AttributionRow[] = [];
      for (const c of credits) {
        if (c.kind === 'none') continue;
        // Journeys whose outcome windows can reach these orders: entries from one window earlier.
        const since = { sinceMs: sinceMs - windowMs, untilMs, alpha: q.alpha };
        const incremental = (c.kind === 'worker' ? await worker(c.id, since) : await placement(c.id, since)).incremental;
        touches.push({ ...c, incremental });
      }
      const sum = (k: 'orders' | 'revenue' | 'contribution') => credits.reduce((s, c) => s + c[k], 0);
      return {
        since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString(), windowHours,
        orders: sum('orders'), revenue: round2(sum('revenue')), contribution: round2(sum('contribution')),
        unattributed: { orders: none?.orders ?? 0, revenue: none?.revenue ?? 0, contribution: none?.contribution ?? 0 }, touches,
      };
    },
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
