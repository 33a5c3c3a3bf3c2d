/**
 * Decisioning, the brain: next-best-action for one shopper at one moment, scored by expected
 * contribution margin under guardrails, logged with propensities, and learning from outcomes.
 * Pure parts (features, model, policy, candidates, engine) are exported for tests and the
 * simulator; the service holds the in-memory state.
 */
export { createDecisioning, type DecisionService, type DecisioningDeps } from './decisioning.service.ts';
export { registerDecisionRoutes } from './decisioning.routes.ts';
export type { ProductSource, ProductSuggestion } from './decisioning.candidates.ts';
export { preferenceStrengths, type ShopperExtras } from './decisioning.snapshot.ts';
export { FEATURES } from './decisioning.features.ts';
export type { DecideRequest, DecisionResult, ChosenAction, PlacementDef, ActionDef, ActionType, CampaignPromise } from './decisioning.types.ts';
export type { StoredDecision, DecisionSummary, EvaluationRow } from './decisioning.log.ts';
