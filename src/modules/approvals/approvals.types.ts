/** Shapes of the approvals module. See docs/governance.md. */
import type { Principal } from '../../core/index.ts';
import type { RiskFacts, RiskReason, RiskTier, SubjectKind } from './approvals.risk.ts';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'published', 'superseded'] as const;
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
  facts: Omit<RiskFacts, 'kind'>;
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
}

/** The live version of a subject, for provenance on sends ("approved by whom"). */
export interface LiveVersion { version: number; tier: RiskTier; approvalId: string; approvedBy: Who | null; submittedBy: Who }

/** What each owning module registers for its kind. */
export interface SubjectHandler {
  /** Makes an accepted held version live (the owner writes it where it serves from). */
  publish(item: ApprovalItem, document: unknown): Promise<void>;
  /** Detail view: rendered previews (per channel for templates) and a fresh QA run. */
  preview?(item: ApprovalItem, document: unknown): unknown;
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
  /** Rejects a pending item (a comment is required); a held version never goes live. */
  reject(id: string, by: Principal, comment: string): Promise<ApprovalItem>;
  list(q: ApprovalListQuery): Promise<ApprovalItem[]>;
  get(id: string): Promise<ApprovalItem & { document: unknown; preview?: unknown }>;
  live(kind: SubjectKind, subjectId: string): LiveVersion | undefined;
  /** The newest version of a subject waiting for an approver, if any. */
  held(kind: SubjectKind, subjectId: string): Promise<ApprovalItem | undefined>;
}
