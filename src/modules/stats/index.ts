/**
 * The stats module: pure statistics, no I/O, no clock, imports nothing outside itself. Every
 * layer may use it. Distributions, two-sample tests from sufficient statistics (Welch, delta
 * method, ratio metrics, CUPED, SRM), regression, uplift models and their evaluation (Qini,
 * AUUC), off-policy estimators (IPS, SNIPS, DM, DR), and a seeded PRNG with Beta/Gamma/Normal
 * samplers for Thompson sampling. Formulas and CI methods: docs/statistics.md.
 */
export { erfc, logBeta, logGamma, regularizedBeta, regularizedBetaPair, regularizedGammaPair } from './stats.special.ts';
export {
  chiSquareCdf, chiSquareSf, normalCdf, normalPdf, normalQuantile, normalSf,
  studentTCdf, studentTPdf, studentTQuantile, studentTSf, studentTTwoSidedP,
} from './stats.distributions.ts';
export {
  addPairedStats, addSampleStats, computePairedStats, computeRatioVariance, computeSampleStats, covarianceOf, meanOf, varianceOf,
  xStatsOf, yStatsOf, type PairedStats, type SampleStats,
} from './stats.moments.ts';
export {
  compareAbsolute, compareMetric, compareRelative, computeWelchDf, summarizeMean, summarizeRatio, welchTest,
  type Comparison, type Estimate, type MetricSummary, type TestOptions,
} from './stats.ttest.ts';
export { compareCuped, computeCupedTheta, summarizeCuped, type CupedComparison } from './stats.cuped.ts';
export { SRM_P_THRESHOLD, testSampleRatio, type SrmResult } from './stats.srm.ts';
export {
  computeFunctionalVariance, fitLinearRegression, fitLogisticRegression, predictLinear, predictLogistic, solveSymmetricPositiveDefinite,
  type FitOptions, type LinearModel,
} from './stats.regression.ts';
export {
  computeUpliftAtTop, computeUpliftCurves, evaluateUpliftScores, fitTransformedOutcomeUplift, fitTwoModelUplift, predictTransformedOutcome, predictUplift, sampleUpliftCurve,
  type OutcomeKind, type TransformedOutcomeUplift, type TwoModelUplift, type UpliftCurvePoint, type UpliftEvaluation,
} from './stats.uplift.ts';
export {
  estimateDirectMethod, estimateDoublyRobust, estimateIps, estimatePolicyValue, estimateSnips,
  type LoggedDecision, type OpeEstimate, type OpeMethod, type OpeOptions, type PolicyValueEstimates,
} from './stats.ope.ts';
export { createRng, createXoshiro128, sampleBeta, sampleGamma, sampleNormal, type Rng } from './stats.rng.ts';
export { estimateThompsonSlotProbabilities } from './stats.bandit.ts';
