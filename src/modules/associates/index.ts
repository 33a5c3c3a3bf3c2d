/**
 * The associates module (muscle): the store associate's next-best for the customer in front of
 * them — who they are, conversation starters grounded in their data, and recommendations in
 * stock at this store — only with personalization consent. See docs/audiences.md.
 */
export { createAssociates, type AssociateCollaborators } from './associates.service.ts';
export { registerAssociateRoutes } from './associates.routes.ts';
export { buildStarters, firstNameOf } from './associates.starters.ts';
export type { AssociatesService, CustomerSummary, NextBest, Starter, StoreRecommendation } from './associates.types.ts';
