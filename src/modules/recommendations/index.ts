/**
 * The recommendations module (brain layer): item-to-item (co-purchase, co-view), user-to-item
 * (EASE), trending and seasonal by segment, replenishment and starter kits, post-purchase
 * cross-sell and association rules, served from memory with the business rules applied, and
 * re-ranking for search and category pages. See docs/recommendations.md.
 */
export { evaluate, splitByTime, shoppersFrom, type EvalReport, type EvalRow } from './recommendations.evaluate.ts';
export { readOnlineRetail, readGroceries, hasFile, PRODUCT_STOCK_CODE } from './recommendations.datasets.ts';
export { mineAssociationRules, type AssociationRule, type RuleOptions } from './recommendations.rules.ts';
export { trainModel, type RecModel, type TrainingData, type TrainOptions, type PurchaseRecord, type ViewRecord } from './recommendations.train.ts';
export { recommendFrom, rerankFrom, STRATEGIES, type RecItem, type RecSource, type RecommendRequest, type RerankRequest, type Strategy } from './recommendations.serve.ts';
export { hitAtK, ndcgAtK, catalogCoverage } from './recommendations.metrics.ts';
export { createRecommendations, type RecommendationService, type RecommendationCollaborators, type RetrainResult, type RecommendationStatus } from './recommendations.service.ts';
export { registerRecommendationRoutes } from './recommendations.routes.ts';
export { isDurable } from './recommendations.shoppers.ts';
export type { ServeOptions } from './recommendations.serve.ts';
