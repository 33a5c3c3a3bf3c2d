/**
 * The shopper simulation: each shopper gets ~180 days of sessions on one or two devices (anonymous
 * at first, identified later, so profiles merge), store visits for loyalty members, replenishment
 * of consumables on their cycle, refunds, consent changes and abandoned carts.
 */
import { makePerson, personTraits, type Person } from './demo.people.ts';
import { browse, checkout, fillCart, productProps, refund, storePurchase, type Line, type SessionEnv, type Speaker } from './demo.sessions.ts';
import { weightedSampler, type Rng } from './demo.prng.ts';
import { DEMO_CURRENCY } from './demo.catalog.ts';
import type { DemoCatalog, Department, SegmentMessage } from './demo.types.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const HISTORY_DAYS = 180;

type Visit =
  | { at: number; kind: 'web' }
  | { at: number; kind: 'store' }
  | { at: number; kind: 'replenish'; line: Line; every: number }
  | { at: number; kind: 'refund'; orderId: string; lines: Line[]; who: Speaker };

/** Local hours when people shop online, evening-heavy; stores keep shop hours. */
const WEB_HOURS = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23].map((h) => [h, h >= 19 ? 3 : h >= 12 ? 2 : 1] as const);
const STORE_HOURS = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map((h) => [h, h >= 12 && h <= 18 ? 2 : 1] as const);

interface Timed { at: number; seq: number; msg: SegmentMessage }

export interface SimulationOptions { seed: number; now: number; shoppers: number }

export function simulateShoppers(rng: Rng, catalog: DemoCatalog, opts: SimulationOptions): SegmentMessage[] {
  const { products, meta } = catalog;
  const byDept = new Map<Department, (r: Rng) => number>();
  for (const dept of ['apparel', 'footwear', 'home', 'beauty', 'electronics'] as const) {
    const idx = meta.map((m, i) => (m.department === dept ? i : -1)).filter((i) => i >= 0);
    if (idx.length > 0) byDept.set(dept, weightedSampler(idx, idx.map((i) => meta[i]!.popularity)));
  }
  const lists = new Map<string, number[]>();
  products.forEach((p, i) => { const l = lists.get(p.productType) ?? []; l.push(i); lists.set(p.productType, l); });
  for (const l of lists.values()) l.sort((a, b) => meta[b]!.popularity - meta[a]!.popularity || a - b);

  const out: Timed[] = [];
  let seq = 0;
  let orders = 0;
  const prefix = `demo-${opts.seed.toString(36)}-`;
  const start = opts.now - HISTORY_DAYS * DAY;

  for (let i = 0; i < opts.shoppers; i++) {
    const r = rng.fork(i + 1);
    const person = makePerson(r, i);
    const depts = person.interests.filter(([d]) => byDept.has(d));
    let clock = 0;
    const env: SessionEnv = {
      rng: r,
      products,
      emit(who, msg, gap = [8, 90]) {
        clock += r.int(gap[0], gap[1]) * 1000;
        // Built field by field in one fixed order: spreads here dominated generation time.
        const full: SegmentMessage = { type: msg.type, messageId: prefix + seq.toString(36).padStart(6, '0'), timestamp: new Date(clock).toISOString() };
        if (msg.event !== undefined) full.event = msg.event;
        if (who.userId !== undefined) full.userId = who.userId;
        full.anonymousId = who.anonymousId;
        if (msg.traits !== undefined) full.traits = msg.traits;
        if (msg.properties !== undefined) full.properties = msg.properties;
        if (msg.context !== undefined) full.context = msg.context;
        out.push({ at: clock, seq: seq++, msg: full });
        return full.messageId;
      },
      nextOrderId: (p) => `${p}${String(100001 + orders++)}`,
      pickProduct: () => byDept.get(r.weighted(depts))!(r),
      listFor: (type) => lists.get(type) ?? [],
      replenishDays: (p) => meta[p]?.replenishDays,
    };
    simulateOne(person, r, env, start, opts.now, (t) => { clock = t; }, () => clock);
  }
  out.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return out.map((t) => t.msg);
}

function localTime(day: number, hours: ReadonlyArray<readonly [number, number]>, p: Person, r: Rng): number {
  const midnightUtc = Math.floor(day / DAY) * DAY;
  return midnightUtc + (r.weighted(hours) - p.offsetHours) * HOUR + r.int(0, 59) * 60_000;
}

function simulateOne(p: Person, r: Rng, env: SessionEnv, start: number, now: number, setClock: (t: number) => void, clock: () => number): void {
  const latest = now - 3 * HOUR;
  const firstSeen = now - Math.round(r.float(1, HISTORY_DAYS) * DAY);
  const [lo, hi] = p.kind === 'visitor' ? [1, 3] : r.weighted([[[1, 2], 40], [[2, 5], 38], [[5, 10], 17], [[10, 18], 5]] as const);
  const queue: Visit[] = [];
  const at = (day: number, hours: typeof WEB_HOURS) => {
    let t = localTime(day, hours, p, r);
    while (t > latest) t -= DAY;
    return Math.max(t, start);
  };
  for (let k = r.int(lo, hi); k > 0; k--) queue.push({ at: at(r.float(firstSeen, now), WEB_HOURS), kind: 'web' });
  if (p.homeStore) for (let k = r.int(0, 4); k > 0; k--) queue.push({ at: at(r.float(firstSeen, now), STORE_HOURS), kind: 'store' });
  const schedule = (v: Visit) => { if (v.at < latest) queue.push(v); };

  const device1 = r.uuid();
  const webVisits = queue.filter((v) => v.kind === 'web').length;
  const device2 = p.kind === 'member' && webVisits >= 3 && r.chance(0.3) ? r.uuid() : undefined;
  let webIndex = 0;
  const secondFrom = device2 ? r.int(2, webVisits - 1) : Infinity;
  const signUpAt = p.kind === 'member' ? r.int(0, Math.min(2, webVisits - 1)) : Infinity;
  const known = new Set<string>(); // devices on which the shopper has identified
  let orderCount = 0;
  let pendingCart: { id: string; lines: Line[] } | undefined;
  let consentChanged = false;
  const wishlist = p.userId ? `wl_${p.userId}` : undefined;

  const identify = (device: string, full: boolean) => {
    const traits = full ? personTraits(p, new Date(clock()).toISOString()) : { email: p.email };
    const who: Speaker = p.userId ? { userId: p.userId, anonymousId: device } : { anonymousId: device };
    if (!p.userId) Object.assign(traits, { firstName: p.firstName, lastName: p.lastName, consent: { ...p.consent } });
    env.emit(who, { type: 'identify', traits, context: { timezone: p.timezone } });
    known.add(device);
  };
  const afterOrder = (order: { orderId: string; lines: Line[] }, who: Speaker) => {
    orderCount++;
    if (r.chance(0.06)) schedule({ at: clock() + Math.round(r.float(3, 20) * DAY), kind: 'refund', orderId: order.orderId, lines: order.lines, who });
    for (const line of order.lines) {
      const every = env.replenishDays(line.p);
      // About half of consumable buyers come back on the product's cycle, give or take a week.
      if (every && r.chance(0.55)) schedule({ at: clock() + Math.round(every * r.float(0.85, 1.2) * DAY), kind: 'replenish', line: { ...line, quantity: 1 }, every });
    }
  };

  while (queue.length > 0) {
    queue.sort((a, b) => a.at - b.at);
    const visit = queue.shift()!;
    setClock(visit.at);
    if (visit.kind === 'refund') { refund(env, visit.who, visit.orderId, visit.lines); continue; }
    if (visit.kind === 'store') {
      const till: Speaker = { anonymousId: r.uuid() };
      afterOrder(storePurchase(env, till.anonymousId, p.loyaltyId!, p.homeStore!), till);
      continue;
    }
    const device = webIndex >= secondFrom && device2 ? device2 : device1;
    const who = (): Speaker => (known.has(device) && p.userId ? { userId: p.userId, anonymousId: device } : { anonymousId: device });
    const checkoutOpts = (complete: boolean) => ({ complete, isFirstOrder: orderCount === 0, isLoyaltyMember: p.loyaltyId !== undefined, monthUtc: new Date(clock()).getUTCMonth() });

    if (visit.kind === 'replenish') {
      if (!r.chance(0.75)) continue; // lapsed: a replenishment reminder would have helped
      if (!known.has(device) && p.kind !== 'visitor') identify(device, p.kind === 'member' && known.size === 0);
      const cart = { id: r.uuid(), lines: [visit.line] };
      env.emit(who(), { type: 'track', event: 'Product Viewed', properties: { ...productProps(env, visit.line), currency: DEMO_CURRENCY } });
      env.emit(who(), { type: 'track', event: 'Product Added', properties: { cart_id: cart.id, ...productProps(env, visit.line), currency: DEMO_CURRENCY } });
      const order = checkout(env, who(), cart, checkoutOpts(true));
      if (order) afterOrder(order, who());
      continue;
    }

    const thisVisit = webIndex++;
    const firstOnDevice = !known.has(device);
    const views = r.int(1, 4);
    browse(env, who(), { wishlist: known.has(device) ? wishlist : undefined, views: firstOnDevice ? Math.max(1, views - 2) : views });
    // Sign-up on the first device at its chosen visit; log-in on the second device on its first visit.
    if (p.kind === 'member' && firstOnDevice && (thisVisit >= signUpAt || device === device2)) identify(device, known.size === 0);
    if (p.kind === 'member' && known.has(device) && !consentChanged && p.consent.email_marketing && r.chance(0.03)) {
      // An unsubscribe from a marketing e-mail: consent changes after the fact.
      consentChanged = true;
      p.consent = { ...p.consent, email_marketing: false };
      env.emit(who(), { type: 'identify', traits: { consent: { ...p.consent } } });
    }
    const pBuy = p.buyer * 0.6;
    const intent = pendingCart && r.chance(0.35) ? 'resume' : r.weighted([['browse', 1 - pBuy - 0.2], ['abandon', 0.2], ['buy', pBuy]] as const);
    if (intent === 'browse') continue;
    const cart = intent === 'resume' ? pendingCart! : pendingCart ?? { id: r.uuid(), lines: [] };
    if (intent === 'resume') {
      env.emit(who(), { type: 'track', event: 'Cart Viewed', properties: { cart_id: cart.id, products: cart.lines.map((l) => productProps(env, l)) } });
    } else {
      fillCart(env, who(), cart, [env.pickProduct(), env.pickProduct(), env.pickProduct()]);
    }
    if (intent === 'abandon' || p.kind === 'visitor') {
      if (r.chance(0.4) && p.kind !== 'visitor') checkout(env, who(), cart, checkoutOpts(false));
      pendingCart = cart;
      continue;
    }
    // Buying needs an e-mail: members sign in, guests give one at checkout.
    if (!known.has(device)) identify(device, p.kind === 'member' && known.size === 0);
    const order = checkout(env, who(), cart, checkoutOpts(true));
    pendingCart = undefined;
    if (order) afterOrder(order, who());
  }
}
