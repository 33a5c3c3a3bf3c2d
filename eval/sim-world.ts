/**
 * `npm run eval:sim-world -- [--shoppers N] [--days D] [--seeds K] [--promo-conditioning X] [--pull-forward Y]`:
 * the simulator's world in memory, without Braid: the three baselines and a Braid-like stand-in
 * (each abandoned cart emailed once an hour later with reassurance, 15% of them with a 10% code;
 * two thirds of checkouts reassured; a 10% control group sits out). It shows how the world's
 * assumptions (docs/simulator.md) move each policy's incremental contribution, in seconds rather
 * than a Braid run's minutes. Ends with one JSON line.
 */
import { parseArgs } from '../src/cli/args.ts';
import { buildWorld, contributionOf, DEFAULT_SIM_CONFIG, runBaseline, WorldRun, type SimConfig } from '../src/modules/simulator/index.ts';

function standIn(cfg: SimConfig, seed: number): WorldRun {
  const run = new WorldRun(buildWorld(cfg, seed));
  const control = (i: number) => (i * 2654435761) % 100 < 10;
  const queue = new Map<number, Array<{ i: number; offer: number; products: string[] }>>();
  const open = new Map<string, { i: number; hour: number; products: string[] }>();
  for (let h = 0; h < run.hours; h++) {
    for (const p of queue.get(h) ?? []) {
      if (run.world.shoppers[p.i]!.emailConsent && !run.states[p.i]!.unsubscribed) run.deliver(p.i, { channel: 'email', offerPct: p.offer, reassurance: true, productIds: p.products, source: 'stand-in' }, h);
    }
    queue.delete(h);
    const b = run.begin(h);
    const active = h >= run.policyStartHour;
    const site = b.checkouts.map((c) => (active && !control(c.shopper) && (c.shopper * 7 + h) % 100 < 67 ? { offerPct: 0, reassurance: true } : undefined));
    for (const e of [...b.events, ...run.finish(site)]) {
      const p = e.properties ?? {};
      if (e.event === 'Checkout Started') open.set(String(p.order_id), { i: e.shopper, hour: e.hour, products: ((p.products as Array<{ product_id: string }>) ?? []).map((x) => x.product_id) });
      if (e.event === 'Order Completed') open.delete(String(p.order_id));
    }
    for (const [id, c] of open) {
      if (h - c.hour < 1) continue;
      open.delete(id);
      if (!active || control(c.i)) continue;
      // Quiet hours 21:00-08:00, as Braid's default.
      const at = h + 1, hod = at % 24, when = hod >= 21 ? at + (32 - hod) : hod < 8 ? at + (8 - hod) : at;
      let list = queue.get(when);
      if (!list) queue.set(when, list = []);
      list.push({ i: c.i, offer: (c.i + h) % 100 < 15 ? 10 : 0, products: c.products });
    }
  }
  return run;
}

const { flags } = parseArgs(process.argv.slice(2));
const num = (k: string, d: number) => (typeof flags[k] === 'string' ? Number(flags[k]) : d);
const cfg: SimConfig = {
  ...DEFAULT_SIM_CONFIG, shoppers: num('shoppers', 1000), days: num('days', 60), warmupDays: 30,
  promoConditioning: num('promo-conditioning', DEFAULT_SIM_CONFIG.promoConditioning), pullForward: num('pull-forward', DEFAULT_SIM_CONFIG.pullForward),
};
const seeds = num('seeds', 5);
const total = (r: WorldRun, f: (i: number) => number) => r.ledgers.reduce((a, _l, i) => a + f(i), 0);
const inc: Record<string, number> = { blast: 0, rules: 0, standIn: 0 }, discount: Record<string, number> = { blast: 0, rules: 0, standIn: 0 };
for (let seed = 1; seed <= seeds; seed++) {
  const none = runBaseline(cfg, seed, 'none');
  const base = total(none, (i) => contributionOf(none.ledgers[i]!));
  const runs: Record<string, WorldRun> = { blast: runBaseline(cfg, seed, 'blast'), rules: runBaseline(cfg, seed, 'rules'), standIn: standIn(cfg, seed) };
  for (const [k, r] of Object.entries(runs)) {
    inc[k]! += (total(r, (i) => contributionOf(r.ledgers[i]!)) - base) / seeds;
    discount[k]! += total(r, (i) => r.ledgers[i]!.discount) / seeds;
  }
}
const round = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));
console.log(JSON.stringify({
  shoppers: cfg.shoppers, days: cfg.days, seeds, promoConditioning: cfg.promoConditioning, pullForward: cfg.pullForward,
  incremental: round(inc), discount: round(discount), standIn_vs_blast: Math.round((inc.standIn! / inc.blast!) * 100) / 100,
}));
