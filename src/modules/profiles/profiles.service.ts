import { lowPriority, notFound, type CoreDeps } from '../../core/index.ts';
import type { ConsentService } from '../consent/index.ts';
import type { EventLog } from '../events/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { createProjector, type Projector } from './profiles.projector.ts';
import { emitters, listOrders, listProfileEvents, loadProfile, loadProfiles, scanOrders, scanProfileIds, scanProfiles } from './profiles.store.ts';
import type { OrderRow, ProfileState } from './profiles.types.ts';
import { searchProfiles, type ProfilePage } from './profiles.search.ts';

export interface ProfileView {
  id: string;
  identities: Array<{ type: string; value: string; firstSeenAt: string; sourceMessageId?: string | undefined }>;
  traits: Record<string, unknown>;
  traitSources: ProfileState['traitMeta'];
  consent: Awaited<ReturnType<ConsentService['current']>>;
  cart: ProfileState['cart'];
  recentViews: ProfileState['recentViews'];
  wishlist: ProfileState['wishlist'];
  signals: ProfileState['signals'];
  orders: ProfileState['orders'] & { netRevenue: number; averageOrderValue: number | null; recent: unknown[] };
  merges: Awaited<ReturnType<IdentityService['merges']>>;
  conflicts: Awaited<ReturnType<IdentityService['conflicts']>>;
  firstSeenAt: string;
  lastSeenAt: string;
  eventCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProfileService {
  projector: Projector;
  /** The projected state (no waiting), or undefined. Other modules read profiles through this. */
  get(profileId: string): Promise<ProfileState | undefined>;
  /** get() for many profiles in one statement (absent ids are missing from the map). */
  getMany(profileIds: string[]): Promise<Map<string, ProfileState>>;
  /** Resolves the ref, waits (bounded) for the projection to catch up, and assembles the 360 view. */
  view(ref: string): Promise<ProfileView>;
  /** The live profile id of a ref, after waiting (bounded) for the projection; 404 if none. */
  resolve(ref: string): Promise<string>;
  timeline(ref: string, opts: { limit: number; before?: number; expand?: boolean }): Promise<unknown[]>;
  /** A profile's orders and refunds, newest first. */
  orders(profileId: string, limit?: number): Promise<OrderRow[]>;
  /** All orders and refunds in log order after `afterSeq` (page with the last row's seq). */
  scanOrders(afterSeq: number, limit: number): Promise<OrderRow[]>;
  /** Live profiles in id order after `afterId` ('' to start; page with the last row's id). */
  scan(afterId: string, limit: number): Promise<ProfileState[]>;
  /** Ids of live profiles (id order after `afterId`) with an event `name` at or after `sinceMs`: a worker's recent trigger audience. */
  emitters(name: string, sinceMs: number, afterId: string, limit: number): Promise<string[]>;
  /** The same ids only (no profile is read): sweeps whose condition needs nothing but memory. */
  scanIds(afterId: string, limit: number): Promise<string[]>;
  /** Console search: keyset pages of profiles, or of identities starting with `q` (profiles.search.ts). */
  search(q: { q?: string | undefined; cursor?: string | undefined; limit: number }): Promise<ProfilePage>;
  /** Resolves once everything committed so far is applied to profiles. */
  waitForProjection(timeoutMs?: number): Promise<boolean>;
}

export function createProfiles(deps: CoreDeps, c: { events: EventLog; identity: IdentityService; consent: ConsentService }): ProfileService {
  const projector = createProjector(deps, c.events, c.consent);
  const resolve = async (ref: string): Promise<string> => {
    await projector.waitFor(undefined, 2000); // read-your-writes for a caller that just sent events
    const id = await c.identity.resolveRef(ref);
    if (!id) throw notFound(`Profile ${ref}`);
    return id;
  };
  return {
    projector,
    resolve,
    get: (id) => loadProfile(deps.db, id),
    getMany: (ids) => loadProfiles(deps.db, ids),
    async view(ref) {
      const id = await resolve(ref);
      const p = await loadProfile(deps.db, id);
      if (!p) throw notFound(`Profile ${ref}`);
      const [identities, consent, merges, conflicts, recent] = await Promise.all([
        c.identity.identities(id), c.consent.current(id), c.identity.merges(id), c.identity.conflicts(id), listOrders(deps.db, [id], 10),
      ]);
      const net = Math.round((p.orders.revenue - p.orders.refunds) * 100) / 100;
      return {
        id, identities: identities.map(({ profileId: _p, ...rest }) => rest), traits: p.traits, traitSources: p.traitMeta, consent,
        cart: p.cart, recentViews: p.recentViews, wishlist: p.wishlist, signals: p.signals,
        orders: { ...p.orders, netRevenue: net, averageOrderValue: p.orders.count > 0 ? Math.round((p.orders.revenue / p.orders.count) * 100) / 100 : null, recent },
        merges, conflicts, firstSeenAt: p.firstSeenAt, lastSeenAt: p.lastSeenAt, eventCount: p.eventCount, createdAt: p.createdAt, updatedAt: p.updatedAt,
      };
    },
    async timeline(ref, opts) {
      const id = await resolve(ref);
      const rows = await listProfileEvents(deps.db, id, opts.limit, opts.before);
      if (!opts.expand) return rows;
      const full = await c.events.readSeqs(rows.map((r) => r.seq));
      return rows.map((r) => full.get(r.seq) ?? r);
    },
    orders: (profileId, limit = 1000) => listOrders(deps.db, [profileId], limit),
    scanOrders: (afterSeq, limit) => scanOrders(lowPriority(deps.db), afterSeq, limit),
    scan: (afterId, limit) => scanProfiles(lowPriority(deps.db), afterId, limit),
    emitters: (name, sinceMs, afterId, limit) => emitters(lowPriority(deps.db), name, new Date(sinceMs), afterId, limit),
    scanIds: (afterId, limit) => scanProfileIds(lowPriority(deps.db), afterId, limit),
    search: (q) => searchProfiles(deps.db, q),
    waitForProjection: (timeoutMs) => projector.waitFor(undefined, timeoutMs),
  };
}
