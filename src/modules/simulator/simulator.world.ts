/**
 * The world: a synthetic store and its shoppers, stepped one simulated hour at a time. Pure (no
 * I/O, no wall clock): the same seed gives the same world. Common random numbers: every random
 * draw comes from a stream derived from (seed, shopper, day or message), never from a stream
 * shared across shoppers, so two runs of the same seed under different policies differ only where
 * the policies made the shoppers' states differ. The behavioural model is in docs/simulator.md.
 */
import { createRng, type Rng } from '../stats/index.ts';
import type { Ledger, Product, SimEvent, SimMessage, Shopper, ShopperState, UpliftType } from './simulator.types.ts';
import { CATEGORIES, type World } from './simulator.population.ts';

export { buildCatalog, buildShopper, buildWorld, CATEGORIES, type World } from './simulator.population.ts';

// The catalog and shoppers are built in simulator.population.ts (re-exported here).
const HOUR = 3_600_000;
const DAY_H = 24;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round2 = (x: number) => Math.round(x * 100) / 100;


/** How well a price suits a shopper (1 at their level, lower the further away; quality lovers mind less). */
export function priceFit(s: Shopper, price: number, typical: number): number {
  const d = Math.abs(Math.log(price / (typical * s.priceLevel)));
  return Math.exp(-d * (1.2 - 0.8 * s.qualityOverPrice));
}

/** Messages in the week up to `hour` (the fatigue window). */
export const recentCount = (received: readonly number[], hour: number): number => received.filter((h) => h > hour - 7 * DAY_H && h <= hour).length;

/** Probability of unsubscribing on receipt: rises with the week's volume (and for sleeping dogs). */
export function unsubscribeProbability(s: Shopper, channel: 'email' | 'push', weekCount: number): number {
  return clamp01(s.unsubBase * Math.pow(Math.max(1, weekCount), 1.5) * (s.uplift[channel] === 'sleeping_dog' ? 3 : 1));
}

/** Probability of opening: their responsiveness, decaying with the week's volume. */
export function openProbability(s: Shopper, channel: 'email' | 'push', weekCount: number): number {
  return s.responsiveness[channel] * Math.exp(-0.18 * Math.max(0, weekCount - 1));
}

export interface MessageContext { cartOpen: boolean; due: boolean; relevant: boolean; lapsed: boolean; /** Added to deal_seeking by conditioning (see dealSeekingOf). */ dealRise?: number }

/** Days of offers that promotion conditioning remembers, and the exposure (sum of depths) that conditions fully. */
export const CONDITIONING_DAYS = 28;
export const CONDITIONING_FULL = 0.4;

/**
 * Promotion conditioning, 0-1: how trained the shopper is by the offers they saw (opened) in the
 * last 28 days; two 20% offers condition fully. Mela, Gupta & Lehmann (1997): regular promotions
 * make shoppers more deal-sensitive and less willing to pay full price.
 */
export function conditioningOf(st: Pick<ShopperState, 'offersSeen'>, hour: number): number {
  let e = 0;
  for (const o of st.offersSeen) if (o.hour > hour - CONDITIONING_DAYS * DAY_H && o.hour <= hour) e += o.pct / 100;
  return Math.min(1, e / CONDITIONING_FULL);
}

/** Discount sensitivity after conditioning: deal-seeking rises with exposure, by up to 0.4 × strength (SimConfig.promoConditioning; +0.2 at the default). */
export const dealRiseOf = (conditioning: number, strength: number): number => 0.4 * strength * conditioning;
export const dealSeekingOf = (s: Shopper, rise: number): number => clamp01(s.dealSeeking + rise);

/**
 * Probability that an opened message brings the shopper to buy (beyond what they would do anyway).
 * Sure things and lost causes barely move; persuadables move with context (an open cart, a due
 * rebuy), relevance, offer depth (times their discount sensitivity) and reassurance (times their
 * returns anxiety). Sleeping dogs never move toward buying (they sour instead, see react()).
 */
export function persuasionProbability(s: Shopper, type: UpliftType, msg: SimMessage, c: MessageContext): number {
  const offer = dealSeekingOf(s, c.dealRise ?? 0) * (msg.offerPct / 100);
  if (type === 'persuadable') {
    const p = 0.04 * (c.relevant ? 1.6 : 1) + (c.cartOpen ? 0.3 : 0) + (c.due ? 0.25 : 0) + offer * 1.0
      + (msg.reassurance ? 0.12 * s.returnsAnxiety : 0);
    return clamp01(p * (c.lapsed ? 0.5 : 1));
  }
  if (type === 'lost_cause') return msg.offerPct >= 20 ? offer * 0.15 : 0;
  return 0;
}

export interface Reaction { opened: boolean; unsubscribed: boolean; persuaded: boolean; soured: boolean }

/** A shopper's reaction to one message, given their state. Mutates the state; pure otherwise. `effects`: SimConfig's promoConditioning and pullForward (off when absent). */
export function react(s: Shopper, st: ShopperState, msg: SimMessage, hour: number, rng: Rng, products: ReadonlyMap<string, Product>, effects: { promoConditioning: number; pullForward: number } = { promoConditioning: 0, pullForward: 0 }): Reaction {
  st.received.push(hour);
  const out: Reaction = { opened: false, unsubscribed: false, persuaded: false, soured: false };
  if (msg.channel === 'push' ? st.pushOff : st.unsubscribed) return out;
  const n = recentCount(st.received, hour);
  if (rng.next() < unsubscribeProbability(s, msg.channel, n)) {
    if (msg.channel === 'push') st.pushOff = true; else st.unsubscribed = true;
    out.unsubscribed = true;
    return out;
  }
  if (rng.next() >= openProbability(s, msg.channel, n)) return out;
  out.opened = true;
  if (msg.offerPct > 0 && (!st.offer || st.offer.expiresHour < hour || st.offer.pct < msg.offerPct)) st.offer = { pct: msg.offerPct, expiresHour: hour + 7 * DAY_H };
  // Conditioning is read before this offer counts: the message meets the shopper as they were.
  const conditioning = conditioningOf(st, hour);
  if (msg.offerPct > 0) {
    st.offersSeen = st.offersSeen.filter((o) => o.hour > hour - CONDITIONING_DAYS * DAY_H);
    st.offersSeen.push({ hour, pct: msg.offerPct });
  }
  const type = s.uplift[msg.channel];
  if (type === 'sleeping_dog') {
    if (rng.next() < 0.35) { st.souredUntil = hour + 30 * DAY_H; out.soured = true; }
    return out;
  }
  if (msg.offerPct > 0 && st.waitingForDealUntil !== null && st.waitingForDealUntil >= hour && st.cart) {
    // The deal they held back for: they come back for the cart (deal-to-deal buying).
    st.waitingForDealUntil = null;
    st.lapsed = false;
    st.persuadedAt = hour + 1 + rng.int(4);
    return out;
  }
  const top = s.catWeights.indexOf(Math.max(...s.catWeights));
  const relevant = msg.productIds.some((id) => st.cart?.productIds.includes(id) || id === st.consumableId || products.get(id)?.cat === top);
  const ctx: MessageContext = {
    cartOpen: !!st.cart && hour - st.cart.hour < 72, due: st.dueHour !== null && Math.abs(hour - st.dueHour) <= 5 * DAY_H, relevant, lapsed: st.lapsed, dealRise: dealRiseOf(conditioning, effects.promoConditioning),
  };
  if (rng.next() < persuasionProbability(s, type, msg, ctx)) {
    out.persuaded = true;
    st.lapsed = false;
    st.persuadedAt = hour + 1 + rng.int(4);
    // Pull-forward: a discount that brings a shopper with nothing in progress (no open cart, no
    // due rebuy) to buy often only moves an order they would have placed within weeks.
    if (msg.offerPct > 0 && !ctx.cartOpen && !ctx.due && rng.next() < effects.pullForward) st.pulledForwardUntil = hour + 30 * DAY_H;
  }
  return out;
}

/**
 * What the site shows at checkout (from Braid's /v1/decide in the Braid run; nothing in the
 * baselines, whose site is the store's static one): an offer applies to this order, and
 * reassurance (free returns, delivery promise, warranty, size advice) moves the returns-anxious
 * with the same weight as in a message.
 */
export interface SiteContent { offerPct: number; reassurance: boolean }
export const REASSURANCE_WEIGHT = 0.12;

/** A session that reached checkout and waits for what the site shows (see WorldRun.begin/finish). */
export interface Checkout { shopper: number; hour: number; userId: string; productIds: string[]; value: number }
interface PendingCheckout extends Checkout { rng: Rng; minute: number; pBuy: number; persuaded: boolean }

/**
 * P(buy at checkout) once the site's content and the offer the shopper holds are known. A
 * conditioned shopper (`conditioning` > 0) with no offer in hand holds back from paying full price
 * (`holdBack`: SimConfig.promoConditioning), and one with an offer responds to it more.
 */
export function checkoutProbability(s: Shopper, base: number, offerPct: number, reassured: boolean, soured: boolean, conditioning = 0, holdBack = 0): number {
  let p = base;
  if (offerPct > 0) p += (1 - p) * dealSeekingOf(s, dealRiseOf(conditioning, holdBack)) * (offerPct / 100) * 2;
  else p *= 1 - holdBack * s.dealSeeking * conditioning;
  if (reassured) p += (1 - p) * REASSURANCE_WEIGHT * s.returnsAnxiety;
  return soured ? p * 0.7 : p;
}

export const emptyLedger = (): Ledger => ({ revenue: 0, cogs: 0, discount: 0, returnsCost: 0, orders: 0, messages: 0, unsubscribed: false });
const newState = (): ShopperState => ({
  lapsed: false, unsubscribed: false, pushOff: false, cart: null, dueHour: null, consumableId: null, received: [], souredUntil: -1, persuadedAt: null, offer: null, returnAt: null, orders: 0, seq: 0,
  offersSeen: [], pulledForwardUntil: null, waitingForDealUntil: null,
});

/**
 * One run of the world under one policy. `step(hour)` returns the events of that hour; messages
 * enter through `deliver`. Books are kept from the end of the warm-up.
 */
export class WorldRun {
  readonly states: ShopperState[];
  readonly ledgers: Ledger[];
  /** Contribution booked per policy day (index 0 = first day after the warm-up). */
  readonly daily: Array<{ contribution: number; discount: number; revenue: number; messages: number }>;
  private readonly planned = new Map<number, number[]>();
  private readonly returns = new Map<number, Array<{ i: number; orderId: string; revenue: number; cogs: number; discount: number }>>();
  private readonly productsById: Map<string, Product>;
  private readonly warmupH: number;
  private pending: PendingCheckout[] = [];

  constructor(readonly world: World) {
    this.states = world.shoppers.map(newState);
    this.ledgers = world.shoppers.map(emptyLedger);
    this.daily = Array.from({ length: world.cfg.days }, () => ({ contribution: 0, discount: 0, revenue: 0, messages: 0 }));
    this.productsById = new Map(world.products.map((p) => [p.id, p]));
    this.warmupH = world.cfg.warmupDays * DAY_H;
  }

  get hours(): number { return (this.world.cfg.warmupDays + this.world.cfg.days) * DAY_H; }
  get policyStartHour(): number { return this.warmupH; }
  product(id: string): Product | undefined { return this.productsById.get(id); }

  private dayRng(i: number, day: number): Rng { return createRng(`${this.world.seed}:${i}:d${day}`); }
  private ts(hour: number, minute: number): string { return new Date(this.world.startMs + hour * HOUR + minute * 60_000).toISOString(); }
  private book(hour: number, f: (d: { contribution: number; discount: number; revenue: number; messages: number }) => void): void {
    if (hour >= this.warmupH) { const d = this.daily[Math.floor((hour - this.warmupH) / DAY_H)]; if (d) f(d); }
  }

  /** The opening identify of every shopper (email, consent), at hour 0. */
  identities(): SimEvent[] {
    return this.world.shoppers.map((s) => ({
      type: 'identify', userId: s.userId, shopper: s.idx, hour: 0, timestamp: this.ts(0, 0),
      traits: {
        email: s.email, first_name: `Shopper${s.idx}`, consent: { email_marketing: s.emailConsent, ...(s.app ? { push_marketing: true } : {}) },
        ...(s.app ? { push_token: s.pushToken } : {}),
      },
    }));
  }

  /** A message reaches shopper i at `hour`. */
  deliver(i: number, msg: SimMessage, hour: number): Reaction {
    const s = this.world.shoppers[i]!, st = this.states[i]!;
    const rng = createRng(`${this.world.seed}:${i}:m${hour}:${st.received.length}`);
    if (hour >= this.warmupH) { this.ledgers[i]!.messages++; this.book(hour, (d) => { d.messages++; }); }
    const r = react(s, st, msg, hour, rng, this.productsById, this.world.cfg);
    if (r.unsubscribed && hour >= this.warmupH) this.ledgers[i]!.unsubscribed = true;
    return r;
  }

  /** Advances the world through `hour` with the static site (no content at checkout) and returns its events. */
  step(hour: number): SimEvent[] {
    const { events } = this.begin(hour);
    events.push(...this.finish([]));
    return events;
  }

  /**
   * The first half of an hour: refunds and sessions up to checkout. Sessions that reached checkout
   * wait (`checkouts`) until `finish` is told what the site showed each of them, so a policy can
   * ask Braid for the checkout page in between. Draws are the same whatever the site shows.
   */
  begin(hour: number): { events: SimEvent[]; checkouts: Checkout[] } {
    const out: SimEvent[] = [];
    if (hour % DAY_H === 0) this.planDay(hour / DAY_H);
    for (const r of this.returns.get(hour) ?? []) {
      const s = this.world.shoppers[r.i]!;
      out.push({ type: 'track', userId: s.userId, event: 'Order Refunded', shopper: r.i, hour, timestamp: this.ts(hour, 30), properties: { order_id: r.orderId, revenue: r.revenue } });
      if (hour >= this.warmupH) {
        const l = this.ledgers[r.i]!;
        l.revenue -= r.revenue; l.cogs -= r.cogs; l.discount -= r.discount; l.returnsCost += this.world.cfg.returnCost;
        this.book(hour, (d) => { d.contribution -= r.revenue - r.cogs - r.discount + this.world.cfg.returnCost; d.revenue -= r.revenue; d.discount -= r.discount; });
      }
    }
    this.returns.delete(hour);
    const who = new Set(this.planned.get(hour) ?? []);
    this.planned.delete(hour);
    for (let i = 0; i < this.states.length; i++) {
      const st = this.states[i]!;
      if (st.persuadedAt === hour || st.returnAt === hour) who.add(i);
    }
    for (const i of [...who].sort((a, b) => a - b)) this.session(i, hour, out);
    return { events: out, checkouts: [...this.pending] };
  }

  /** The second half: each waiting checkout (in `begin`'s order) with what the site showed it (`content[k]`, none when missing). */
  finish(content: ReadonlyArray<SiteContent | undefined>): SimEvent[] {
    const out: SimEvent[] = [];
    const pending = this.pending;
    this.pending = [];
    pending.forEach((c, k) => this.checkout(c, content[k], out));
    return out;
  }

  private planDay(day: number): void {
    for (let i = 0; i < this.states.length; i++) {
      const s = this.world.shoppers[i]!, st = this.states[i]!;
      const rng = this.dayRng(i, day);
      const hour = day * DAY_H;
      const soured = st.souredUntil > hour;
      if (!st.lapsed && rng.next() < s.churnHazard * (soured ? 3 : 1)) st.lapsed = true;
      // A due rebuy: they remember on their own with some chance a day; long overdue, they buy elsewhere.
      let remind = 0;
      if (st.dueHour !== null && hour >= st.dueHour) {
        if (hour - st.dueHour > 10 * DAY_H) { st.dueHour = null; st.consumableId = null; } else remind = 0.22;
      }
      const rate = st.lapsed ? 0 : s.visitRate * (soured ? 0.4 : 1);
      const p = 1 - (1 - (1 - Math.exp(-rate))) * (1 - (st.lapsed ? 0 : remind));
      if (rng.next() < p) {
        const h = hour + Math.min(23, Math.max(0, s.preferredHour + rng.int(5) - 2));
        let list = this.planned.get(h);
        if (!list) this.planned.set(h, list = []);
        list.push(i);
      }
    }
  }

  private session(i: number, hour: number, out: SimEvent[]): void {
    const s = this.world.shoppers[i]!, st = this.states[i]!;
    const persuaded = st.persuadedAt === hour, returning = st.returnAt === hour;
    if (persuaded) st.persuadedAt = null;
    if (returning) st.returnAt = null;
    const rng = this.dayRng(i, Math.floor(hour / DAY_H)).fork(`s${hour}${persuaded ? 'p' : returning ? 'r' : 'o'}`);
    const ev = (event: string, minute: number, properties: Record<string, unknown>) =>
      out.push({ type: 'track', userId: s.userId, event, shopper: i, hour, timestamp: this.ts(hour, minute), properties });
    const replenish = st.dueHour !== null && st.consumableId !== null && hour >= st.dueHour - 3 * DAY_H;
    let items: Product[];
    if (st.cart && (returning || persuaded || rng.next() < 0.5)) items = st.cart.productIds.map((id) => this.productsById.get(id)!).filter(Boolean);
    else if (replenish) items = [this.productsById.get(st.consumableId!)!];
    else {
      let u = rng.next(), cat = 0;
      for (; cat < s.catWeights.length - 1; cat++) { u -= s.catWeights[cat]!; if (u < 0) break; }
      const pool = this.world.byCat[cat]!;
      let best = pool[rng.int(pool.length)]!;
      for (let k = 0; k < 2; k++) { const c = pool[rng.int(pool.length)]!; if (priceFit(s, c.price, CATEGORIES[cat]!.price) > priceFit(s, best.price, CATEGORIES[best.cat]!.price)) best = c; }
      items = [best];
    }
    const minute = rng.int(40);
    const first = items[0]!;
    ev('Product Viewed', minute, { product_id: first.id, price: first.price, category: first.category, name: first.title });
    const fit = priceFit(s, first.price, CATEGORIES[first.cat]!.price);
    const pCart = persuaded ? 0.9 : returning ? 0.8 : replenish ? 0.7 : 0.3 * fit;
    if (rng.next() >= pCart) return;
    if (st.pulledForwardUntil !== null && !persuaded && !returning && !st.cart) {
      // The order a pulled-forward purchase already served: the shopper has it and stops here (a
      // separate stream, so the session's own draws stay the same).
      if (hour >= st.pulledForwardUntil) st.pulledForwardUntil = null;
      else if (rng.fork('pf').next() < (replenish ? 0.8 : s.buyPropensity * fit)) { st.pulledForwardUntil = null; return; }
    }
    if (!st.cart) {
      st.seq++;
      st.cart = { orderId: `so_${i}_${st.seq}`, productIds: items.map((p) => p.id), value: round2(items.reduce((a, p) => a + p.price, 0)), hour };
      ev('Product Added', minute + 2, { product_id: first.id, price: first.price, quantity: 1, cart_id: st.cart.orderId });
    }
    const cart = st.cart;
    const lines = cart.productIds.map((id) => this.productsById.get(id)!);
    ev('Checkout Started', minute + 5, { order_id: cart.orderId, value: cart.value, currency: 'USD', products: lines.map((p) => ({ product_id: p.id, price: p.price, quantity: 1, category: p.category })) });
    const pBuy = persuaded ? 0.85 : returning ? 0.55 : replenish ? 0.8 : s.buyPropensity * fit;
    this.pending.push({ shopper: i, hour, userId: s.userId, productIds: [...cart.productIds], value: cart.value, rng, minute, pBuy, persuaded });
  }

  private checkout(c: PendingCheckout, site: SiteContent | undefined, out: SimEvent[]): void {
    const { shopper: i, hour, rng, minute } = c;
    const s = this.world.shoppers[i]!, st = this.states[i]!;
    const cart = st.cart!;
    const lines = cart.productIds.map((id) => this.productsById.get(id)!);
    const ev = (event: string, m: number, properties: Record<string, unknown>) =>
      out.push({ type: 'track', userId: s.userId, event, shopper: i, hour, timestamp: this.ts(hour, m), properties });
    const held = st.offer && st.offer.expiresHour >= hour ? st.offer.pct : 0;
    const offer = Math.max(held, site?.offerPct ?? 0);
    // A persuaded shopper came for this order; conditioning holds back the others.
    const conditioning = c.persuaded ? 0 : conditioningOf(st, hour);
    const pBuy = checkoutProbability(s, c.pBuy, offer, site?.reassurance ?? false, st.souredUntil > hour, conditioning, this.world.cfg.promoConditioning);
    // An offer the page shows trains the shopper too (they learn the site gives codes at checkout).
    if ((site?.offerPct ?? 0) > 0) st.offersSeen.push({ hour, pct: site!.offerPct });
    const u = rng.next();
    if (u >= pBuy) {
      // Held back only by conditioning: they wait for the next deal (two weeks) for this cart.
      if (conditioning > 0 && u < checkoutProbability(s, c.pBuy, offer, site?.reassurance ?? false, st.souredUntil > hour)) st.waitingForDealUntil = hour + 14 * DAY_H;
      // Abandoned: some come back on their own within two days (the sure things of cart recovery).
      if (st.returnAt === null && rng.next() < 0.3) st.returnAt = hour + 2 + rng.int(46);
      return;
    }
    const revenue = cart.value, cogs = round2(lines.reduce((a, p) => a + p.cost, 0)), discount = round2(revenue * offer / 100);
    ev('Order Completed', minute + 9, {
      order_id: cart.orderId, revenue, discount, currency: 'USD', ...(offer > 0 ? { coupon: `SIM${offer}` } : {}),
      products: lines.map((p) => ({ product_id: p.id, price: p.price, quantity: 1, category: p.category })),
    });
    st.cart = null; st.orders++;
    if (held > 0 && held >= offer) st.offer = null;
    if (st.returnAt !== null && st.returnAt > hour) st.returnAt = null;
    const consumable = lines.find((p) => p.consumable);
    if (consumable && s.replenishDays !== null) { st.consumableId = consumable.id; st.dueHour = hour + Math.round(s.replenishDays * DAY_H * (0.85 + 0.3 * rng.next())); }
    if (hour >= this.warmupH) {
      const l = this.ledgers[i]!;
      l.revenue += revenue; l.cogs += cogs; l.discount += discount; l.orders++;
      this.book(hour, (d) => { d.contribution += revenue - cogs - discount; d.revenue += revenue; d.discount += discount; });
    }
    if (rng.next() < s.returnRate * (1 + s.returnsAnxiety)) {
      const at = hour + (7 + rng.int(8)) * DAY_H;
      let list = this.returns.get(at);
      if (!list) this.returns.set(at, list = []);
      list.push({ i, orderId: cart.orderId, revenue, cogs, discount });
    }
  }
}
