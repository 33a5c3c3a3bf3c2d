/**
 * The offer menu and governance policy, held in memory for the decision hot path and written
 * through to the database. Budget spend is reserved in memory at decision time and flushed in
 * batches; on start, today's spend is read back, so a restart never resets a budget.
 *
 * Several processes: each reserves against the spend it last read plus its own; `reload()` on a
 * timer re-reads the shared totals. Until the database learns of a reservation it can be
 * overspent by at most what the other processes reserved in one flush interval (1 s); run budget-
 * critical offers on one process or lower their budgets by that margin.
 */
import { compileValidator, invalid, notFound, type CoreDeps, type Principal } from '../../core/index.ts';
import { actorOf, type ApprovalsService, type Submission } from '../approvals/index.ts';
import type { AuditInput } from '../audit/index.ts';
import { DEFAULT_POLICY, OfferInputSchema, OfferPolicySchema } from './offers.schemas.ts';
import type { Offer, OfferInput, OfferPolicy } from './offers.types.ts';

const FLUSH_MS = 1000;
const validateOffer = compileValidator<OfferInput>(OfferInputSchema, 'offer');
const validatePolicy = compileValidator<OfferPolicy>(OfferPolicySchema, 'policy');

export interface OfferService {
  ready(): Promise<void>;
  list(): Offer[];
  get(id: string): Offer | undefined;
  /**
   * Creates or replaces an offer. With approvals, the version is submitted for its risk tier (new
   * offers and deep discounts are held: not on the menu until accepted; `approval.held`). `by`
   * undefined = Braid itself (seeding), not queued.
   */
  upsert(input: unknown, by?: Principal): Promise<Offer & { approval?: OfferApproval | undefined }>;
  /** Retires an offer: off the menu, its recorded versions never restored (`offer.delete`). */
  remove(id: string, by?: Principal): Promise<void>;
  policy(): OfferPolicy;
  setPolicy(input: unknown, by?: Principal): Promise<OfferPolicy>;
  /** Discount money committed today (UTC) by an offer. */
  spentToday(offerId: string): number;
  /** Commits `amount` of today's budget if it fits; false (and nothing reserved) if it does not. */
  reserve(offerId: string, amount: number): boolean;
  /** Re-reads offers, policy and today's spend (other processes' changes). */
  reload(): Promise<void>;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** Where a submitted offer version stands (docs/governance.md). */
export interface OfferApproval { id: string; version: number; tier: string; status: string; queue: string | null; held: boolean; reasons: Array<{ code: string; tier: string; message: string }> }

const ref = (s: Submission): OfferApproval => ({ id: s.item.id, version: s.item.version, tier: s.item.tier, status: s.item.status, queue: s.item.queue, held: !s.live, reasons: s.item.reasons });

export function parseOffer(input: unknown): OfferInput {
  const o = validateOffer(input);
  if ((o.kind === 'percent_off' || o.kind === 'bundle') && o.value > 100) throw invalid('offer.value', 'a percentage must be at most 100');
  return o;
}

export const parsePolicy = (input: unknown): OfferPolicy => validatePolicy(input);

/** Top-level fields that differ, as { field: { from, to } } (nested objects compared whole). */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = { from: before[k] ?? null, to: after[k] ?? null };
  }
  return out;
}

const who = (p: Principal | undefined) => (p ? { id: p.id, name: p.name, role: p.role } : { id: 'system', name: 'Braid' });

/**
 * `audit`: each offer change is its own entry, written when it is asked for (live at once or
 * held): `offer.create` with the offer, `offer.update` with the changed fields against the live
 * offer, `offer.delete` with what was removed; `offer_policy.update` with the changed policy
 * fields. Approval entries (submit, accept, publish, reject, unpublish) come from the queue.
 */
export function createOffers(deps: CoreDeps, c: { approvals?: ApprovalsService | undefined; audit?: { append(entries: AuditInput[]): Promise<unknown> } | undefined } = {}): OfferService {
  const offers = new Map<string, Offer>();
  /** The sorted menu, rebuilt only after a change (the decision path reads it every time). */
  let sorted: Offer[] | undefined;
  let policy: OfferPolicy = structuredClone(DEFAULT_POLICY);
  let day = '';
  const spent = new Map<string, number>();
  const pending = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const today = () => new Date(deps.clock.now()).toISOString().slice(0, 10);
  const iso = () => new Date(deps.clock.now()).toISOString();

  const rollDay = () => {
    const d = today();
    if (d !== day) { day = d; spent.clear(); }
  };

  async function reload(): Promise<void> {
    const [o, p] = await Promise.all([
      deps.db.query<{ def: OfferInput; created_at: Date; updated_at: Date }>('select def, created_at, updated_at from offers'),
      deps.db.query<{ policy: OfferPolicy }>('select policy from offer_policy where id = 1'),
    ]);
    offers.clear();
    sorted = undefined;
    for (const r of o.rows) offers.set(r.def.id, { ...r.def, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() });
    if (p.rows[0]) policy = parsePolicy(p.rows[0].policy);
    rollDay();
    const s = await deps.db.query<{ offer_id: string; spent: string | number }>('select offer_id, spent from offer_spend where day = $1', [day]);
    spent.clear();
    for (const r of s.rows) spent.set(r.offer_id, Number(r.spent));
    for (const [id, amt] of pending) spent.set(id, (spent.get(id) ?? 0) + amt);
  }

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const rows = [...pending].map(([offerId, amount]) => ({ offerId, amount }));
    pending.clear();
    await deps.db.query(`insert into offer_spend (day, offer_id, spent)
      select $1::date, "offerId", amount from jsonb_to_recordset($2::jsonb) as x("offerId" text, amount numeric)
      on conflict (day, offer_id) do update set spent = offer_spend.spent + excluded.spent`, [day, JSON.stringify(rows)]);
  }

  const loaded = reload().then(() => {
    const tick = () => { flush().catch((e: unknown) => deps.log.error({ err: e }, 'offer spend flush failed')).finally(() => { timer = setTimeout(tick, FLUSH_MS); timer.unref(); }); };
    timer = setTimeout(tick, FLUSH_MS);
    timer.unref();
  });

  async function write(o: OfferInput): Promise<Offer> {
    const now = iso();
    const r = await deps.db.query<{ created_at: Date }>(`insert into offers (id, def, created_at, updated_at) values ($1, $2, $3, $3)
      on conflict (id) do update set def = excluded.def, updated_at = excluded.updated_at returning created_at`, [o.id, JSON.stringify(o), now]);
    const offer = { ...o, createdAt: r.rows[0]!.created_at.toISOString(), updatedAt: now };
    offers.set(o.id, offer);
    sorted = undefined;
    return offer;
  }
  const audit = async (e: AuditInput) => { await c.audit?.append([e]); };
  const docOf = (o: Offer): OfferInput => { const { createdAt: _c, updatedAt: _u, ...rest } = o; return rest; };

  c.approvals?.register('offer', {
    publish: async (_item, doc) => { await write(parseOffer(doc)); },
    // A rejected sampled version: back to the previous live version, or paused (decisions never pick a paused offer).
    unpublish: async (item, fallback) => {
      const cur = offers.get(item.subjectId);
      if (fallback) await write(parseOffer(fallback.document));
      else if (cur) await write({ ...docOf(cur), status: 'paused' });
    },
  });

  return {
    ready: () => loaded,
    list: () => (sorted ??= [...offers.values()].sort((a, b) => a.id.localeCompare(b.id))),
    get: (id) => offers.get(id),
    async upsert(input, by) {
      const o = parseOffer(input);
      const prev = offers.get(o.id);
      const change = (s?: Submission): AuditInput => ({
        actor: actorOf(by), action: prev ? 'offer.update' : 'offer.create', subjectType: 'offer', subjectId: o.id,
        data: {
          ...(prev ? { changes: diffFields(docOf(prev) as Record<string, unknown>, o as Record<string, unknown>) } : { offer: o }),
          live: s ? s.live : true, approvalId: s?.item.id, version: s?.item.version, tier: s?.item.tier, by: who(by),
        },
      });
      if (!c.approvals) { const out = await write(o); await audit(change()); return out; }
      const s = await c.approvals.submit({
        kind: 'offer', subjectId: o.id, document: o, by, baseline: prev && docOf(prev),
        facts: { newOffer: !prev, discountPct: o.kind === 'percent_off' || o.kind === 'bundle' ? o.value : undefined },
      });
      if (!s.live) {
        await audit(change(s));
        return { ...o, createdAt: prev?.createdAt ?? s.item.submittedAt, updatedAt: prev?.updatedAt ?? s.item.submittedAt, approval: ref(s) };
      }
      const out = { ...(await write(o)), approval: ref(s) };
      await audit(change(s));
      return out;
    },
    async remove(id, by) {
      const prev = offers.get(id);
      if (!prev) throw notFound(`Offer ${id}`);
      await deps.db.query('delete from offers where id = $1', [id]);
      offers.delete(id);
      sorted = undefined;
      await c.approvals?.retire('offer', id, by);
      await audit({ actor: actorOf(by), action: 'offer.delete', subjectType: 'offer', subjectId: id, data: { offer: docOf(prev), by: who(by) } });
    },
    policy: () => policy,
    async setPolicy(input, by) {
      const p = parsePolicy(input);
      await deps.db.query(`insert into offer_policy (id, policy, updated_at) values (1, $1, $2)
        on conflict (id) do update set policy = excluded.policy, updated_at = excluded.updated_at`, [JSON.stringify(p), iso()]);
      const before = policy;
      policy = p;
      await audit({ actor: actorOf(by), action: 'offer_policy.update', subjectType: 'offer_policy', subjectId: 'global', data: { changes: diffFields(before, p), by: who(by) } });
      return p;
    },
    spentToday(offerId) { rollDay(); return spent.get(offerId) ?? 0; },
    reserve(offerId, amount) {
      rollDay();
      const o = offers.get(offerId);
      if (!o) return false;
      const now = spent.get(offerId) ?? 0;
      if (o.dailyBudget !== null && now + amount > o.dailyBudget + 1e-9) return false;
      spent.set(offerId, now + amount);
      pending.set(offerId, (pending.get(offerId) ?? 0) + amount);
      return true;
    },
    reload,
    flush,
    async stop() { if (timer) clearTimeout(timer); await loaded.catch(() => undefined); await flush(); },
  };
}
