/**
 * Audit: an append-only, hash-chained log of what Braid did and why: worker versions and status,
 * offer and guardrail changes, messages sent (with the consent relied on), decision summaries,
 * approvals. `verify` proves the chain intact up to its head; docs/audit.md says what it cannot.
 */
export { createAudit, VERIFY_PAGE, type AuditOptions } from './audit.service.ts';
export { registerAuditRoutes, type AuditRouteOptions } from './audit.routes.ts';
export { AUDIT_ACTIONS, GENESIS_HASH, canonicalJson, entryHash } from './audit.chain.ts';
export type { AuditEntry, AuditInput, AuditListQuery, AuditService, BreakReason, VerifyResult } from './audit.types.ts';
