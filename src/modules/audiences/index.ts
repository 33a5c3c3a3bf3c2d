/**
 * The audiences module (muscle): retail-media and paid-social audiences built from a condition
 * over profiles, traits and preferences, honouring `ad_audience_sharing` consent and paid-media
 * suppression, exported as SHA-256-hashed emails and phones in Meta or Google Customer Match
 * format to a CSV file or a signed webhook, refreshed within minutes. See docs/audiences.md.
 */
export { createAudiences, type AudienceCollaborators, type AudienceOptions } from './audiences.service.ts';
export { registerAudienceRoutes } from './audiences.routes.ts';
export { CSV_HEADERS, hashIdentifier, normalizeEmailFor, normalizePhoneFor, renderCsv, sha256Hex } from './audiences.hash.ts';
export { signPayload } from './audiences.export.ts';
export type {
  Audience, AudienceFormat, AudienceInput, AudiencesService, AudienceStatus, AudienceView, ContactSource, Destination, ExportPayload,
  HashedMember, IdentifierKind, OwnedContact, RefreshResult, RefreshStatus,
} from './audiences.types.ts';
