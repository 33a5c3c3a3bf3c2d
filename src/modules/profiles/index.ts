export { createProfiles, type ProfileService, type ProfileView } from './profiles.service.ts';
export type { Projector, AppliedBatch } from './profiles.projector.ts';
export { registerProfileRoutes } from './profiles.routes.ts';
export type { ProfileState, CartItem, ViewItem, Signals, OrderSummary, OrderRow } from './profiles.types.ts';
