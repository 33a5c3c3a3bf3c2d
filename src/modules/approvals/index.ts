/**
 * Approvals: risk tiers of template, block, offer and worker versions, the approval queue with four
 * eyes, and sampled review of low-risk versions. Owners submit each new version and serve only live
 * ones; see docs/governance.md.
 */
export { createApprovals, actorOf, type ApprovalsDeps } from './approvals.service.ts';
export { SETTING_FIELDS, type GovernanceSettings, type SettingsPatch, type SettingsView } from './approvals.settings.ts';
export { registerApprovalRoutes, ApprovalItemSchema } from './approvals.routes.ts';
export { assessRisk, maxTier, sampledForReview, statedDiscounts, RISK_TIERS, SUBJECT_KINDS, type AudienceEstimate, type RiskAssessment, type RiskFacts, type RiskReason, type RiskThresholds, type RiskTier, type SubjectKind } from './approvals.risk.ts';
export { APPROVAL_STATUSES } from './approvals.types.ts';
export type { ApprovalItem, ApprovalListQuery, ApprovalQueue, ApprovalStatus, ApprovalsService, LiveVersion, SubjectHandler, SubmitInput, Submission, Who } from './approvals.types.ts';
