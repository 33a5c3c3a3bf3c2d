import { describe, expect, it } from 'vitest';
import { createRng } from '../stats/index.ts';
import { buildShopper, buildWorld, checkoutProbability, conditioningOf, openProbability, persuasionProbability, react, unsubscribeProbability, WorldRun, type SiteContent } from './simulator.world.ts';
import { DEFAULT_SIM_CONFIG, contributionOf, type SimConfig, type SimMessage, type ShopperState, type UpliftType } from './simulator.types.ts';

const cfg = (over: Partial<SimConfig> = {}): SimConfig => ({ ...DEFAULT_SIM_CONFIG, shoppers: 400, days: 28, warmupDays: 7, ...over });
const only = (t: UpliftType) => ({ sure_thing: 0, persuadable: 0, lost_cause: 0, sleeping_dog: 0, [t]: 1 });
const msg = (over: Partial<SimMessage> = {}): SimMessage => ({ channel: 'email', offerPct: 0, reassurance: false, productIds: [], source: 'test', ...over });
const state = (): ShopperState => ({ lapsed: false, unsubscribed: false, pushOff: false, cart: null, dueHour: null, consumableId: null, received: [], souredUntil: -1, persuadedAt: null, offer: null, returnAt: null, orders: 0, seq: 0, offersSeen: [], pulledForwardUntil: null, waitingForDealUntil: null });

/** The world under "email everyone who consented every `every` days with `m`" (no Braid). */
function runWith(c: SimConfig, seed: number, m: SimMessage | null, every = 3) {
  const run = new WorldRun(buildWorld(c, seed));
  for (let h = 0; h < run.hours; h++) {
    if (m && h >= run.policyStartHour && (h - run.policyStartHour) % (every * 24) === 12) {
      for (const s of run.world.shoppers) if (s.emailConsent && !run.states[s.idx]!.unsubscribed) run.deliver(s.idx, m, h);
    }
    run.step(h);
  }
  const sum = (f: (i: number) => number) => run.ledgers.reduce((a, _l, i) => a + f(i), 0);
  return { run, orders: sum((i) => run.ledgers[i]!.orders), contribution: sum((i) => contributionOf(run.ledgers[i]!)), discount: sum((i) => run.ledgers[i]!.discount) };
}

describe('the world', () => {
  it('is deterministic per seed and differs across seeds (common random numbers)', () => {
    const a = runWith(cfg(), 7, null), b = runWith(cfg(), 7, null), c = runWith(cfg(), 8, null);
    expect(a.contribution).toBe(b.contribution);
    expect(a.orders).toBeGreaterThan(0);
    expect(c.contribution).not.toBe(a.contribution);
  });

  it("a persuadable's chance to buy rises with a message, more with a relevant one, an open cart or an offer", () => {
    const s = buildShopper(1, 0, cfg());
    const base = { cartOpen: false, due: false, relevant: false, lapsed: false };
    const plain = persuasionProbability(s, 'persuadable', msg(), base);
    expect(plain).toBeGreaterThan(0);
    expect(persuasionProbability(s, 'persuadable', msg(), { ...base, relevant: true })).toBeGreaterThan(plain);
    expect(persuasionProbability(s, 'persuadable', msg(), { ...base, cartOpen: true })).toBeGreaterThan(plain);
    expect(persuasionProbability(s, 'persuadable', msg({ offerPct: 20 }), base)).toBeGreaterThan(plain);
    expect(persuasionProbability(s, 'sure_thing', msg({ offerPct: 20 }), { ...base, cartOpen: true })).toBe(0);
    expect(persuasionProbability(s, 'sleeping_dog', msg({ offerPct: 20 }), { ...base, cartOpen: true })).toBe(0);
    // Whole populations: messaging persuadables earns orders; messaging sleeping dogs loses them.
    const c = cfg({ emailConsent: 1 });
    const none = runWith({ ...c, upliftMix: only('persuadable') }, 3, null);
    const sent = runWith({ ...c, upliftMix: only('persuadable') }, 3, msg({ productIds: ['sp_0', 'sp_1'] }));
    expect(sent.orders).toBeGreaterThan(none.orders * 1.05);
  });

  it("a sleeping dog's purchases fall when contacted", () => {
    const c = cfg({ emailConsent: 1, upliftMix: only('sleeping_dog'), shoppers: 600 });
    const none = runWith(c, 4, null), sent = runWith(c, 4, msg(), 2);
    expect(sent.orders).toBeLessThan(none.orders * 0.95);
  });

  it('fatigue: opening falls and unsubscribing rises with the week\'s message volume', () => {
    const s = buildShopper(1, 1, cfg());
    expect(openProbability(s, 'email', 6)).toBeLessThan(openProbability(s, 'email', 1) * 0.5);
    expect(unsubscribeProbability(s, 'email', 6)).toBeGreaterThan(unsubscribeProbability(s, 'email', 1) * 5);
    // Over many shoppers, a heavy week unsubscribes more of them than a light one.
    let light = 0, heavy = 0;
    for (let i = 0; i < 3000; i++) {
      const sh = buildShopper(2, i, cfg());
      const a = state(), b = state();
      const r1 = react(sh, a, msg(), 100, createRng(`l${i}`), new Map());
      if (r1.unsubscribed) light++;
      for (let k = 0; k < 7; k++) if (react(sh, b, msg(), 100 + k, createRng(`h${i}:${k}`), new Map()).unsubscribed) { heavy++; break; }
    }
    expect(heavy).toBeGreaterThan(light * 3);
  });

  it('an offer is used by whoever buys while holding it: sure things cost discount without adding orders', () => {
    const c = cfg({ emailConsent: 1, upliftMix: only('sure_thing') });
    const none = runWith(c, 5, null), sent = runWith(c, 5, msg({ offerPct: 20 }), 7);
    expect(sent.discount).toBeGreaterThan(0);
    expect(sent.contribution).toBeLessThan(none.contribution);
  });

  it('the checkout page: reassurance moves the returns-anxious, an offer moves deal seekers and is spent on that order', () => {
    const s = { ...buildShopper(1, 2, cfg()), returnsAnxiety: 0.8, dealSeeking: 0.6 };
    expect(checkoutProbability(s, 0.4, 0, true, false)).toBeGreaterThan(checkoutProbability(s, 0.4, 0, false, false));
    expect(checkoutProbability({ ...s, returnsAnxiety: 0 }, 0.4, 0, true, false)).toBe(0.4);
    expect(checkoutProbability(s, 0.4, 20, false, false)).toBeGreaterThan(checkoutProbability(s, 0.4, 10, false, false));
    expect(checkoutProbability(s, 0.4, 0, false, true)).toBeCloseTo(0.28, 12);
    // Whole worlds of one seed: the same draws, so showing nothing is the static site, and showing reassurance sells more.
    const site = (content: SiteContent | undefined) => {
      const run = new WorldRun(buildWorld(cfg(), 9));
      for (let h = 0; h < run.hours; h++) { const b = run.begin(h); run.finish(b.checkouts.map(() => content)); }
      return run.ledgers.reduce((a, l) => ({ orders: a.orders + l.orders, discount: a.discount + l.discount }), { orders: 0, discount: 0 });
    };
    const plain = runWith(cfg(), 9, null);
    expect(site(undefined).orders).toBe(plain.orders);
    expect(site({ offerPct: 0, reassurance: true }).orders).toBeGreaterThan(plain.orders);
    const offered = site({ offerPct: 10, reassurance: false });
    expect(offered.orders).toBeGreaterThan(plain.orders);
    expect(offered.discount).toBeGreaterThan(0);
  });
  it('promotion conditioning: offers seen in the last 28 days make full price harder and offers stronger, and fade', () => {
    const s = { ...buildShopper(1, 3, cfg()), dealSeeking: 0.5 };
    const st = state();
    expect(conditioningOf(st, 1000)).toBe(0);
    st.offersSeen.push({ hour: 990, pct: 20 });
    expect(conditioningOf(st, 1000)).toBeCloseTo(0.5, 12);
    st.offersSeen.push({ hour: 995, pct: 20 });
    expect(conditioningOf(st, 1000)).toBe(1);
    expect(conditioningOf(st, 995 + 28 * 24 + 1)).toBe(0);
    // No offer in hand: a conditioned shopper holds back; with one, they respond more.
    expect(checkoutProbability(s, 0.4, 0, false, false, 1, 0.5)).toBeCloseTo(0.4 * (1 - 0.25), 12);
    expect(checkoutProbability(s, 0.4, 0, false, false, 1, 0)).toBe(0.4);
    expect(checkoutProbability(s, 0.4, 20, false, false, 1, 0.5)).toBeGreaterThan(checkoutProbability(s, 0.4, 20, false, false, 0, 0.5));
  });

  it('a weekly 20% blast: conditioning shifts orders onto the discount, pull-forward takes back later orders (same draws otherwise)', () => {
    const c = cfg({ emailConsent: 1, shoppers: 600, days: 42 });
    const blast = msg({ offerPct: 20 });
    const plain = runWith({ ...c, promoConditioning: 0, pullForward: 0 }, 6, blast, 7);
    const conditioned = runWith({ ...c, promoConditioning: 0.5, pullForward: 0 }, 6, blast, 7);
    const pulled = runWith({ ...c, promoConditioning: 0, pullForward: 1 }, 6, blast, 7);
    expect(conditioned.discount / conditioned.orders).toBeGreaterThan(plain.discount / plain.orders);
    expect(pulled.orders).toBeLessThan(plain.orders);
    expect(pulled.contribution).toBeLessThan(plain.contribution);
    // Nobody contacted: neither effect changes anything.
    expect(runWith({ ...c, promoConditioning: 0.5, pullForward: 1 }, 6, null).contribution).toBe(runWith({ ...c, promoConditioning: 0, pullForward: 0 }, 6, null).contribution);
  });
});
