/**
 * The consent module: an append-only ledger of what each profile allowed, per purpose, with a
 * default per jurisdiction when nothing is recorded. Other modules ask this module (check,
 * current); nothing else reads the consent tables. The profile projection writes through
 * record/reassign/setJurisdiction inside its own transaction.
 */
export { createConsent, validateCheck, validateJurisdiction, validateUpdate } from './consent.service.ts';
export { registerConsentRoutes } from './consent.routes.ts';
export { BUILTIN_RULES, normalizeCountry, regionOf } from './consent.policy.ts';
export { CONSENT_STATUSES, STANDARD_PURPOSES, isValidPurpose } from './consent.types.ts';
export type {
  ConsentDecision, ConsentInput, ConsentMode, ConsentRecord, ConsentService, ConsentStatus, PolicyRule, PolicyView, UpdateOptions,
} from './consent.types.ts';
