/**
 * The approval queue. Owners (content, offers, workers) submit every new version; the tier is
 * computed here (approvals.risk.ts) from the owner's facts with the configured thresholds. Medium
 * and high versions are held: the owner does not serve them, and the document waits in
 * approval_versions until an approver accepts it, when the owner's registered handler publishes
 * it. Four eyes: whoever submitted a version cannot decide on it. Every submit, decision and
 * publish is an audit entry.
 */
import { BraidError, invalid, isoNow, newId, notFound, type CoreDeps, type Principal } from '../../core/index.ts';
import type { AuditInput } from '../audit/index.ts';
import { assessRisk, sampledForReview, type SubjectKind } from './approvals.risk.ts';
import * as store from './approvals.store.ts';
import type { ApprovalItem, ApprovalsService, LiveVersion, SubjectHandler, Who } from './approvals.types.ts';

/** Roles that may accept or reject (the route table grants approvals:decide to the same roles). */
export const APPROVER_ROLES: readonly string[] = ['admin', 'approver'];
const SYSTEM: Who = { id: 'system', name: 'Braid' };

export const actorOf = (p: Principal | Who | undefined): string => (!p ? 'system' : 'kind' in p ? `${p.kind}:${p.id}` : p.id);
const whoOf = (p: Principal): Who => ({ id: p.id, name: p.name, role: p.role });

export interface ApprovalsDeps { audit?: { append(entries: AuditInput[]): Promise<unknown> } | undefined }

export function createApprovals(deps: CoreDeps, a: ApprovalsDeps = {}): ApprovalsService {
  const gov = deps.config.governance;
  const handlers = new Map<SubjectKind, SubjectHandler>();
  const live = new Map<string, LiveVersion>();
  const key = (kind: string, id: string) => `${kind}\u0000${id}`;
  const audit = async (entries: AuditInput[]) => { if (a.audit) await a.audit.append(entries); };
  const subject = (i: ApprovalItem) => ({ subjectType: i.kind, subjectId: i.subjectId });
  const summary = (i: ApprovalItem) => ({ approvalId: i.id, version: i.version, tier: i.tier, declaredTier: i.declaredTier, reasons: i.reasons.map((r) => r.code) });

  async function decideChecks(id: string, by: Principal): Promise<ApprovalItem & { document: unknown }> {
    const item = await store.getItem(deps.db, id);
    if (!item) throw notFound(`Approval ${id}`);
    if (!APPROVER_ROLES.includes(by.role)) throw new BraidError('forbidden', `Role ${by.role} may not decide approvals (needs approvals:decide: ${APPROVER_ROLES.join(' or ')})`, { field: 'principal' });
    if (item.submittedBy.id === by.id) {
      throw new BraidError('four_eyes', `Four eyes: ${by.name} submitted ${item.kind} ${item.subjectId} v${item.version} and cannot decide on it; another approver must`, { field: 'principal', submittedBy: item.submittedBy.id });
    }
    if (item.status !== 'pending' || item.queue === null) throw new BraidError('conflict', `Approval ${id} is ${item.status}, not pending`, { field: 'id', status: item.status });
    return item;
  }

  return {
    async start() {
      live.clear();
      for (const l of await store.loadLive(deps.db)) live.set(key(l.kind, l.subjectId), { version: l.version, tier: l.tier, approvalId: l.approvalId, approvedBy: l.approvedBy, submittedBy: l.submittedBy });
    },
    register(kind, handler) { handlers.set(kind, handler); },

    async submit(input) {
      const risk = assessRisk({ ...input.facts, kind: input.kind }, gov);
      const by = input.by ? whoOf(input.by) : SYSTEM;
      const { item, superseded } = await deps.db.transaction(async (tx) => {
        await store.lockSubject(tx, input.kind, input.subjectId);
        const version = input.version ?? (await store.lastVersion(tx, input.kind, input.subjectId)) + 1;
        const gated = gov.approvals && input.by !== undefined;
        const held = gated && risk.tier !== 'low';
        const sampled = gated && !held && sampledForReview(input.kind, input.subjectId, version, gov.samplePct);
        const it: ApprovalItem = {
          id: newId('apr', deps.clock), kind: input.kind, subjectId: input.subjectId, version, tier: risk.tier, declaredTier: risk.declared, reasons: risk.reasons,
          qa: input.qa ?? null, queue: held ? 'approval' : sampled ? 'sample' : null, status: held || sampled ? 'pending' : 'published',
          submittedBy: by, submittedAt: isoNow(deps.clock), decidedBy: null, decidedAt: null, comment: null,
        };
        // A newer version replaces any older one still held: approving that would publish a stale version.
        const n = await store.supersede(tx, input.kind, input.subjectId, version);
        await store.insert(tx, it, input.document);
        return { item: it, superseded: n };
      });
      const isLive = item.queue !== 'approval';
      if (isLive) live.set(key(item.kind, item.subjectId), store.liveOf(item));
      const entries: AuditInput[] = [{
        actor: actorOf(input.by), action: 'approval.submit', ...subject(item),
        data: { ...summary(item), queue: item.queue, status: item.status, held: !isLive, superseded, qaOk: item.qa?.ok, submittedBy: by },
      }];
      if (isLive) entries.push({ actor: actorOf(input.by), action: 'approval.publish', ...subject(item), data: { ...summary(item), publishedBy: 'auto', sampled: item.queue === 'sample' } });
      await audit(entries);
      return { item, live: isLive };
    },

    async approve(id, by, comment) {
      const item = await decideChecks(id, by);
      if (comment !== undefined && comment.length > 2000) throw invalid('comment', 'must be at most 2000 characters');
      if (item.queue === 'approval') {
        const h = handlers.get(item.kind);
        if (!h) throw new BraidError('unavailable', `No owner registered to publish ${item.kind} versions`);
        await h.publish(item, item.document);
      }
      const decided = await store.decide(deps.db, id, { status: 'approved', by: whoOf(by), at: isoNow(deps.clock), comment: comment ?? null });
      if (!decided) throw new BraidError('conflict', `Approval ${id} was decided or superseded meanwhile`, { field: 'id' });
      if (decided.queue === 'approval') live.set(key(decided.kind, decided.subjectId), store.liveOf(decided));
      const entries: AuditInput[] = [{ actor: actorOf(by), action: 'approval.accept', ...subject(decided), data: { ...summary(decided), queue: decided.queue, comment: decided.comment, submittedBy: decided.submittedBy, decidedBy: whoOf(by) } }];
      if (decided.queue === 'approval') entries.push({ actor: actorOf(by), action: 'approval.publish', ...subject(decided), data: { ...summary(decided), publishedBy: whoOf(by) } });
      await audit(entries);
      return decided;
    },

    async reject(id, by, comment) {
      if (typeof comment !== 'string' || comment.trim() === '') throw invalid('comment', 'is required when rejecting: say what must change');
      if (comment.length > 2000) throw invalid('comment', 'must be at most 2000 characters');
      await decideChecks(id, by);
      const decided = await store.decide(deps.db, id, { status: 'rejected', by: whoOf(by), at: isoNow(deps.clock), comment: comment.trim() });
      if (!decided) throw new BraidError('conflict', `Approval ${id} was decided or superseded meanwhile`, { field: 'id' });
      await audit([{ actor: actorOf(by), action: 'approval.reject', ...subject(decided), data: { ...summary(decided), queue: decided.queue, comment: decided.comment, submittedBy: decided.submittedBy, decidedBy: whoOf(by) } }]);
      return decided;
    },

    async list(q) {
      if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 500) throw invalid('limit', 'must be an integer from 1 to 500');
      return store.listItems(deps.db, q);
    },
    async get(id) {
      const item = await store.getItem(deps.db, id);
      if (!item) throw notFound(`Approval ${id}`);
      const preview = handlers.get(item.kind)?.preview?.(item, item.document);
      return preview === undefined ? item : { ...item, preview };
    },
    live: (kind, subjectId) => live.get(key(kind, subjectId)),
    held: (kind, subjectId) => store.newestHeld(deps.db, kind, subjectId),
  };
}
