/** Public types of the reports module. */
import type { CupedComparison, Estimate, PairedStats, SampleStats, SrmResult } from '../stats/index.ts';

/** How the columns of an experiment CSV map to units, arms, outcomes and covariates. */
export interface ExperimentMapping {
  name: string;
  /** Column naming the arm (variant) each unit was assigned to. */
  arm: string;
  /** Numeric outcome columns (0/1 for conversions; true/false also read as 1/0). */
  outcomes: string[];
  /** Pre-assignment covariates: numeric or categorical. Used for CUPED and uplift features. */
  covariates?: string[];
  /** Column with a unit id; without it units are numbered in file order. */
  unit?: string;
  /** Default control arm of reports. */
  control?: string;
  /** Intended traffic split per arm for the SRM check (relative weights; equal when absent). */
  weights?: Record<string, number>;
  /** Ratio metrics reported by default, name → [numerator outcome, denominator outcome]. */
  ratios?: Record<string, [string, string]>;
}

export type CovariateValue = number | string | null;

/** One unit of an experiment: its arm, outcomes (in mapping order) and covariates. */
export interface UnitRow {
  unitId: string;
  arm: string;
  outcomes: number[];
  covariates: Record<string, CovariateValue>;
}

export interface RowError { line: number; field: string; message: string }

export interface Experiment {
  id: string;
  name: string;
  armColumn: string;
  unitColumn: string | null;
  outcomes: string[];
  covariates: string[];
  /** Covariates whose every non-empty value is a number (CUPED needs one). */
  numericCovariates: string[];
  control: string | null;
  weights: Record<string, number> | null;
  ratios: Record<string, [string, string]>;
  units: number;
  arms: Array<{ arm: string; units: number }>;
  createdAt: string;
  updatedAt: string;
}

export interface ImportResult {
  experiment: Experiment;
  rows: number;
  imported: number;
  errorCount: number;
  /** The first 1000 row errors. */
  errors: RowError[];
}

/**
 * One arm's sufficient statistics: everything the report needs, from any source (an imported
 * CSV, an SQL GROUP BY over Braid's decision and outcome logs, another tool's aggregates).
 */
export interface ArmStats {
  arm: string;
  n: number;
  /** Per outcome: n, Σy, Σy². */
  metrics: Record<string, SampleStats>;
  /** Per ratio metric: x = numerator, y = denominator, on the same units. */
  ratios?: Record<string, PairedStats>;
  /** Per outcome, for CUPED: x = the pre-period covariate, y = the outcome. */
  cuped?: Record<string, PairedStats>;
}

export interface ReportInput {
  arms: ArmStats[];
  control: string;
  /** Intended split for the SRM check; equal when absent. */
  weights?: Record<string, number>;
  /** Name of the pre-period covariate behind ArmStats.cuped (for display). */
  cupedCovariate?: string;
  alpha?: number;
}

export interface ArmSummary { arm: string; n: number; mean: number; stdDev: number }

export interface CupedResult {
  covariate: string;
  theta: number;
  varianceReduction: number;
  absolute: Estimate;
  relative: Estimate;
}

export interface ArmComparison {
  arm: string;
  absolute: Estimate;
  relative: Estimate;
  cuped?: CupedResult;
}

export interface MetricReport {
  metric: string;
  kind: 'mean' | 'ratio';
  arms: ArmSummary[];
  comparisons: ArmComparison[];
}

export interface ExperimentReport {
  control: string;
  alpha: number;
  arms: Array<{ arm: string; n: number; share: number }>;
  srm: SrmResult & { arms: string[] };
  metrics: MetricReport[];
}

export type { CupedComparison };
