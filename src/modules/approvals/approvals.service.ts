/**
 * The approval queue. Owners (content, offers, workers) submit every new version; the tier is
 * computed here (approvals.risk.ts) from the owner's facts with the governance settings. Medium
 * and high versions are held: the owner does not serve them, and the document waits in
 * approval_versions until an approver accepts it, when the owner's registered handler publishes
 * it. A low version is live at once; when a sampled one is rejected, the owner falls back to the
 * newest earlier live version. Four eyes: whoever submitted a version cannot decide on it. Every
 * submit, decision, publish and unpublish is an audit entry.
 *
 * Settings: the environment's values (config.governance) overridden by the API's, read from the
 * database on every submit, so a change made on one process applies on all at once.
 */
import { BraidError, invalid, isoNow, newId, notFound, type CoreDeps, type Principal } from '../../core/index.ts';
import type { AuditInput } from '../audit/index.ts';
import { assessRisk, sampledForReview, type AudienceEstimate, type SubjectKind } from './approvals.risk.ts';
import { applyPatch, changesOf, cleanOverrides, effective, parseSettingsPatch, SETTING_FIELDS, type SettingsView } from './approvals.settings.ts';
import * as store from './approvals.store.ts';
import type { ApprovalItem, ApprovalsService, LiveVersion, SubjectHandler, Who } from './approvals.types.ts';

const SYSTEM: Who = { id: 'system', name: 'Braid' };

export const actorOf = (p: Principal | Who | undefined): string => (!p ? 'system' : 'kind' in p ? `${p.kind}:${p.id}` : p.id);
const whoOf = (p: Principal): Who => ({ id: p.id, name: p.name, role: p.role });

export interface ApprovalsDeps { audit?: { append(entries: AuditInput[]): Promise<unknown> } | undefined }

export function createApprovals(deps: CoreDeps, a: ApprovalsDeps = {}): ApprovalsService {
  const defaults = deps.config.governance;
  const handlers = new Map<SubjectKind, SubjectHandler>();
  const live = new Map<string, LiveVersion>();
  const key = (kind: string, id: string) => `${kind}\u0000${id}`;
  const audit = async (entries: AuditInput[]) => { if (a.audit) await a.audit.append(entries); };
  const subject = (i: ApprovalItem) => ({ subjectType: i.kind, subjectId: i.subjectId });
  const summary = (i: ApprovalItem) => ({ approvalId: i.id, version: i.version, tier: i.tier, declaredTier: i.declaredTier, reasons: i.reasons.map((r) => r.code) });

  async function decideChecks(id: string, by: Principal): Promise<ApprovalItem & { document: unknown }> {
    const item = await store.getItem(deps.db, id);
    if (!item) throw notFound(`Approval ${id}`);
    // Who may decide at all is the route table's (approvals:decide); four eyes is checked here.
    if (item.submittedBy.id === by.id) {
      throw new BraidError('four_eyes', `Four eyes: ${by.name} submitted ${item.kind} ${item.subjectId} v${item.version} and cannot decide on it; another approver must`, { field: 'principal', submittedBy: item.submittedBy.id });
    }
    if (item.status !== 'pending' || item.queue === null) throw new BraidError('conflict', `Approval ${id} is ${item.status}, not pending`, { field: 'id', status: item.status });
    return item;
  }

  async function settings(): Promise<SettingsView> {
    const row = await store.loadSettings(deps.db);
    const overrides = cleanOverrides(row?.overrides);
    return {
      settings: effective(defaults, overrides), defaults: { ...defaults }, overridden: SETTING_FIELDS.filter((f) => overrides[f] !== undefined),
      updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedBy ?? null,
    };
  }

  return {
    settings,
    async updateSettings(input, by) {
      const patch = parseSettingsPatch(input);
      const { before, after } = await deps.db.transaction(async (tx) => {
        await store.lockSettings(tx);
        const row = await store.loadSettings(tx);
        const prev = cleanOverrides(row?.overrides);
        const next = applyPatch(prev, patch);
        await store.saveSettings(tx, next, isoNow(deps.clock), whoOf(by));
        return { before: effective(defaults, prev), after: effective(defaults, next) };
      });
      await audit([{
        actor: actorOf(by), action: 'config.change', subjectType: 'governance_settings', subjectId: 'global',
        data: { route: '/v1/governance/settings', patch, before, after, changes: changesOf(before, after), principal: whoOf(by) },
      }]);
      return settings();
    },

    async start() {
      live.clear();
      for (const l of await store.loadLive(deps.db)) live.set(key(l.kind, l.subjectId), { version: l.version, tier: l.tier, approvalId: l.approvalId, approvedBy: l.approvedBy, submittedBy: l.submittedBy });
    },
    register(kind, handler) { handlers.set(kind, handler); },

    async submit(input) {
      const gov = (await settings()).settings;
      const audience: AudienceEstimate | undefined = input.audience ? await input.audience(gov.maxAutoAudience) : undefined;
      const risk = assessRisk({ ...input.facts, audience, kind: input.kind }, gov);
      const by = input.by ? whoOf(input.by) : SYSTEM;
      const { item, superseded } = await deps.db.transaction(async (tx) => {
        await store.lockSubject(tx, input.kind, input.subjectId);
        const last = await store.lastVersion(tx, input.kind, input.subjectId);
        // The first version Braid records of a subject that exists already: what is served now becomes version 0, the fallback.
        if (last === 0 && input.baseline !== undefined && input.version === undefined) {
          const at = isoNow(deps.clock);
          await store.insert(tx, {
            id: newId('apr', deps.clock), kind: input.kind, subjectId: input.subjectId, version: 0, tier: 'low', declaredTier: 'low',
            reasons: [{ code: 'baseline', tier: 'low', message: 'the version served before Braid recorded versions of it (seeded, or written before approvals)' }],
            qa: null, queue: null, status: 'published', submittedBy: SYSTEM, submittedAt: at, decidedBy: null, decidedAt: null, comment: null,
          }, input.baseline);
        }
        const version = input.version ?? last + 1;
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
        data: { ...summary(item), queue: item.queue, status: item.status, held: !isLive, superseded, qaOk: item.qa?.ok, submittedBy: by, audience },
      }];
      if (isLive) entries.push({ actor: actorOf(input.by), action: 'approval.publish', ...subject(item), data: { ...summary(item), publishedBy: 'auto', sampled: item.queue === 'sample' } });
      await audit(entries);
      return { item, live: isLive, audience };
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
      const entries: AuditInput[] = [{ actor: actorOf(by), action: 'approval.reject', ...subject(decided), data: { ...summary(decided), queue: decided.queue, comment: decided.comment, submittedBy: decided.submittedBy, decidedBy: whoOf(by) } }];
      // A sampled version was live since submission. If it still is (no newer live version), take
      // it off: the owner serves the newest earlier live version, or nothing. The decision is
      // recorded first, so a failing owner leaves a rejected version to retry by hand, never an
      // unpublished one that still counts as pending.
      if (decided.queue === 'sample') {
        const fallback = await store.newestLive(deps.db, decided.kind, decided.subjectId);
        if (!fallback || fallback.version < decided.version) {
          await handlers.get(decided.kind)?.unpublish?.(decided, fallback ? { item: fallback, document: fallback.document } : null);
          if (fallback) live.set(key(decided.kind, decided.subjectId), store.liveOf(fallback));
          else live.delete(key(decided.kind, decided.subjectId));
          entries.push({
            actor: actorOf(by), action: 'approval.unpublish', ...subject(decided),
            data: { ...summary(decided), fallbackVersion: fallback?.version ?? null, fallbackApprovalId: fallback?.id ?? null, takenOff: !fallback, decidedBy: whoOf(by) },
          });
        }
      }
      await audit(entries);
      return decided;
    },

    async retire(kind, subjectId, by) {
      const n = await store.retire(deps.db, kind, subjectId);
      live.delete(key(kind, subjectId));
      if (n.retired + n.superseded > 0) await audit([{ actor: actorOf(by), action: 'approval.retire', subjectType: kind, subjectId, data: { ...n } }]);
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
