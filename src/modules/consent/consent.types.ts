/**
 * The consent module's public types. Other modules (the profile projection, messaging, audience
 * sync) depend on these names; they never read the consent tables themselves.
 */
import type { Page, Queryable } from '../../core/index.ts';

export type ConsentStatus = 'granted' | 'denied' | 'revoked';
export const CONSENT_STATUSES: readonly ConsentStatus[] = ['granted', 'denied', 'revoked'];

export type ConsentMode = 'opt_in' | 'opt_out';

/**
 * The purposes every profile reports (with their default when nothing is recorded). Purposes are
 * extensible: any name matching PURPOSE_PATTERN may be recorded and checked.
 */
export const STANDARD_PURPOSES: readonly string[] = Object.freeze([
  'email_marketing', 'sms_marketing', 'push_marketing', 'personalization', 'profiling', 'ad_audience_sharing',
]);

export const PURPOSE_PATTERN = '^[a-z][a-z0-9_]{1,63}$';
const PURPOSE_RE = new RegExp(PURPOSE_PATTERN);

export function isValidPurpose(p: string): boolean {
  return typeof p === 'string' && PURPOSE_RE.test(p);
}

/**
 * One consent statement to append. `status: true` means granted; `false` means revoked when the
 * latest earlier record for the purpose was granted, else denied. `at` is when the person made
 * the choice (the message time); `source` says what carried it (identify, track, api, ...);
 * `evidence` is kept verbatim (e.g. {messageId}). `jurisdiction` is the country at that time.
 */
export interface ConsentInput {
  profileId: string;
  purpose: string;
  status: ConsentStatus | boolean;
  at: string;
  source: string;
  evidence: Record<string, unknown>;
  jurisdiction?: string;
}

export interface ConsentRecord {
  id: string;
  profileId: string;
  purpose: string;
  status: ConsentStatus;
  /** ISO-8601: when the choice was made. */
  at: string;
  /** ISO-8601: when Braid stored it. */
  recordedAt: string;
  source: string;
  evidence: Record<string, unknown>;
  jurisdiction?: string;
  /** Set when the record was written for a profile that later merged into `profileId`. */
  originalProfileId?: string;
}

export interface ConsentDecision {
  allowed: boolean;
  purpose: string;
  /** The latest recorded status, or null when the answer comes from the default. */
  status: ConsentStatus | null;
  basis: 'recorded' | 'default';
  /** The jurisdiction the answer was made for: a country code, or '*' when unknown. */
  jurisdiction: string;
  /** A sentence for people (support, audits), e.g. "granted on … via identify (message m-1)". */
  reason: string;
  record?: ConsentRecord;
}

export interface PolicyRule {
  /** A country code (ISO 3166 alpha-2), a region (EU) or '*'. */
  jurisdiction: string;
  /** A purpose or '*' (any purpose without a rule of its own in that jurisdiction). */
  purpose: string;
  mode: ConsentMode;
}

export interface PolicyView {
  /** Operator overrides stored in the database; they take precedence at the same jurisdiction level. */
  rules: PolicyRule[];
  /** The built-in defaults, for reference. */
  builtin: PolicyRule[];
}

export interface UpdateOptions { source?: string; evidence?: Record<string, unknown>; at?: string }

export interface ConsentService {
  /**
   * Appends records in bulk (at most two statements). Boolean statuses are resolved against the
   * latest earlier record per purpose, counting earlier inputs of the same call. Pass `tx` to
   * write inside the caller's transaction (the profile projection does). `profileId` must be
   * the live (canonical) profile.
   */
  record(inputs: ConsentInput[], tx?: Queryable): Promise<ConsentRecord[]>;
  /** Profile merge: moves every record (and the jurisdiction, if newer) to the survivor. */
  reassign(fromProfileId: string, toProfileId: string, tx?: Queryable): Promise<void>;
  /** Remembers where a profile lives. Values that are not a recognisable country are ignored. */
  setJurisdiction(profileId: string, country: string, tx?: Queryable): Promise<void>;
  /** May we use this profile's data for `purpose`? One indexed statement. */
  check(profileId: string, purpose: string, opts?: { jurisdiction?: string }): Promise<ConsentDecision>;
  /** `check` for many (profile, purpose) pairs in one statement, answers in the same order (senders of a batch). */
  checkMany(pairs: ReadonlyArray<{ profileId: string; purpose: string }>): Promise<ConsentDecision[]>;
  /** Current state per purpose: every recorded purpose plus the standard ones. */
  current(profileId: string, opts?: { jurisdiction?: string }): Promise<Record<string, ConsentDecision>>;
  /** The whole ledger of the profile, newest first. */
  history(profileId: string): Promise<ConsentRecord[]>;
  /** The ledger a keyset page at a time, newest first (`limit` and `cursor` in, `nextCursor` out). */
  historyPage(profileId: string, q: { cursor?: string | undefined; limit: number }): Promise<Page<ConsentRecord>>;
  /**
   * The PUT /v1/profiles/{ref}/consent operation: records each purpose (source default `api`,
   * `at` default now) and returns the new current state. Errors name body fields (`purposes.x`).
   */
  update(profileId: string, purposes: Record<string, ConsentStatus | boolean>, opts?: UpdateOptions): Promise<Record<string, ConsentDecision>>;
  /** The stored overrides and the built-in defaults. */
  policy(): Promise<PolicyView>;
  /**
   * Called after records are written (or moved, or the policy changes: 'all'), in this process,
   * so caches of consent (decisioning) drop stale answers. Inside a caller's transaction it fires
   * before commit; the caller's own post-commit hook (the projection's onApplied) covers that.
   */
  onChange(listener: (profileIds: string[] | 'all') => void): () => void;
  /** Replaces every stored override with `rules`. */
  setPolicy(rules: PolicyRule[]): Promise<PolicyView>;
}
