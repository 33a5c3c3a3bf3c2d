/**
 * `npm run eval:sim-ceiling -- [--shoppers N] [--days D] [--first-seed S] [--seeds K] [--targeting]`: what a
 * Braid-like policy that makes every content choice right could earn in the simulator's world, in
 * memory (no Braid), next to blast. It answers "how far is Braid from what its flows can earn?",
 * separately from "how well does the brain learn?". Variants (each on the same shoppers and seeds):
 *
 * - checkout:   reassurance at every treated checkout page, no messages;
 * - plain:      + one cart email an hour after an abandoned checkout (quiet hours 21-08), no
 *               reassurance, no offer; + a replenishment reminder (daily at 14:00, shoppers with 2+
 *               consumable orders whose own interval says they are due within 3 days, at most
 *               weekly; no offer); emails with a 10% per-worker holdout, as Braid's playbooks;
 * - reassure:   the same with reassurance in the cart email (what Braid's content slot adds);
 * - noHoldout:  the same without the per-worker holdout (only the 10% global control group);
 * - second:     noHoldout plus a second cart email a day later while the cart is still open
 *               (more messages than the rules policy: shown for scale, not a target-meeting policy).
 *
 * With `--targeting` (December 6, fifth session), in place of checkout and plain: Braid's shipped
 * playbooks as variants, per-worker holdouts kept and replenishment once per purchase cycle
 * (`once`: no reminder again until an order since the last one), with a second cart email a day
 * later for every cart (`secAll`), for carts at or above the 40th/50th/60th percentile of the
 * carts the store has seen by value (`secV40`, `secV50`, `secV60`) or by margin (`secM50`), for
 * shoppers with 2+ or 3+ sessions in the last 14 days (`secS2`, `secS3`), for shoppers without
 * (`secNew`) or with (`secBuyer`) an earlier order: which targeting of the last call earns most
 * within the rules policy's message count. December 6, sixth session: by the first cart email's
 * engagement as a mail client reveals it (simulator.engagement.ts: opens only through the pixel,
 * images on for 80% of shoppers; clicks when the shopper acts on it): `secOpen`, `secNoOpen`,
 * `secClick`, `secOpenNoClick`, with the value rank (`secOpenV40`, `secNoOpenV40`, `secNoOpenV20`),
 * and a second replenishment reminder 3 days after one not seen opened (`…RepNudge`).
 *
 * Nothing reads a hidden trait: every choice uses what Braid sees (events, consent). Ends with one
 * JSON line of six-seed means and their ratio to blast.
 */
import { parseArgs } from '../src/cli/args.ts';
import { buildWorld, contributionOf, DEFAULT_SIM_CONFIG, IMAGES_ON_SHARE, reveal, runBaseline, WorldRun, type SimConfig } from '../src/modules/simulator/index.ts';

interface Variant {
  checkout: boolean; cart: boolean; reassure: boolean; replenish: boolean; workerHoldout: boolean; second: boolean;
  /** Replenishment: once per purchase cycle (not again until an order since the last reminder) instead of weekly while overdue. */
  oncePerCycle?: boolean;
  /** Second cart email only for carts at or above this quantile (0-1) of the carts the store has seen (by value, or by margin). */
  secondQuantile?: number; secondBy?: 'value' | 'margin';
  /** Second cart email only for shoppers with at least this many sessions (Product Viewed) in the last 14 days. */
  secondMinSessions?: number;
  /** Second cart email only for shoppers with (true) / without (false) an earlier order. */
  secondBuyers?: boolean;
  /**
   * Second cart email only when the first cart email's engagement, as Braid could observe it, is:
   * `opened` (the pixel loaded, or a click), `notOpened` (no pixel and no click), `clicked` (they
   * visited from it), `openedNoClick` (pixel loaded, no visit).
   */
  secondEngagement?: 'opened' | 'notOpened' | 'clicked' | 'openedNoClick';
  /** Replenishment: a second reminder 3 days later when the first was not observed opened (and no order since). */
  replenishNudge?: boolean;
}
interface Send { i: number; cartId?: string; products: string[]; reassurance: boolean; /** Record the reaction under this key (the first email). */ key?: string; /** Send only when the keyed first email's observed engagement matches. */ needs?: { key: string; is: NonNullable<Variant['secondEngagement']> } }
/**
 * The reveal (what a real mail client tells the sender, simulator.engagement.ts): an open is seen
 * only when the client loads the pixel (images on: 80% of shoppers, SIM_IMAGES_ON to change it);
 * a click only when the shopper acts on the message (they visit from it). A click proves the open.
 */
type Seen = { opened: boolean; clicked: boolean };
const share = Number(process.env.SIM_IMAGES_ON ?? IMAGES_ON_SHARE);
const seen = (i: number, r: { opened: boolean; persuaded: boolean }): Seen => { const v = reveal(i, r, share); return { opened: v.pixel || v.click, clicked: v.click }; };
const matches = (s: Seen | undefined, is: NonNullable<Variant['secondEngagement']>): boolean => {
  if (!s) return false; // the first email never went out (unsubscribed, no consent): no last call
  if (is === 'opened') return s.opened;
  if (is === 'notOpened') return !s.opened;
  if (is === 'clicked') return s.clicked;
  return s.opened && !s.clicked;
};
const DAY = 24;

function run(cfg: SimConfig, seed: number, v: Variant): WorldRun {
  const r = new WorldRun(buildWorld(cfg, seed));
  const control = (i: number) => (i * 2654435761) % 100 < 10;
  const workerHeldOut = (i: number, salt: number) => v.workerHoldout && ((i * 40503 + salt * 7919) % 100) < 10;
  const consumables = new Set(r.world.products.filter((p) => p.consumable).map((p) => p.id));
  const queue = new Map<number, Send[]>();
  const at = (h: number, s: Send) => { let l = queue.get(h); if (!l) queue.set(h, l = []); l.push(s); };
  const open = new Map<string, { i: number; hour: number; products: string[]; value: number; margin: number }>();
  const cost = new Map(r.world.products.map((p) => [p.id, p.cost]));
  const seenValues: number[] = [], seenMargins: number[] = [];
  const views = new Map<number, number[]>();
  const orders = new Map<number, number>(), lastOrder = new Map<number, number>();
  const quantile = (xs: number[], q: number) => { const a = [...xs].sort((x, y) => x - y); return a.length === 0 ? 0 : a[Math.min(a.length - 1, Math.floor(q * a.length))]!; };
  const wantsSecond = (c: { i: number; hour: number; value: number; margin: number }): boolean => {
    if (v.secondQuantile !== undefined) {
      const by = v.secondBy === 'margin' ? c.margin : c.value;
      if (by < quantile(v.secondBy === 'margin' ? seenMargins : seenValues, v.secondQuantile)) return false;
    }
    if (v.secondMinSessions !== undefined && (views.get(c.i) ?? []).filter((x) => x > c.hour - 14 * DAY).length < v.secondMinSessions) return false;
    if (v.secondBuyers !== undefined && (orders.get(c.i) ?? 0) > 0 !== v.secondBuyers) return false;
    return true;
  };
  const ordered = new Set<string>();
  const consumableOrders = new Map<number, number[]>();
  const reminded = new Map<number, number>();
  const reactions = new Map<string, Seen>();
  for (let h = 0; h < r.hours; h++) {
    for (const s of queue.get(h) ?? []) {
      if (s.cartId !== undefined && ordered.has(s.cartId)) continue;
      if (s.needs && !matches(reactions.get(s.needs.key), s.needs.is)) continue;
      if (s.needs?.key.startsWith('rep:') && (lastOrder.get(s.i) ?? -Infinity) > Number(s.needs.key.split(':')[2])) continue;
      if (r.world.shoppers[s.i]!.emailConsent && !r.states[s.i]!.unsubscribed) {
        const rx = r.deliver(s.i, { channel: 'email', offerPct: 0, reassurance: s.reassurance, productIds: s.products, source: 'ceiling' }, h);
        if (s.key) reactions.set(s.key, seen(s.i, rx));
      }
    }
    queue.delete(h);
    const b = r.begin(h);
    const active = h >= r.policyStartHour;
    const site = b.checkouts.map((c) => (v.checkout && active && !control(c.shopper) ? { offerPct: 0, reassurance: true } : undefined));
    for (const e of [...b.events, ...r.finish(site)]) {
      const p = e.properties ?? {};
      const products = ((p.products as Array<{ product_id: string }> | undefined) ?? []).map((x) => x.product_id);
      if (e.event === 'Product Viewed') { const l = views.get(e.shopper) ?? []; l.push(e.hour); views.set(e.shopper, l); }
      if (e.event === 'Checkout Started') {
        const value = Number(p.value ?? 0), margin = value - products.reduce((a, id) => a + (cost.get(id) ?? 0), 0);
        seenValues.push(value); seenMargins.push(margin);
        open.set(String(p.order_id), { i: e.shopper, hour: e.hour, products, value, margin });
      }
      if (e.event === 'Order Completed') {
        open.delete(String(p.order_id)); ordered.add(String(p.order_id)); orders.set(e.shopper, (orders.get(e.shopper) ?? 0) + 1); lastOrder.set(e.shopper, e.hour);
        if (products.some((id) => consumables.has(id))) { const l = consumableOrders.get(e.shopper) ?? []; l.push(e.hour); consumableOrders.set(e.shopper, l); }
      }
    }
    for (const [id, c] of v.cart ? open : []) {
      if (h - c.hour < 1) continue;
      open.delete(id);
      if (!active || control(c.i) || workerHeldOut(c.i, c.hour)) continue;
      const next = h + 1, hod = next % DAY, when = hod >= 21 ? next + (32 - hod) : hod < 8 ? next + (8 - hod) : next;
      at(when, { i: c.i, products: c.products, reassurance: v.reassure, key: id });
      if (v.second && wantsSecond(c)) at(when + DAY, { i: c.i, cartId: id, products: c.products, reassurance: v.reassure, ...(v.secondEngagement ? { needs: { key: id, is: v.secondEngagement } } : {}) });
    }
    if (v.replenish && active && h % DAY === 14) {
      for (const [i, l] of consumableOrders) {
        if (control(i) || l.length < 2 || (reminded.get(i) ?? -Infinity) > h - 7 * DAY) continue;
        if (v.oncePerCycle && (reminded.get(i) ?? -Infinity) > (lastOrder.get(i) ?? -Infinity)) continue;
        const due = l[l.length - 1]! + (l[l.length - 1]! - l[0]!) / (l.length - 1);
        if (due - h > 3 * DAY || h - due > 10 * DAY) continue;
        reminded.set(i, h);
        if (!workerHeldOut(i, h)) {
          at(h + 1, { i, products: [], reassurance: false, key: `rep:${i}:${h}` });
          if (v.replenishNudge) at(h + 1 + 3 * DAY, { i, products: [], reassurance: false, needs: { key: `rep:${i}:${h}`, is: 'notOpened' } });
        }
      }
    }
  }
  return r;
}

const VARIANTS: Record<string, Variant> = {
  checkout: { checkout: true, cart: false, reassure: false, replenish: false, workerHoldout: true, second: false },
  plain: { checkout: true, cart: true, reassure: false, replenish: true, workerHoldout: true, second: false },
  reassure: { checkout: true, cart: true, reassure: true, replenish: true, workerHoldout: true, second: false },
  noHoldout: { checkout: true, cart: true, reassure: true, replenish: true, workerHoldout: false, second: false },
  second: { checkout: true, cart: true, reassure: true, replenish: true, workerHoldout: false, second: true },
};
// Braid's playbooks as shipped (per-worker holdouts kept): replenishment once per cycle, and the
// last call targeted (only what Braid sees).
const SHIPPED = { checkout: true, cart: true, reassure: true, replenish: true, workerHoldout: true, oncePerCycle: true } as const;
if (process.argv.includes('--targeting')) {
  delete (VARIANTS as Record<string, Variant>).plain; delete (VARIANTS as Record<string, Variant>).checkout;
  Object.assign(VARIANTS, {
    once: { ...SHIPPED, second: false },
    secAll: { ...SHIPPED, second: true },
    secV40: { ...SHIPPED, second: true, secondQuantile: 0.4 },
    secV50: { ...SHIPPED, second: true, secondQuantile: 0.5 },
    secV60: { ...SHIPPED, second: true, secondQuantile: 0.6 },
    secM50: { ...SHIPPED, second: true, secondQuantile: 0.5, secondBy: 'margin' },
    secS2: { ...SHIPPED, second: true, secondMinSessions: 2 },
    secS3: { ...SHIPPED, second: true, secondMinSessions: 3 },
    secNew: { ...SHIPPED, second: true, secondBuyers: false },
    secBuyer: { ...SHIPPED, second: true, secondBuyers: true },
    // December 6, sixth session: the first email's engagement as the world reveals it.
    secOpen: { ...SHIPPED, second: true, secondEngagement: 'opened' },
    secNoOpen: { ...SHIPPED, second: true, secondEngagement: 'notOpened' },
    secClick: { ...SHIPPED, second: true, secondEngagement: 'clicked' },
    secOpenNoClick: { ...SHIPPED, second: true, secondEngagement: 'openedNoClick' },
    secOpenV40: { ...SHIPPED, second: true, secondEngagement: 'opened', secondQuantile: 0.4 },
    secNoOpenV40: { ...SHIPPED, second: true, secondEngagement: 'notOpened', secondQuantile: 0.4 },
    secNoOpenV20: { ...SHIPPED, second: true, secondEngagement: 'notOpened', secondQuantile: 0.2 },
    secV40RepNudge: { ...SHIPPED, second: true, secondQuantile: 0.4, replenishNudge: true },
    secOpenRepNudge: { ...SHIPPED, second: true, secondEngagement: 'opened', replenishNudge: true },
  });
}

const { flags } = parseArgs(process.argv.slice(2));
const num = (k: string, d: number) => (typeof flags[k] === 'string' ? Number(flags[k]) : d);
const cfg: SimConfig = { ...DEFAULT_SIM_CONFIG, shoppers: num('shoppers', 2000), days: num('days', 60), warmupDays: 30 };
const first = num('first-seed', 1), seeds = num('seeds', 6);
const total = (r: WorldRun, f: (i: number) => number) => r.ledgers.reduce((a, _l, i) => a + f(i), 0);
const mean: Record<string, number> = {}, msgs: Record<string, number> = {};
for (let seed = first; seed < first + seeds; seed++) {
  const none = runBaseline(cfg, seed, 'none');
  const base = total(none, (i) => contributionOf(none.ledgers[i]!));
  const runs: Record<string, WorldRun> = { blast: runBaseline(cfg, seed, 'blast'), rules: runBaseline(cfg, seed, 'rules') };
  for (const [k, v] of Object.entries(VARIANTS)) runs[k] = run(cfg, seed, v);
  const row: Record<string, number> = { seed };
  for (const [k, r] of Object.entries(runs)) {
    const inc = total(r, (i) => contributionOf(r.ledgers[i]!)) - base;
    row[k] = Math.round(inc);
    mean[k] = (mean[k] ?? 0) + inc / seeds;
    msgs[k] = (msgs[k] ?? 0) + total(r, (i) => r.ledgers[i]!.messages) / seeds;
  }
  console.log(JSON.stringify(row));
}
const r2 = (x: number) => Math.round(x * 100) / 100;
console.log(JSON.stringify({
  shoppers: cfg.shoppers, days: cfg.days, seeds: `${first}-${first + seeds - 1}`,
  incremental: Object.fromEntries(Object.entries(mean).map(([k, v]) => [k, Math.round(v)])),
  vs_blast: Object.fromEntries(Object.entries(mean).filter(([k]) => k !== 'blast').map(([k, v]) => [k, r2(v / mean.blast!)])),
  messages: Object.fromEntries(Object.entries(msgs).map(([k, v]) => [k, Math.round(v)])),
}));
