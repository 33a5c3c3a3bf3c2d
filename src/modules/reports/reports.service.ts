/**
 * The reports service: imports past randomized experiments (CSV + column mapping) and reports on
 * them. I/O is in reports.store (SQL); the statistics are pure (reports.experiment, reports.uplift
 * over the stats module). Time comes only from deps.clock; ids are time-ordered `rex_…`.
 */
import { invalid, isoNow, newId, notFound, type CoreDeps } from '../../core/index.ts';
import type { ArmStats, Experiment, ExperimentMapping, ExperimentReport, ImportResult, RowError, UnitRow } from './reports.types.ts';
import { mapExperimentRows, validateMapping } from './reports.csv.ts';
import { buildExperimentReport } from './reports.experiment.ts';
import { evaluateUplift, type UpliftOptions, type UpliftReport } from './reports.uplift.ts';
import {
  aggregateOutcomes, aggregateRatio, countUnitsByArm, insertExperiment, listExperiments, loadExperiment, loadUnits,
  markCategorical, upsertUnits, type ExperimentRecord,
} from './reports.store.ts';

const MAX_LISTED_ERRORS = 1000;

export interface ReportOptions {
  /** Control arm (default: the experiment's, else the first arm by name). */
  control?: string;
  /** A numeric pre-period covariate for CUPED. */
  cuped?: string;
  alpha?: number;
  /** Ratio metrics (default: the experiment's), name → [numerator, denominator]. */
  ratios?: Record<string, [string, string]>;
}

export interface ReportsService {
  /** Creates an experiment from a CSV (header + rows) mapped by `mapping`. */
  importExperiment(mapping: ExperimentMapping, csv: string): Promise<ImportResult>;
  /** Adds rows (a CSV with the same header) to an experiment; re-imported unit ids replace rows. */
  appendRows(id: string, csv: string, opts?: { firstUnit?: number }): Promise<ImportResult>;
  get(id: string): Promise<Experiment>;
  list(limit?: number): Promise<Experiment[]>;
  /** Per-arm sufficient statistics aggregated in SQL: the input of buildExperimentReport. */
  armStats(id: string, opts?: ReportOptions): Promise<{ experiment: Experiment; arms: ArmStats[]; control: string }>;
  report(id: string, opts?: ReportOptions): Promise<ExperimentReport & { experiment: Experiment }>;
  uplift(id: string, opts: UpliftOptions): Promise<UpliftReport>;
}

/** Covariates with a non-numeric value among these rows. */
function categoricalOf(rows: readonly UnitRow[], covariates: readonly string[]): string[] {
  return covariates.filter((c) => rows.some((r) => typeof r.covariates[c] === 'string'));
}

/** First occurrence of a unit id in one request wins; later ones are reported. */
function dedupe(rows: UnitRow[], errors: RowError[], unitColumn: string | null): UnitRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    if (!seen.has(r.unitId)) { seen.add(r.unitId); return true; }
    errors.push({ line: 0, field: unitColumn ?? 'unit', message: `unit ${r.unitId} appears more than once; the first row is kept` });
    return false;
  });
}

export function createReports(deps: CoreDeps): ReportsService {
  const { db, clock } = deps;

  async function describe(rec: ExperimentRecord): Promise<Experiment> {
    const arms = await countUnitsByArm(db, rec.id);
    return { ...rec, units: arms.reduce((s, a) => s + a.units, 0), arms };
  }

  async function require(id: string): Promise<ExperimentRecord> {
    const rec = await loadExperiment(db, id);
    if (!rec) throw notFound(`Experiment ${id}`);
    return rec;
  }

  function mappingOf(rec: ExperimentRecord): ExperimentMapping {
    const m: ExperimentMapping = { name: rec.name, arm: rec.armColumn, outcomes: rec.outcomes, covariates: rec.covariates };
    if (rec.unitColumn) m.unit = rec.unitColumn;
    return m;
  }

  async function store(id: string, csv: string, mapping: ExperimentMapping, firstUnit: number, create?: ExperimentRecord): Promise<ImportResult> {
    const mapped = mapExperimentRows(csv, mapping, firstUnit);
    const errors = mapped.errors;
    const rows = dedupe(mapped.rows, errors, mapping.unit ?? null);
    const categorical = categoricalOf(rows, mapping.covariates ?? []);
    await db.transaction(async (tx) => {
      if (create) await insertExperiment(tx, create, categorical);
      else {
        if (!(await loadExperiment(tx, id, true))) throw notFound(`Experiment ${id}`);
        await markCategorical(tx, id, categorical, isoNow(clock));
      }
      await upsertUnits(tx, id, rows);
    });
    const experiment = await describe((await loadExperiment(db, id))!);
    return { experiment, rows: mapped.records, imported: rows.length, errorCount: errors.length, errors: errors.slice(0, MAX_LISTED_ERRORS) };
  }

  async function armStats(id: string, opts: ReportOptions = {}) {
    const rec = await require(id);
    const experiment = await describe(rec);
    if (opts.cuped !== undefined && !rec.covariates.includes(opts.cuped)) throw invalid('cuped', `${opts.cuped} is not a covariate of this experiment (${rec.covariates.join(', ') || 'none'})`);
    if (opts.cuped !== undefined && !rec.numericCovariates.includes(opts.cuped)) throw invalid('cuped', `${opts.cuped} is categorical; CUPED needs a numeric pre-period covariate`);
    const ratios = opts.ratios ?? rec.ratios;
    for (const [name, pair] of Object.entries(ratios)) {
      if (!pair.every((o) => rec.outcomes.includes(o))) throw invalid(`ratios.${name}`, `must name two outcomes (${rec.outcomes.join(', ')})`);
    }
    const byArm = new Map<string, ArmStats>();
    const arm = (name: string, n: number) => {
      let a = byArm.get(name);
      if (!a) { a = { arm: name, n, metrics: {} }; byArm.set(name, a); }
      return a;
    };
    // In the experiment's outcome order, so metrics are listed as imported.
    for (const agg of (await aggregateOutcomes(db, id, opts.cuped)).sort((a, b) => a.index - b.index)) {
      const a = arm(agg.arm, agg.stats.n);
      const name = rec.outcomes[agg.index - 1]!;
      a.metrics[name] = agg.stats;
      if (agg.cuped) (a.cuped ??= {})[name] = agg.cuped;
    }
    for (const [name, [num, den]] of Object.entries(ratios)) {
      for (const r of await aggregateRatio(db, id, rec.outcomes.indexOf(num) + 1, rec.outcomes.indexOf(den) + 1)) {
        (arm(r.arm, r.stats.n).ratios ??= {})[name] = r.stats;
      }
    }
    const arms = [...byArm.values()];
    const control = opts.control ?? rec.control ?? arms.map((a) => a.arm).sort()[0] ?? '';
    return { experiment, arms, control };
  }

  return {
    async importExperiment(mapping, csv) {
      validateMapping(mapping);
      const at = isoNow(clock);
      const rec: ExperimentRecord = {
        id: newId('rex', clock), name: mapping.name.trim(), armColumn: mapping.arm, unitColumn: mapping.unit ?? null,
        outcomes: mapping.outcomes, covariates: mapping.covariates ?? [], numericCovariates: [], control: mapping.control ?? null,
        weights: mapping.weights ?? null, ratios: mapping.ratios ?? {}, createdAt: at, updatedAt: at,
      };
      return store(rec.id, csv, mapping, 1, rec);
    },
    async appendRows(id, csv, opts = {}) {
      const firstUnit = opts.firstUnit ?? 1;
      if (!(Number.isInteger(firstUnit) && firstUnit >= 1)) throw invalid('firstUnit', 'must be an integer >= 1');
      return store(id, csv, mappingOf(await require(id)), firstUnit);
    },
    get: async (id) => describe(await require(id)),
    list: async (limit = 100) => Promise.all((await listExperiments(db, limit)).map(describe)),
    armStats,
    async report(id, opts = {}) {
      const { experiment, arms, control } = await armStats(id, opts);
      const input = { arms, control, ...(experiment.weights ? { weights: experiment.weights } : {}), ...(opts.cuped ? { cupedCovariate: opts.cuped } : {}), ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}) };
      return { experiment, ...buildExperimentReport(input) };
    },
    async uplift(id, opts) {
      const rec = await require(id);
      const rows = await loadUnits(db, id, [opts.treatment, opts.control]);
      return evaluateUplift(rows, rec.outcomes, rec.covariates, opts);
    },
  };
}
