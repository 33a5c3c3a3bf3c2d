/**
 * Triggers that are not a single event: entry into a segment (a profile comes to satisfy a
 * condition: checked on every profile change and on a periodic sweep, since time alone moves
 * shoppers into "lapsing"), schedules (everyone matching, every period), and catalog changes
 * (back in stock, price drop) for shoppers who showed interest in the product.
 */
import { evaluateCondition, newId, type Condition, type CoreDeps } from '../../core/index.ts';
import type { ProfileState } from '../profiles/index.ts';
import type { Entry, LiveWorker } from './workers.engine.ts';
import { profileScope, traitsScope } from './workers.scope.ts';
import type { WorkersDeps } from './workers.deps.ts';
import type { CatalogTrigger, SegmentTrigger } from './workers.types.ts';

const PAGE = 1000;

export function createTriggers(deps: CoreDeps, w: WorkersDeps, enter: (entries: Entry[]) => Promise<number>) {
  const db = deps.db;
  const sensitive = deps.config.brain.sensitiveTraits;
  // Built on first use: a sweep over every profile mostly asks about traits, and copying each
  // profile's scope (sensitive traits filtered) costs more than the condition itself.
  const scope = (p: ProfileState) => {
    let profile: Record<string, unknown> | undefined, traits: Record<string, unknown> | undefined, tDone = false;
    return {
      get profile() { return (profile ??= profileScope(p, sensitive)); },
      get traits() { if (!tDone) { traits = traitsScope(w.traits?.peek(p.id), deps.clock.now()); tDone = true; } return traits; },
    };
  };
  const lastSweep = new Map<string, number>();
  const lastSeen = new Map<string, { stock: number; price: number }>();

  /** Segment membership edges for these profiles: entering creates an entry, leaving forgets. */
  async function segmentEdges(workers: LiveWorker[], profiles: ProfileState[], nowMs: number): Promise<number> {
    let n = 0;
    for (const { def, version } of workers) {
      const t = def.trigger as SegmentTrigger;
      const inside: string[] = [], outside: string[] = [];
      for (const p of profiles) (evaluateCondition(t.where, scope(p), nowMs) && (!def.entry.where || evaluateCondition(def.entry.where, scope(p), nowMs)) ? inside : outside).push(p.id);
      if (outside.length > 0) await db.query(`delete from worker_segment_members where worker_id = $1 and profile_id = any($2::text[])`, [def.id, outside]);
      if (inside.length === 0) continue;
      const r = await db.query<{ profile_id: string }>(
        `insert into worker_segment_members (worker_id, profile_id, since) select $1, unnest($2::text[]), $3 on conflict do nothing returning profile_id`, [def.id, inside, nowMs]);
      const entered = r.rows.map((x) => x.profile_id);
      // The membership insert is the edge (idempotent); each edge is a new entry.
      n += await enter(entered.map((profileId) => ({ def, version, profileId, key: null, entryKey: `${def.id}:${newId('edg', deps.clock)}`, seq: 0 })));
    }
    return n;
  }

  async function scan(each: (page: ProfileState[]) => Promise<void>): Promise<void> {
    if (!w.scanProfiles) return;
    let after = '';
    for (;;) {
      const page = await w.scanProfiles(after, PAGE);
      if (page.length === 0) return;
      await each(page);
      after = page[page.length - 1]!.id;
      if (page.length < PAGE) return;
    }
  }

  async function scanIds(each: (ids: string[]) => Promise<void>): Promise<void> {
    let after = '';
    for (;;) {
      const ids = await w.profiles.scanIds(after, PAGE * 5);
      if (ids.length === 0) return;
      await each(ids);
      after = ids[ids.length - 1]!;
      if (ids.length < PAGE * 5) return;
    }
  }

  return {
    /** Profiles changed by a projection batch: segment entries. */
    async onProfiles(live: ReadonlyMap<string, LiveWorker>, profiles: ProfileState[]): Promise<number> {
      const seg = [...live.values()].filter((l) => l.def.trigger.type === 'segment');
      if (seg.length === 0 || profiles.length === 0) return 0;
      return segmentEdges(seg, profiles, deps.clock.now());
    },

    /** Periodic: segment sweeps and due schedules. */
    async sweep(live: ReadonlyMap<string, LiveWorker>): Promise<number> {
      const nowMs = deps.clock.now();
      let n = 0;
      for (const l of live.values()) {
        const t = l.def.trigger;
        if (t.type === 'segment') {
          if (nowMs - (lastSweep.get(l.def.id) ?? -Infinity) < t.sweepMs) continue;
          lastSweep.set(l.def.id, nowMs);
          await scan(async (page) => { n += await segmentEdges([l], page, nowMs); });
        } else if (t.type === 'schedule') {
          const r = await db.query<{ next_at: number }>(`select next_at from worker_schedules where worker_id = $1`, [l.def.id]);
          const next = r.rows[0] ? Number(r.rows[0].next_at) : nextSlot(nowMs, t.everyMs, t.atHour);
          if (!r.rows[0]) await db.query(`insert into worker_schedules (worker_id, next_at) values ($1, $2) on conflict do nothing`, [l.def.id, next]);
          if (next > nowMs) continue;
          // Claim the slot first: another process (or a crash and restart) does not run it again.
          const claimed = await db.query(`update worker_schedules set next_at = $3 where worker_id = $1 and next_at = $2`, [l.def.id, next, nextSlot(nowMs + 1, t.everyMs, t.atHour)]);
          if (claimed.affectedRows === 0) continue;
          const admit = async (page: ProfileState[]) => {
            const entries: Entry[] = [];
            for (const p of page) {
              if (!evaluateCondition(t.where, scope(p), nowMs) || (l.def.entry.where && !evaluateCondition(l.def.entry.where, scope(p), nowMs))) continue;
              entries.push({ def: l.def, version: l.version, profileId: p.id, key: null, entryKey: `${l.def.id}:t${next}:${p.id}`, seq: 0 });
            }
            n += await enter(entries);
          };
          // A condition on computed traits alone (in memory) is checked on ids first; only the
          // profiles it lets through are read (a daily reminder need not read every profile).
          if (w.scanProfiles && readsOnly(t.where, 'traits.')) {
            await scanIds(async (ids) => {
              const hits = ids.filter((id) => evaluateCondition(t.where, { traits: traitsScope(w.traits?.peek(id), nowMs) }, nowMs));
              if (hits.length > 0) { const got = await w.profiles.getMany(hits); await admit(hits.map((id) => got.get(id)).filter((p): p is ProfileState => !!p)); }
            });
          } else await scan(admit);
        }
      }
      return n;
    },

    /** Catalog updates: back in stock and price drops, for shoppers with the product in wishlist, cart or recent views. */
    async onCatalog(live: ReadonlyMap<string, LiveWorker>, productIds: string[]): Promise<number> {
      const cat = w.catalog;
      if (!cat) return 0;
      const changes: Array<{ productId: string; backInStock: boolean; dropPct: number; price: number }> = [];
      for (const id of productIds) {
        const c = cat.get(id);
        if (!c) continue;
        const price = c.lead?.effectivePrice ?? 0;
        const prev = lastSeen.get(id);
        lastSeen.set(id, { stock: c.totalStock, price });
        if (!prev) continue;
        changes.push({ productId: id, backInStock: prev.stock <= 0 && c.totalStock > 0, dropPct: prev.price > 0 ? ((prev.price - price) / prev.price) * 100 : 0, price });
      }
      const workers = [...live.values()].filter((l) => l.def.trigger.type === 'catalog');
      if (workers.length === 0 || changes.length === 0) return 0;
      const nowMs = deps.clock.now();
      let n = 0;
      await scan(async (page) => {
        const entries: Entry[] = [];
        for (const l of workers) {
          const t = l.def.trigger as CatalogTrigger;
          for (const ch of changes) {
            if (t.change === 'back_in_stock' ? !ch.backInStock : ch.dropPct < t.minDropPct) continue;
            for (const p of page) {
              if (!interested(p, ch.productId, t.audience)) continue;
              if (l.def.entry.where && !evaluateCondition(l.def.entry.where, scope(p), nowMs)) continue;
              entries.push({
                def: l.def, version: l.version, profileId: p.id, key: ch.productId, entryKey: `${l.def.id}:c${ch.productId}:${nowMs}:${p.id}`, seq: 0,
                event: { name: t.change === 'back_in_stock' ? 'Back In Stock' : 'Price Dropped', properties: { product_id: ch.productId, price: ch.price, drop_pct: Math.round(ch.dropPct * 10) / 10 } },
              });
            }
          }
        }
        n += await enter(entries);
      });
      return n;
    },

    /** Remembers current stock and prices so the next update can tell what changed. */
    primeCatalog(): void {
      const cat = w.catalog;
      if (!cat) return;
      for (const c of cat.all()) lastSeen.set(c.product.id, { stock: c.totalStock, price: c.lead?.effectivePrice ?? 0 });
    },
  };
}

/** Whether every path the condition reads starts with `prefix`. */
export function readsOnly(c: Condition, prefix: string): boolean {
  if ('all' in c) return c.all.every((x) => readsOnly(x, prefix));
  if ('any' in c) return c.any.every((x) => readsOnly(x, prefix));
  if ('not' in c) return readsOnly(c.not, prefix);
  return c.path.startsWith(prefix);
}

function interested(p: ProfileState, productId: string, audience: CatalogTrigger['audience']): boolean {
  return (audience.includes('wishlist') && p.wishlist.some((x) => x.productId === productId))
    || (audience.includes('cart') && p.cart.items.some((x) => x.productId === productId))
    || (audience.includes('viewed') && p.recentViews.some((x) => x.productId === productId));
}

/** The next schedule slot after `nowMs`: every `everyMs`, aligned to `atHour` UTC when given. */
export function nextSlot(nowMs: number, everyMs: number, atHour: number | undefined): number {
  const base = atHour === undefined ? 0 : atHour * 3_600_000;
  return Math.floor((nowMs - base) / everyMs) * everyMs + base + everyMs;
}
