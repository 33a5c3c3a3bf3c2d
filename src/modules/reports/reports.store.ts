/**
 * SQL for the imported-experiment tables; the only code that touches them. Reports never load
 * unit rows to compute a report: per-arm sufficient statistics (n, Σy, Σy², Σx, Σx², Σxy) are
 * aggregated in SQL, so a report over millions of units costs one scan.
 */
import type { Queryable } from '../../core/index.ts';
import type { PairedStats, SampleStats } from '../stats/index.ts';
import type { Experiment, UnitRow } from './reports.types.ts';

interface ExperimentRow {
  id: string;
  name: string;
  arm_column: string;
  unit_column: string | null;
  outcomes: string[];
  covariates: string[];
  categorical_covariates: string[];
  control_arm: string | null;
  weights: Record<string, number> | null;
  ratios: Record<string, [string, string]>;
  created_at: Date;
  updated_at: Date;
}

export type ExperimentRecord = Omit<Experiment, 'units' | 'arms'>;

function toRecord(r: ExperimentRow): ExperimentRecord {
  const categorical = new Set(r.categorical_covariates);
  return {
    id: r.id, name: r.name, armColumn: r.arm_column, unitColumn: r.unit_column, outcomes: r.outcomes, covariates: r.covariates,
    numericCovariates: r.covariates.filter((c) => !categorical.has(c)), control: r.control_arm, weights: r.weights, ratios: r.ratios ?? {},
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  };
}

export async function insertExperiment(db: Queryable, e: ExperimentRecord, categorical: string[]): Promise<void> {
  await db.query(
    `insert into report_experiments (id, name, arm_column, unit_column, outcomes, covariates, categorical_covariates, control_arm, weights, ratios, created_at, updated_at)
     values ($1, $2, $3, $4, $5::text[], $6::text[], $7::text[], $8, $9::jsonb, $10::jsonb, $11, $11)`,
    [e.id, e.name, e.armColumn, e.unitColumn, e.outcomes, e.covariates, categorical, e.control, e.weights === null ? null : JSON.stringify(e.weights), JSON.stringify(e.ratios), e.createdAt]);
}

/** The experiment row, locked for the rest of the transaction when `lock` (appends serialize on it). */
export async function loadExperiment(db: Queryable, id: string, lock = false): Promise<ExperimentRecord | undefined> {
  const r = await db.query<ExperimentRow>(`select * from report_experiments where id = $1${lock ? ' for update' : ''}`, [id]);
  return r.rows[0] ? toRecord(r.rows[0]) : undefined;
}

export async function listExperiments(db: Queryable, limit: number): Promise<ExperimentRecord[]> {
  const r = await db.query<ExperimentRow>(`select * from report_experiments order by created_at desc, id desc limit $1`, [limit]);
  return r.rows.map(toRecord);
}

export async function markCategorical(db: Queryable, id: string, categorical: string[], at: string): Promise<void> {
  await db.query(
    `update report_experiments
        set categorical_covariates = array(select distinct c from unnest(categorical_covariates || $2::text[]) as c order by c), updated_at = $3
      where id = $1`, [id, categorical, at]);
}

const CHUNK = 2000;

/** Upserts unit rows (a re-imported unit id replaces the earlier row). Ids must be unique within `rows`. */
export async function upsertUnits(db: Queryable, experimentId: string, rows: readonly UnitRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await db.query(
      `insert into report_experiment_units (experiment_id, unit_id, arm, outcomes, covariates)
       select $1, u, a, o::float8[], c::jsonb from unnest($2::text[], $3::text[], $4::text[], $5::text[]) as x(u, a, o, c)
       on conflict (experiment_id, unit_id) do update set arm = excluded.arm, outcomes = excluded.outcomes, covariates = excluded.covariates`,
      [experimentId, part.map((r) => r.unitId), part.map((r) => r.arm), part.map((r) => `{${r.outcomes.join(',')}}`), part.map((r) => JSON.stringify(r.covariates))]);
  }
}

export async function countUnitsByArm(db: Queryable, id: string): Promise<Array<{ arm: string; units: number }>> {
  const r = await db.query<{ arm: string; units: number }>(
    `select arm, count(*)::int8 as units from report_experiment_units where experiment_id = $1 group by arm order by arm`, [id]);
  return r.rows.map((x) => ({ arm: x.arm, units: Number(x.units) }));
}

export interface OutcomeAggregate { arm: string; index: number; stats: SampleStats; cuped?: PairedStats }

/**
 * Per arm and outcome (1-based index into the outcomes array): n, Σy, Σy²; with a covariate
 * also Σx, Σx², Σxy for CUPED (a missing covariate counts as 0).
 */
export async function aggregateOutcomes(db: Queryable, id: string, covariate?: string): Promise<OutcomeAggregate[]> {
  const x = `coalesce((u.covariates ->> $2::text)::float8, 0)`;
  const extra = covariate ? `, sum(${x}) as sx, sum(${x} * ${x}) as sxx, sum(${x} * o.y) as sxy` : '';
  const r = await db.query<{ arm: string; i: number; n: number; s: number; ss: number; sx?: number; sxx?: number; sxy?: number }>(
    `select u.arm, o.i::int4 as i, count(*)::int8 as n, sum(o.y) as s, sum(o.y * o.y) as ss${extra}
       from report_experiment_units u, unnest(u.outcomes) with ordinality as o(y, i)
      where u.experiment_id = $1
      group by u.arm, o.i`, covariate ? [id, covariate] : [id]);
  return r.rows.map((row) => {
    const n = Number(row.n);
    const out: OutcomeAggregate = { arm: row.arm, index: Number(row.i), stats: { n, sum: row.s, sumSq: row.ss } };
    if (covariate) out.cuped = { n, sumX: row.sx!, sumXSq: row.sxx!, sumY: row.s, sumYSq: row.ss, sumXY: row.sxy! };
    return out;
  });
}

/** Per arm, paired statistics of two outcomes (1-based indexes): x = numerator, y = denominator. */
export async function aggregateRatio(db: Queryable, id: string, num: number, den: number): Promise<Array<{ arm: string; stats: PairedStats }>> {
  const r = await db.query<{ arm: string; n: number; sx: number; sxx: number; sy: number; syy: number; sxy: number }>(
    `select arm, count(*)::int8 as n, sum(outcomes[$2::int4]) as sx, sum(outcomes[$2::int4] * outcomes[$2::int4]) as sxx,
            sum(outcomes[$3::int4]) as sy, sum(outcomes[$3::int4] * outcomes[$3::int4]) as syy, sum(outcomes[$2::int4] * outcomes[$3::int4]) as sxy
       from report_experiment_units where experiment_id = $1 group by arm`, [id, num, den]);
  return r.rows.map((x) => ({ arm: x.arm, stats: { n: Number(x.n), sumX: x.sx, sumXSq: x.sxx, sumY: x.sy, sumYSq: x.syy, sumXY: x.sxy } }));
}

/** Unit rows of some arms (uplift modelling needs the rows themselves). */
export async function loadUnits(db: Queryable, id: string, arms: readonly string[]): Promise<UnitRow[]> {
  const r = await db.query<{ unit_id: string; arm: string; outcomes: number[]; covariates: UnitRow['covariates'] }>(
    `select unit_id, arm, outcomes, covariates from report_experiment_units where experiment_id = $1 and arm = any($2::text[]) order by unit_id`, [id, arms]);
  return r.rows.map((x) => ({ unitId: x.unit_id, arm: x.arm, outcomes: x.outcomes.map(Number), covariates: x.covariates }));
}
