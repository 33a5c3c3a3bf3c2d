/**
 * The reports module (proof layer): experiment reports (per-arm means, Welch and delta-method
 * lift, p-values, SRM, CUPED) from per-arm sufficient statistics of any source; import of past
 * randomized experiments from CSV; uplift targeting evaluation (Qini, AUUC); off-policy
 * evaluation of a target policy on a decision log; the Open Bandit Dataset adapter; worker and
 * placement incrementality, served to the console from report snapshots (reports.snapshots).
 * Statistics live in the stats module; docs/statistics.md has the formulas.
 */
export { createReports, type ReportOptions, type ReportsService } from './reports.service.ts';
export { registerReportRoutes, nullifyNonFinite, parseRatiosParam, parseWeightsParam } from './reports.routes.ts';
export { buildExperimentReport, orderArms, summarizeUnitRows, type SummarizeOptions } from './reports.experiment.ts';
export { mapExperimentRows, parseCsvRecords, validateMapping, type CsvRecord, type MappedRows } from './reports.csv.ts';
export { buildFeatureEncoder, evaluateUplift, type FeatureEncoder, type UpliftOptions, type UpliftReport } from './reports.uplift.ts';
export { registerDecisionReportRoutes, evaluatePolicy } from './reports.decisions.ts';
export { evaluateOnDecisionLog, parseTargetPolicy, targetDistribution, type TargetPolicy, type DecisionLogEvaluation } from './reports.policy.ts';
export { evaluatePolicyOnLog, type LogRecord, type PolicyEvaluation, type PolicyEvaluationOptions } from './reports.ope.ts';
export { createSyntheticBanditWorld, measureOpeCoverage, type CoverageResult, type SyntheticBanditWorld } from './reports.synthetic.ts';
export { computeBtsSlotProbabilities, parseBtsPriors, parseObdLog, reconstructLoggedSlotPolicy, type ObdLog } from './reports.obd.ts';
export type {
  ArmComparison, ArmStats, ArmSummary, CovariateValue, CupedResult, Experiment, ExperimentMapping, ExperimentReport, ImportResult,
  MetricReport, ReportInput, RowError, UnitRow,
} from './reports.types.ts';
export { createWorkerReports, ALL_WORKERS, type WorkerReports, type WorkerReport, type WorkerReportQuery, type PlacementReport } from './reports.workers.service.ts';
export { registerWorkerReportRoutes, snapshotOf } from './reports.workers.routes.ts';
export { createReportSnapshots, snapshotKey, type ReportSnapshots, type SnapshotOptions } from './reports.snapshots.ts';
export { buildWorkerReport, buildSeries, armStatsOf, expectedHoldoutShare, type Incrementality, type SeriesPoint } from './reports.workers.ts';
export { WORKER_METRICS, COHORTS, type Cohort, type UnitAggregate } from './reports.workers.store.ts';
export { registerPlacementReportRoutes } from './reports.placements.routes.ts';
export { listWorkerDecisions, registerWorkerDecisionRoutes } from './reports.worker-decisions.ts';
