/** The audit log's shapes. See docs/audit.md. */

/** What a caller appends: who did what to which subject, for which shopper, with what detail. */
export interface AuditInput {
  /** Who: `api`, `operator:NAME`, `worker:wkr_...`, `system`. */
  actor: string;
  /** What, as `area.verb`: `worker.version`, `offer.update`, `message.sent`, ... (AUDIT_ACTIONS). */
  action: string;
  subjectType: string;
  subjectId: string;
  /** The shopper concerned, when there is one (what was sent to them, why, under which consent). */
  profileId?: string | null | undefined;
  /** Detail; stored as JSON (undefined values dropped, as JSON.stringify does). Default {}. */
  data?: Record<string, unknown> | undefined;
}

/** One stored entry. `hash` = sha256(prevHash + canonical JSON of the fields above prevHash). */
export interface AuditEntry {
  seq: number;
  id: string;
  /** ISO-8601, millisecond precision, from the injected clock at append time. */
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  profileId: string | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditListQuery {
  profileId?: string | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  action?: string | undefined;
  /** Page: entries with seq strictly below this. */
  before?: number | undefined;
  limit: number;
}

export type BreakReason = 'hash_mismatch' | 'prev_hash_mismatch' | 'gap';

export interface VerifyResult {
  ok: boolean;
  /** Entries found intact (before the first broken one, if any). */
  checked: number;
  firstBroken?: { seq: number; id: string; reason: BreakReason };
  /** The last intact entry checked: export its hash to anchor the chain (docs/audit.md). */
  head?: { seq: number; hash: string } | null;
}

export interface AuditService {
  /** Appends in one transaction under an advisory lock; returns the stored entries in order. */
  append(entries: AuditInput[]): Promise<AuditEntry[]>;
  /** Recomputes the chain (from `fromSeq`, trusting the entry before it) and names the first break. */
  verify(opts?: { fromSeq?: number | undefined }): Promise<VerifyResult>;
  /** Newest first. */
  list(q: AuditListQuery): Promise<AuditEntry[]>;
  /** The entries about one shopper, newest first (default limit 1000). */
  forProfile(profileId: string, opts?: { before?: number | undefined; limit?: number | undefined }): Promise<AuditEntry[]>;
  /** The newest entry's seq and hash, or null when the log is empty. */
  head(): Promise<{ seq: number; hash: string } | null>;
}
