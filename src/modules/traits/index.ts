/**
 * The traits module: computed traits kept current from the profile projection (RFM, lifecycle,
 * CLV with BG/NBD + Gamma-Gamma, replenishment, discount sensitivity, price tier, preferred
 * categories, best send hour, channel responsiveness) and the shopper preference model (declared
 * and inferred). Other modules read traits through TraitsService.peek/get; the pure models are
 * exported for evaluations and for other layers' tests. See docs/traits.md.
 */
export { createTraits, type TraitsOptions } from './traits.service.ts';
export { registerTraitsRoutes } from './traits.routes.ts';
export {
  bgNbdLogLikelihood, bgNbdTotalLogLikelihood, expectedPurchases, expectedPurchasesNew, fitBgNbd, probabilityAlive,
  type BgNbdFit, type BgNbdParams, type RfmSummary,
} from './traits.bgnbd.ts';
export {
  DEFAULT_CLV, discountedClv, expectedAverageSpend, fitGammaGamma, gammaGammaLogLikelihood,
  type ClvOptions, type GammaGammaFit, type GammaGammaParams, type SpendSummary,
} from './traits.gamma-gamma.ts';
export { summarizePurchases, summarizeTransactions, type CustomerSummary, type Purchase } from './traits.summary.ts';
export { CDNOW_BGNBD, CDNOW_GAMMA_GAMMA, DEFAULT_MODEL } from './traits.model.ts';
export { DEFAULT_PREFERENCES } from './traits.preferences.ts';
export { CHANNEL_EVENTS, responseRate } from './traits.activity.ts';
export type {
  Channel, ChannelScore, ClvTraits, ComputedTraits, LifecycleStage, PreferenceKind, PreferenceOrigin, PreferenceSource, PreferenceValue,
  PreferenceVariable, PreferenceView, Replenishment, RfmScores, TraitModel, TraitsService,
} from './traits.types.ts';
