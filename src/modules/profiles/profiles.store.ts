import type { Queryable } from '../../core/index.ts';
import type { OrderRow, ProfileState } from './profiles.types.ts';

interface ProfileRow {
  id: string; user_id: string | null; created_at: Date; updated_at: Date; first_seen_at: Date; last_seen_at: Date; event_count: number;
  traits: ProfileState['traits']; trait_meta: ProfileState['traitMeta']; cart: ProfileState['cart']; recent_views: ProfileState['recentViews'];
  wishlist: ProfileState['wishlist']; signals: ProfileState['signals']; order_count: number; revenue: number; refunds: number;
  first_order_at: Date | null; last_order_at: Date | null;
}

function fromRow(r: ProfileRow): ProfileState {
  return {
    id: r.id, userId: r.user_id, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
    firstSeenAt: r.first_seen_at.toISOString(), lastSeenAt: r.last_seen_at.toISOString(), eventCount: r.event_count,
    traits: r.traits, traitMeta: r.trait_meta, cart: r.cart, recentViews: r.recent_views, wishlist: r.wishlist, signals: r.signals,
    orders: { count: r.order_count, revenue: r.revenue, refunds: r.refunds, firstOrderAt: r.first_order_at?.toISOString() ?? null, lastOrderAt: r.last_order_at?.toISOString() ?? null },
  };
}

/** A row as JSON text (row_to_json): timestamps arrive as ISO strings with an offset. */
type JsonProfileRow = Omit<ProfileRow, 'created_at' | 'updated_at' | 'first_seen_at' | 'last_seen_at' | 'first_order_at' | 'last_order_at'>
  & { created_at: string; updated_at: string; first_seen_at: string; last_seen_at: string; first_order_at: string | null; last_order_at: string | null };
const iso = (s: string) => new Date(s).toISOString();

/**
 * The projection's bulk read. Each row comes back as one JSON text, parsed here: the embedded
 * database thread (the projection's bottleneck) then hands over strings instead of decoding six
 * jsonb and four timestamp columns per row (~40% less CPU for the read, measured on 5,000 rows).
 */
export async function loadProfiles(db: Queryable, ids: string[]): Promise<Map<string, ProfileState>> {
  return parseProfileRows(await readProfileRows(db, ids));
}

/**
 * loadProfiles in two halves, for a reader inside a transaction: parsing 5,000 rows takes the main
 * thread ~40 ms, which the transaction need not hold the embedded store's one session for.
 */
export async function readProfileRows(db: Queryable, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await db.query<{ j: string }>(`select row_to_json(p)::text as j from profiles p where id = any($1::text[])`, [ids]);
  return r.rows.map((x) => x.j);
}

export function parseProfileRows(rows: readonly string[]): Map<string, ProfileState> {
  const out = new Map<string, ProfileState>();
  for (const j of rows) {
    const x = JSON.parse(j) as JsonProfileRow;
    out.set(x.id, {
      id: x.id, userId: x.user_id, createdAt: iso(x.created_at), updatedAt: iso(x.updated_at), firstSeenAt: iso(x.first_seen_at), lastSeenAt: iso(x.last_seen_at),
      eventCount: x.event_count, traits: x.traits, traitMeta: x.trait_meta, cart: x.cart, recentViews: x.recent_views, wishlist: x.wishlist, signals: x.signals,
      orders: {
        count: x.order_count, revenue: Number(x.revenue), refunds: Number(x.refunds),
        firstOrderAt: x.first_order_at ? iso(x.first_order_at) : null, lastOrderAt: x.last_order_at ? iso(x.last_order_at) : null,
      },
    });
  }
  return out;
}

/** Profiles in id order after `afterId` ('' for the first page): for batch readers (audiences). */
export async function scanProfiles(db: Queryable, afterId: string, limit: number): Promise<ProfileState[]> {
  const r = await db.query<ProfileRow>(`select * from profiles where id > $1 order by id limit $2`, [afterId, limit]);
  return r.rows.map(fromRow);
}

export async function scanProfileIds(db: Queryable, afterId: string, limit: number): Promise<string[]> {
  const r = await db.query<{ id: string }>(`select id from profiles where id > $1 order by id limit $2`, [afterId, limit]);
  return r.rows.map((x) => x.id);
}

export async function loadProfile(db: Queryable, id: string): Promise<ProfileState | undefined> {
  return (await loadProfiles(db, [id])).get(id);
}

export async function saveProfiles(tx: Queryable, profiles: ProfileState[]): Promise<void> {
  if (profiles.length === 0) return;
  const col = <T>(f: (p: ProfileState) => T) => profiles.map(f);
  const json = (f: (p: ProfileState) => unknown) => profiles.map((p) => JSON.stringify(f(p)));
  // Numbers as text, as JSON would write them: numeric keeps every digit (a float8 would round to 15).
  const num = (f: (p: ProfileState) => number) => profiles.map((p) => { const x = f(p); return Number.isFinite(x) ? String(x) : null; });
  const cols = 'id, user_id, created_at, updated_at, first_seen_at, last_seen_at, event_count, traits, trait_meta, cart, recent_views, wishlist, signals, order_count, revenue, refunds, first_order_at, last_order_at';
  const updates = cols.split(', ').filter((c) => c !== 'id' && c !== 'created_at').map((c) => `${c} = excluded.${c}`).join(', ');
  // One array per column (sent in binary, see core/db/db.binary.ts)
  // rather than one JSON document unpacked by jsonb_to_recordset.
  await tx.query(`insert into profiles (${cols})
    select id, user_id, created_at::timestamptz, updated_at::timestamptz, first_seen_at::timestamptz, last_seen_at::timestamptz, event_count,
      traits::jsonb, trait_meta::jsonb, cart::jsonb, recent_views::jsonb, wishlist::jsonb, signals::jsonb, order_count, revenue::numeric, refunds::numeric,
      first_order_at::timestamptz, last_order_at::timestamptz
    from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
      $13::text[], $14::int[], $15::text[], $16::text[], $17::text[], $18::text[])
      as x(id, user_id, created_at, updated_at, first_seen_at, last_seen_at, event_count, traits, trait_meta, cart, recent_views, wishlist, signals, order_count,
        revenue, refunds, first_order_at, last_order_at)
    on conflict (id) do update set ${updates}, created_at = least(profiles.created_at, excluded.created_at)`,
  [col((p) => p.id), col((p) => p.userId), col((p) => p.createdAt), col((p) => p.updatedAt), col((p) => p.firstSeenAt), col((p) => p.lastSeenAt),
    col((p) => p.eventCount), json((p) => p.traits), json((p) => p.traitMeta), json((p) => p.cart), json((p) => p.recentViews), json((p) => p.wishlist),
    json((p) => p.signals), col((p) => p.orders.count), num((p) => p.orders.revenue), num((p) => p.orders.refunds), col((p) => p.orders.firstOrderAt),
    col((p) => p.orders.lastOrderAt)]);
}

export async function loadOrders(db: Queryable, orderIds: string[]): Promise<Map<string, OrderRow>> {
  const out = new Map<string, OrderRow>();
  if (orderIds.length === 0) return out;
  const r = await db.query<{ order_id: string; profile_id: string; kind: 'order' | 'refund'; status: string; revenue: number; discount: number; shipping: number; tax: number; refunded: number; currency: string; coupon: string | null; items: unknown[]; at: Date; message_id: string; seq: number }>(
    `select * from orders where order_id = any($1::text[])`, [orderIds]);
  for (const o of r.rows) {
    out.set(o.order_id, { orderId: o.order_id, profileId: o.profile_id, kind: o.kind, status: o.status, revenue: o.revenue, discount: o.discount, shipping: o.shipping, tax: o.tax, refunded: o.refunded, currency: o.currency, coupon: o.coupon, items: o.items, at: o.at.toISOString(), messageId: o.message_id, seq: o.seq });
  }
  return out;
}

export async function saveOrders(tx: Queryable, orders: OrderRow[]): Promise<void> {
  if (orders.length === 0) return;
  await tx.query(`insert into orders (order_id, profile_id, kind, status, revenue, discount, shipping, tax, refunded, currency, coupon, items, at, message_id, seq)
    select "orderId", "profileId", kind, status, revenue, discount, shipping, tax, refunded, currency, coupon, items, at, "messageId", seq
    from jsonb_to_recordset($1::jsonb) as x("orderId" text, "profileId" text, kind text, status text, revenue numeric, discount numeric, shipping numeric, tax numeric, refunded numeric,
      currency text, coupon text, items jsonb, at timestamptz, "messageId" text, seq bigint)
    on conflict (order_id) do update set status = excluded.status, refunded = excluded.refunded, profile_id = excluded.profile_id`, [JSON.stringify(orders)]);
}

export async function saveProfileEvents(tx: Queryable, rows: Array<{ profileId: string; seq: number; name: string; at: string }>): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(`insert into profile_events (profile_id, seq, name, at) select p, s, n, a::timestamptz from unnest($1::text[], $2::int8[], $3::text[], $4::text[]) as x(p, s, n, a) on conflict do nothing`,
    [rows.map((r) => r.profileId), rows.map((r) => r.seq), rows.map((r) => r.name), rows.map((r) => r.at)]);
}

/** Moves what the absorbed profile owned in this module's tables to the survivor. */
export async function repointProfile(tx: Queryable, from: string, into: string): Promise<void> {
  await tx.query(`update profile_events set profile_id = $2 where profile_id = $1`, [from, into]);
  await tx.query(`update orders set profile_id = $2 where profile_id = $1`, [from, into]);
  await tx.query(`delete from profiles where id = $1`, [from]);
}

export async function listOrders(db: Queryable, profileIds: string[], limit: number): Promise<OrderRow[]> {
  const r = await db.query<{ order_id: string }>(`select order_id from orders where profile_id = any($1::text[]) order by at desc limit $2`, [profileIds, limit]);
  const m = await loadOrders(db, r.rows.map((x) => x.order_id));
  return r.rows.map((x) => m.get(x.order_id)!);
}

/** Orders and refunds in log order after `afterSeq`: for batch jobs (model training, trait recompute). */
export async function scanOrders(db: Queryable, afterSeq: number, limit: number): Promise<OrderRow[]> {
  const r = await db.query<{ order_id: string }>(`select order_id from orders where seq > $1 order by seq limit $2`, [afterSeq, limit]);
  const m = await loadOrders(db, r.rows.map((x) => x.order_id));
  return r.rows.map((x) => m.get(x.order_id)!);
}

export async function listProfileEvents(db: Queryable, profileId: string, limit: number, beforeSeq?: number): Promise<Array<{ seq: number; name: string; at: string }>> {
  const r = await db.query<{ seq: number; name: string; at: Date }>(
    `select seq, name, at from profile_events where profile_id = $1 and ($2::int8 is null or seq < $2) order by seq desc limit $3`, [profileId, beforeSeq ?? null, limit]);
  return r.rows.map((x) => ({ seq: x.seq, name: x.name, at: x.at.toISOString() }));
}

/**
 * Profiles (in id order, after `afterId`) with an event named `name` at or after `since`: who
 * emitted it recently. Walks the (profile_id, seq) key in order, so a page stops early.
 */
export async function emitters(db: Queryable, name: string, since: Date, afterId: string, limit: number): Promise<string[]> {
  const r = await db.query<{ profile_id: string }>(
    `select distinct profile_id from profile_events where profile_id > $1 and name = $2 and at >= $3 order by profile_id limit $4`, [afterId, name, since, limit]);
  return r.rows.map((x) => x.profile_id);
}
