import { lowPriority, newId, type CoreDeps } from '../../core/index.ts';
import type { ConsentService } from '../consent/index.ts';
import type { EventLog, LoggedMessage } from '../events/index.ts';
import { applyIdentityChanges, identifiersOf, identityKey, loadOwners, type Identifier } from '../identity/index.ts';
import { projectBatch } from './profiles.batch.ts';
import { createBurstDetector } from './profiles.burst.ts';
import type { OrderRow, ProfileState } from './profiles.types.ts';
import { loadOrders, parseProfileRows, readProfileRows, repointProfile, saveOrders, saveProfileEvents, saveProfiles } from './profiles.store.ts';

const CURSOR = 'profiles';
const BATCH = 5000;
/**
 * The embedded database has one thread. While ingest is busy (in a burst of commits, see
 * profiles.burst.ts: no pause of 50-250 ms since its last commit), the projection works in small
 * bites and rests three times as long as each bite took: it takes at most ~25% of the database
 * and ingest keeps the rest. The backlog is applied as soon as ingest calms (a rest ends early
 * when the burst has ended).
 */
const BATCH_UNDER_PRESSURE = 500;
const BURST = { minMs: 50, maxMs: 250, gapsPerWindow: 3 };
const REST_FACTOR = 3;
/** A rest is re-checked this often, and ends as soon as ingest is no longer busy. */
const REST_SLICE_MS = 25;
const POLL_MS = 500;

export interface Projector {
  start(): void;
  stop(): Promise<void>;
  /** Projects until caught up with the log; returns the number of events applied. */
  drain(): Promise<number>;
  /** Resolves once everything committed up to `seq` (default: the log's head now) is applied. */
  waitFor(seq?: number, timeoutMs?: number): Promise<boolean>;
  position(): Promise<number>;
  /**
   * Called after each committed batch, in this process only, with the profiles it changed, the
   * ids merged away, and the orders it wrote. In-memory caches (decisioning, traits) stay fresh
   * through it; a listener's error is logged and never fails the projection.
   */
  onApplied(listener: (batch: AppliedBatch) => void): () => void;
}

export interface AppliedBatch {
  profiles: ProfileState[];
  merged: Array<{ from: string; into: string }>;
  orders: OrderRow[];
  /** The batch's messages, as read from the log. */
  messages: readonly LoggedMessage[];
  /** Which (surviving) profile each message went to. */
  events: ReadonlyArray<{ profileId: string; seq: number; name: string; at: string }>;
}

class CursorMoved extends Error {}

interface Fetched { messages: LoggedMessage[]; ids: Map<string, Identifier>; orderIds: Set<string> }

/**
 * Applies the event log to profiles, identities, orders and consent, one batch per transaction,
 * with the cursor advanced in the same transaction (exactly-once). Reads happen before the
 * transaction; the write checks the cursor is where it was read (optimistic), so two Braid
 * processes sharing one Postgres never apply a batch twice: the loser retries from the new cursor.
 * Runs at low database priority, so ingest goes first on the embedded store.
 */
export function createProjector(deps: CoreDeps, events: EventLog, consent: ConsentService): Projector {
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let stopping = false;
  let known = 0;
  const burst = createBurstDetector(BURST);
  /**
   * Settles once this process's batch in flight is committed and its listeners have run. The
   * cursor row shows a commit before the listeners ran: waitFor, having read it there, waits for
   * this too, so "applied" includes this process's caches and journeys (not only the tables).
   */
  let applying: Promise<void> = Promise.resolve();
  const listeners = new Set<(batch: AppliedBatch) => void>();
  const shared = deps.db.dialect === 'pglite';
  const ingestBusy = () => shared && burst.busy(performance.now());
  /** Waiters woken each time this process moves the cursor (so waitFor need not poll the database). */
  let advanced: Array<() => void> = [];
  const wakeWaiters = () => { const w = advanced; advanced = []; for (const f of w) f(); };

  const low = lowPriority(deps.db);
  const position = async (): Promise<number> => {
    const r = await low.query<{ position: number }>(`select position from consumer_cursors where name = $1`, [CURSOR]);
    known = r.rows[0]?.position ?? 0;
    return known;
  };

  /**
   * The embedded store has one process (its data dir is locked to it), so after this process's
   * own commit the cursor is where it left it: the next step need not read it back (a round trip
   * queued behind the database's other work). The write still checks it (CursorMoved).
   */
  let ownCursor = false;
  const opts = { defaultPhoneRegion: deps.config.defaultPhoneRegion, externalIdTraits: deps.config.externalIdTraits };
  let ahead: { from: number; fetched: Promise<Fetched> } | undefined;
  async function fetchAfter(from: number, max: number): Promise<Fetched> {
    const messages = await events.readAfter(from, max, { priority: 'low' });
    const ids = new Map<string, Identifier>();
    const orderIds = new Set<string>();
    for (const m of messages) {
      for (const i of identifiersOf(m, opts)) ids.set(identityKey(i), i);
      if (m.type === 'alias' && m.previousId) for (const type of ['user_id', 'anonymous_id']) { const i = { type, value: m.previousId }; ids.set(identityKey(i), i); }
      const oid = m.properties?.order_id;
      if (m.type === 'track' && (typeof oid === 'string' || typeof oid === 'number')) orderIds.add(String(oid));
    }
    return { messages, ids, orderIds };
  }
  async function step(): Promise<number> {
    const from = ownCursor && shared ? known : await position();
    const busy = ingestBusy() || deps.db.pressure() > 0;
    const max = busy ? BATCH_UNDER_PRESSURE : BATCH;
    // The log's committed messages never change, so the next batch's are read and decoded ahead,
    // while this one is projected and written; only what they touch (owners, profiles, orders)
    // must be read after the previous batch's commit.
    let got = ahead?.from === from ? await ahead.fetched.catch(() => undefined) : undefined;
    ahead = undefined;
    if (!got || got.messages.length === 0) got = await fetchAfter(from, max);
    const { messages, ids, orderIds } = got;
    if (messages.length === 0) return 0;
    const to = messages[messages.length - 1]!.seq;
    // The reads run as one transaction: on the embedded store it holds the session from the first
    // read to the last, so work queued at background priority (traits rows and journey entries of
    // the batch before) cannot slip in between two reads: it runs while this batch is projected.
    // The profile rows are parsed after the commit, not while holding the session.
    const { owners, rows, orders } = await deps.db.transaction(async (tx) => {
      const owners = await loadOwners(tx, [...ids.values()]);
      const rows = await readProfileRows(tx, [...new Set(owners.values())]);
      const orders = await loadOrders(tx, [...orderIds]);
      return { owners, rows, orders };
    }, { priority: 'low' });
    if (!stopping) { const fetched = fetchAfter(to, max); fetched.catch(() => undefined); ahead = { from: to, fetched }; }
    const profiles = parseProfileRows(rows);
    const out = projectBatch({ messages, owners, profiles, orders, opts, clock: deps.clock, newId: (p) => newId(p, deps.clock) });

    let applied!: () => void;
    applying = new Promise<void>((r) => { applied = r; });
    try {
      await write(out, messages, from, to);
    } finally {
      applied();
    }
    deps.metrics.projectedEvents.inc(messages.length);
    deps.metrics.projectionLag.set(Math.max(0, (await events.headSeq()) - to));
    return messages.length;
  }

  /** Commits one projected batch with the cursor, then tells this process (waiters, listeners). */
  async function write(out: ReturnType<typeof projectBatch>, messages: LoggedMessage[], from: number, to: number): Promise<void> {
    await deps.db.transaction(async (tx) => {
      // The cursor check goes first (on Postgres its row lock queues a second process behind this
      // one) but is not waited for: the batch's rows are built and encoded while it runs. A failed
      // check throws before COMMIT, so what followed it rolls back.
      const moved = tx.query(`update consumer_cursors set position = $2, updated_at = $3 where name = $1 and position = $4`,
        [CURSOR, to, new Date(deps.clock.now()).toISOString(), from]);
      moved.catch(() => undefined);
      await applyIdentityChanges(tx, out.identity);
      for (const m of out.identity.merges) {
        await repointProfile(tx, m.fromProfile, m.intoProfile);
        await consent.reassign(m.fromProfile, m.intoProfile, tx);
      }
      // Independent tables: the three statements are posted together (the next one encoded while
      // the one before runs), still in this order.
      await Promise.all([saveProfiles(tx, [...out.dirty.values()]), saveProfileEvents(tx, out.events), saveOrders(tx, [...out.orders.values()])]);
      if (out.consent.length > 0) await consent.record(out.consent, tx);
      for (const [pid, country] of out.jurisdictions) await consent.setJurisdiction(pid, country, tx);
      if ((await moved).affectedRows !== 1) { ownCursor = false; throw new CursorMoved(); }
    }, { priority: 'low' });
    known = to;
    ownCursor = true;
    wakeWaiters();
    if (listeners.size > 0) {
      const batch: AppliedBatch = {
        profiles: [...out.dirty.values()], orders: [...out.orders.values()], messages, events: out.events,
        merged: out.identity.merges.map((m) => ({ from: m.fromProfile, into: m.intoProfile })),
      };
      for (const l of listeners) {
        try { l(batch); } catch (e) { deps.log.error({ err: e }, 'projection listener failed'); }
      }
    }
  }

  /**
   * Rests until `until` (monotonic ms), but only while ingest stays busy: the rest leaves the
   * database to ingest, and once ingest has gone quiet there is no one to leave it to.
   */
  async function rest(until: number): Promise<void> {
    while (!stopping && ingestBusy()) {
      const left = until - performance.now();
      if (left <= 0) return;
      await new Promise((r) => setTimeout(r, Math.min(left, REST_SLICE_MS)));
    }
  }

  async function drainOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      if (stopping) break; // shutdown must not wait for a whole backlog
      let n: number;
      const started = performance.now();
      try { n = await step(); } catch (e) {
        if (e instanceof CursorMoved) continue; // another process advanced the cursor: re-read and go on
        throw e;
      }
      if (n === 0) break;
      total += n;
      if (ingestBusy()) await rest(started + (performance.now() - started) * (REST_FACTOR + 1));
    }
    const head = await events.headSeq();
    deps.metrics.projectionLag.set(Math.max(0, head - known));
    return total;
  }

  const drain = (): Promise<number> => {
    if (running) return running.then(() => drain());
    running = drainOnce().finally(() => { running = undefined; });
    return running;
  };

  const kick = () => {
    if (stopped || running) return;
    drain().catch((e: unknown) => deps.log.error({ err: e }, 'profile projection failed; retrying'));
  };
  let unsubscribe: (() => void) | undefined;

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      stopping = false;
      unsubscribe = events.onCommitted(() => { burst.commit(performance.now()); kick(); });
      const tick = () => { kick(); timer = setTimeout(tick, POLL_MS); };
      tick();
    },
    async stop() {
      stopped = true;
      stopping = true;
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    drain,
    async waitFor(seq, timeoutMs = 5000) {
      const target = seq ?? await events.headSeq();
      const deadline = performance.now() + timeoutMs;
      while (known < target) {
        if (stopped) await drain().catch(() => undefined); // no background loop: project ourselves
        else kick();
        if (known >= target) return true;
        if (performance.now() > deadline) return false;
        // Woken when this process applies a batch; otherwise re-read the cursor (another process
        // sharing the database may be the one projecting).
        const woken = await new Promise<boolean>((r) => {
          const wake = () => { clearTimeout(t); r(true); };
          const t = setTimeout(() => { advanced = advanced.filter((f) => f !== wake); r(false); }, 25);
          advanced.push(wake);
        });
        if (!woken && (await position()) >= target) { await applying; return true; }
      }
      return true;
    },
    position,
    onApplied(listener) { listeners.add(listener); return () => { listeners.delete(listener); }; },
  };
}
