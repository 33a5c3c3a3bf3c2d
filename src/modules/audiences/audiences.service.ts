/**
 * The audiences service: paid-media audience definitions, refreshed on a timer and on demand.
 * A refresh scans every profile, keeps those matching the definition that allow
 * `ad_audience_sharing` and are not paid-suppressed, hashes their emails and phones for the
 * audience's platform, exports the difference from the last exported membership, and only then
 * records the new membership (so a failed export is retried whole at the next refresh).
 */
import { unlink } from 'node:fs/promises';
import { BraidError, evaluateCondition, invalid, newId, notFound, type Condition, type CoreDeps } from '../../core/index.ts';
import type { ConsentService } from '../consent/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { ProfileService } from '../profiles/index.ts';
import type { TraitsService } from '../traits/index.ts';
import { postWebhook, resolveExportPath, writeCsvFile } from './audiences.export.ts';
import { hashIdentifier } from './audiences.hash.ts';
import { diffMembers, memberKey, scopeOf, suppressionReason } from './audiences.membership.ts';
import { validateAudienceInput } from './audiences.schemas.ts';
import {
  applyRefresh, claimRefresh, deleteAudience, dueAudiences, insertAudience, listAudiences, loadAudienceRow, loadMembership,
  pageMembers, recordFailure, updateAudience,
} from './audiences.store.ts';
import type { Audience, AudiencesService, ContactSource, ExportPayload, IdentifierKind, RefreshResult } from './audiences.types.ts';

export interface AudienceCollaborators {
  profiles: Pick<ProfileService, 'scan'>;
  identity: Pick<IdentityService, 'identities'>;
  consent: Pick<ConsentService, 'check'>;
  traits: Pick<TraitsService, 'peek' | 'get' | 'peekPreferences' | 'preferences'>;
  contacts: ContactSource;
}

export interface AudienceOptions {
  /** How often the timer looks for due audiences (real time); default 30 s. */
  tickMs?: number;
  /** Profiles read per scan page; default 500. */
  pageSize?: number;
}

const HOUR = 3_600_000;
/** A refresh holds its lease this long at most; a crashed process's lease then expires. */
const LEASE_MS = 10 * 60_000;

/** Which parts of the scope a condition reads, so traits and preferences are loaded only when used. */
function rootsOf(c: Condition, out = new Set<string>()): Set<string> {
  if ('all' in c) c.all.forEach((x) => rootsOf(x, out));
  else if ('any' in c) c.any.forEach((x) => rootsOf(x, out));
  else if ('not' in c) rootsOf(c.not, out);
  else out.add(c.path.split('.')[0]!);
  return out;
}

export function createAudiences(deps: CoreDeps, c: AudienceCollaborators, opts: AudienceOptions = {}): AudiencesService {
  const { db, clock, log, config } = deps;
  const sensitive = config.brain.sensitiveTraits;
  const tickMs = opts.tickMs ?? 30_000;
  const pageSize = opts.pageSize ?? 500;
  const inflight = new Map<string, Promise<RefreshResult>>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let stopped = true;

  const load = async (id: string) => {
    const row = await loadAudienceRow(db, id);
    if (!row) throw notFound(`Audience ${id}`);
    return row;
  };
  const fileOf = (a: Audience) => a.destination.type === 'file' ? resolveExportPath(config.dataDir, a.id, a.format, a.destination.path) : undefined;

  const build = (raw: unknown, id: string | undefined, createdAt?: string): Audience => {
    const v = validateAudienceInput(raw, sensitive);
    const now = new Date(clock.now()).toISOString();
    const a: Audience = {
      id: id ?? v.id ?? newId('aud', clock), name: v.name, where: v.where, destination: v.destination, format: v.format,
      refreshMinutes: v.refreshMinutes, status: v.status, createdAt: createdAt ?? now, updatedAt: now,
    };
    fileOf(a); // refuses a path outside <dataDir>/audiences
    return a;
  };

  /** memberKey -> profile id of everyone who belongs now, and the same grouped per profile. */
  async function computeMembers(a: Audience, nowMs: number) {
    const roots = rootsOf(a.where);
    const hours = config.muscle.guardrails.paidSuppressionHours;
    const next = new Map<string, string>();
    const people = new Map<string, Record<IdentifierKind, string[]>>();
    let after = '';
    for (;;) {
      const page = await c.profiles.scan(after, pageSize);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const matching = [];
      for (const p of page) {
        const traits = roots.has('traits') ? c.traits.peek(p.id) ?? await c.traits.get(p.id).catch(() => undefined) : undefined;
        const prefs = roots.has('preferences') ? c.traits.peekPreferences(p.id) ?? await c.traits.preferences(p.id).catch(() => undefined) : undefined;
        if (evaluateCondition(a.where, scopeOf(p, traits, prefs, sensitive), nowMs)) matching.push(p);
      }
      const contacts = matching.length > 0 && hours > 0 ? await c.contacts.contacts(matching.map((p) => p.id), nowMs - hours * HOUR) : new Map();
      for (const p of matching) {
        if (suppressionReason(p, contacts.get(p.id) ?? [], nowMs, hours)) continue;
        if (!(await c.consent.check(p.id, 'ad_audience_sharing')).allowed) continue;
        const hashes: Record<IdentifierKind, string[]> = { email: [], phone: [] };
        for (const row of await c.identity.identities(p.id)) {
          if (row.type !== 'email' && row.type !== 'phone') continue;
          const h = hashIdentifier(a.format, row.type, row.value);
          if (h === undefined || next.has(memberKey(row.type, h))) continue;
          next.set(memberKey(row.type, h), p.id);
          hashes[row.type].push(h);
        }
        if (hashes.email.length + hashes.phone.length > 0) people.set(p.id, hashes);
      }
      if (page.length < pageSize) break;
    }
    return { next, people };
  }

  async function runRefresh(id: string): Promise<RefreshResult> {
    const { audience: a } = await load(id);
    const nowMs = clock.now();
    const at = new Date(nowMs).toISOString();
    if (!(await claimRefresh(db, id, nowMs, nowMs + LEASE_MS))) return { audienceId: id, at, profiles: 0, adds: 0, removes: 0, ran: false };
    try {
      const { next, people } = await computeMembers(a, nowMs);
      const d = diffMembers(await loadMembership(db, id), next);
      if (a.destination.type === 'file') {
        await writeCsvFile(fileOf(a)!, a.format, people.values());
      } else if (d.adds.length + d.removes.length > 0) {
        const split = (kind: IdentifierKind) => ({ adds: d.adds.filter((x) => x.kind === kind).map((x) => x.hash), removes: d.removes.filter((x) => x.kind === kind).map((x) => x.hash) });
        const payload: ExportPayload = {
          audience: { id: a.id, name: a.name }, format: a.format,
          adds: d.adds.map((x) => x.hash), removes: d.removes.map((x) => x.hash), byType: { email: split('email'), phone: split('phone') }, at,
        };
        await postWebhook(a.destination, config.muscle.channels.webhookSecret, payload, nowMs);
      }
      let emails = 0;
      for (const k of next.keys()) if (k.startsWith('email:')) emails++;
      const counts = { profiles: people.size, emails, phones: next.size - emails };
      await db.transaction((tx) => applyRefresh(tx, id, { ...d, counts }, nowMs));
      log.info({ audience: id, ...counts, adds: d.adds.length, removes: d.removes.length }, 'audience refreshed');
      return { audienceId: id, at, profiles: counts.profiles, adds: d.adds.length, removes: d.removes.length, ran: true };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await recordFailure(db, id, message, clock.now()).catch(() => undefined);
      log.warn({ err, audience: id }, 'audience refresh failed');
      throw new BraidError('unavailable', `Audience ${id} refresh failed: ${message}`);
    }
  }

  /** One refresh per audience at a time in this process; callers during a run share its result. */
  function refresh(id: string): Promise<RefreshResult> {
    let p = inflight.get(id);
    if (!p) {
      p = runRefresh(id).finally(() => inflight.delete(id));
      inflight.set(id, p);
    }
    return p;
  }

  async function tick(): Promise<void> {
    for (const id of await dueAudiences(db, clock.now())) {
      if (stopped) return;
      await refresh(id).catch(() => undefined); // recorded in the audience's status
    }
  }
  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      ticking = tick().catch((err) => log.error({ err }, 'audience refresh tick failed')).finally(() => { ticking = undefined; schedule(); });
    }, tickMs);
    timer.unref();
  }

  return {
    view(a) {
      const destination = a.destination.type === 'file'
        ? { type: 'file' as const, path: fileOf(a)! }
        : { type: 'webhook' as const, url: a.destination.url, secretSet: a.destination.secret !== undefined };
      return { ...a, destination };
    },
    list: () => listAudiences(db),
    get: async (id) => (await load(id)).audience,
    async create(input) {
      const a = build(input, undefined);
      if (!(await insertAudience(db, a))) throw new BraidError('conflict', `Audience ${a.id} already exists`, { field: 'id' });
      return a;
    },
    async update(id, input) {
      const before = (await load(id)).audience;
      const body = input as { id?: unknown } | null;
      if (body && typeof body === 'object' && body.id !== undefined && body.id !== id) throw invalid('id', `must equal the path id "${id}"`);
      const a = build(input, id, before.createdAt);
      // A new destination or format starts from nothing: its first export carries every member.
      const reset = JSON.stringify(a.destination) !== JSON.stringify(before.destination) || a.format !== before.format;
      await db.transaction(async (tx) => {
        if (!(await updateAudience(tx, a))) throw notFound(`Audience ${id}`);
        if (reset) await tx.query(`delete from audience_members where audience_id = $1`, [id]);
      });
      return a;
    },
    async remove(id) {
      const { audience: a } = await load(id);
      await inflight.get(id)?.catch(() => undefined);
      if (!(await deleteAudience(db, id))) throw notFound(`Audience ${id}`);
      // The export file holds hashed personal data of a list nobody maintains any more.
      const file = fileOf(a);
      if (file) await unlink(file).catch(() => undefined);
    },
    refresh,
    status: async (id) => (await load(id)).status,
    async members(id, o) {
      await load(id);
      let after: { kind: string; hash: string } | undefined;
      if (o.after !== undefined) {
        const m = /^(email|phone):([0-9a-f]{64})$/.exec(o.after);
        if (!m) throw invalid('after', 'must be a cursor returned as nextCursor');
        after = { kind: m[1]!, hash: m[2]! };
      }
      const items = await pageMembers(db, id, o.limit, after);
      const last = items[items.length - 1];
      return { items, nextCursor: items.length === o.limit && last ? `${last.type}:${last.hash}` : null };
    },
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await ticking;
      await Promise.all([...inflight.values()].map((p) => p.catch(() => undefined)));
    },
  };
}
