/** Shapes of the approvals module. See docs/governance.md. */
import type { Principal } from '../../core/index.ts';
import type { AudienceEstimate, RiskFacts, RiskReason, RiskTier, SubjectKind } from './approvals.risk.ts';
import type { SettingsView } from './approvals.settings.ts';

/** retired: the subject was deleted (its once-live versions are never restored). */
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'published', 'superseded', 'retired'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
/** approval: held until decided; sample: already live, drawn for review; null: live, not queued. */
export type ApprovalQueue = 'approval' | 'sample' | null;

export interface Who { id: string; name: string; role?: string | undefined }

/** One submitted version of a subject, with its tier and where it stands. */
export interface ApprovalItem {
  id: string;
  kind: SubjectKind;
  subjectId: string;
  version: number;
  tier: RiskTier;
  declaredTier: RiskTier;
  reasons: RiskReason[];
  /** The automatic QA's verdict at submission (templates and blocks), or null. */
  qa: { ok: boolean; reasons: Array<{ rule: string; field?: string; message: string }> } | null;
  queue: ApprovalQueue;
  status: ApprovalStatus;
  submittedBy: Who;
  submittedAt: string;
  decidedBy: Who | null;
  decidedAt: string | null;
  comment: string | null;
}

export interface SubmitInput {
  kind: SubjectKind;
  subjectId: string;
  /** The owner's version number (workers); default the next after the last submitted. */
  version?: number | undefined;
  facts: Omit<RiskFacts, 'kind' | 'audience'>;
  /**
   * Counts how many shoppers the version may reach at once (workers: from segment membership or
   * recent trigger events), for the audience_size rule. Called with the configured threshold:
   * counting may stop once above it (the estimate then says `atLeast`).
   */
  audience?: ((stopAbove: number) => Promise<AudienceEstimate | undefined>) | undefined;
  /**
   * The document the owner serves now when Braid has no version of the subject on record yet
   * (seeded defaults, or written before approvals were recorded). Kept as version 0 so that
   * rejecting a sampled version 1 can fall back to it.
   */
  baseline?: unknown;
  qa?: ApprovalItem['qa'] | undefined;
  /** The whole version, kept so an accepted held version can be published exactly as submitted. */
  document: unknown;
  /** Who submitted it; undefined = Braid itself (seeding, migrations): publishes at once, not queued. */
  by?: Principal | undefined;
}

export interface Submission {
  item: ApprovalItem;
  /** True when the version may be used now (low, approvals off, or system); false when held. */
  live: boolean;
  /** The audience estimate the tier was computed with, when the owner gave one. */
  audience?: AudienceEstimate | undefined;
}

/** The live version of a subject, for provenance on sends ("approved by whom"). */
export interface LiveVersion { version: number; tier: RiskTier; approvalId: string; approvedBy: Who | null; submittedBy: Who }

/** What each owning module registers for its kind. */
export interface SubjectHandler {
  /** Makes an accepted held version live (the owner writes it where it serves from). */
  publish(item: ApprovalItem, document: unknown): Promise<void>;
  /** Detail view: rendered previews (per channel for templates) and a fresh QA run. */
  preview?(item: ApprovalItem, document: unknown): unknown;
  /**
   * Takes a rejected sampled version off (it was live): the owner serves `fallback` (the newest
   * earlier version still live-eligible, exactly as submitted) instead, or, when null, takes the
   * subject off (a template archived, a block back to draft, an offer paused, a worker with no
   * live version) and stops what was using it.
   */
  unpublish?(item: ApprovalItem, fallback: { item: ApprovalItem; document: unknown } | null): Promise<void>;
}

export interface ApprovalListQuery { status?: ApprovalStatus | undefined; kind?: SubjectKind | undefined; subjectId?: string | undefined; before?: string | undefined; limit: number }

export interface ApprovalsService {
  /** Loads the live versions into memory. */
  start(): Promise<void>;
  register(kind: SubjectKind, handler: SubjectHandler): void;
  /** Assesses a new version's tier and records it: held in the queue (medium, high), or live (low; a sample queued for review). */
  submit(input: SubmitInput): Promise<Submission>;
  /** Accepts a pending item; a held version is published. Four eyes: not by its submitter. */
  approve(id: string, by: Principal, comment?: string | undefined): Promise<ApprovalItem>;
  /**
   * Rejects a pending item (a comment is required); a held version never goes live. A rejected
   * sampled version that is still the live one is unpublished: its owner falls back to the newest
   * earlier live version, or takes the subject off when there is none (`approval.unpublish`).
   */
  reject(id: string, by: Principal, comment: string): Promise<ApprovalItem>;
  /** The subject was deleted: its versions are never restored, its held ones are superseded. */
  retire(kind: SubjectKind, subjectId: string, by?: Principal | undefined): Promise<void>;
  /** The effective governance settings (the environment's defaults with the API's overrides), read from the database. */
  settings(): Promise<SettingsView>;
  /** Overrides settings (null: back to the environment's default); audited as config.change with before and after. */
  updateSettings(patch: unknown, by: Principal): Promise<SettingsView>;
  list(q: ApprovalListQuery): Promise<ApprovalItem[]>;
  get(id: string): Promise<ApprovalItem & { document: unknown; preview?: unknown }>;
  live(kind: SubjectKind, subjectId: string): LiveVersion | undefined;
  /** The newest version of a subject waiting for an approver, if any. */
  held(kind: SubjectKind, subjectId: string): Promise<ApprovalItem | undefined>;
}
