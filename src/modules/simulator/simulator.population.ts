/**
 * The population: the synthetic catalog and shoppers of a world, built from the seed alone (pure,
 * deterministic; each shopper from its own stream `${seed}:shopper:${idx}`, so adding shoppers does
 * not change the existing ones). The traits are hidden from Braid: only the driver and the world
 * read them.
 */
import { createRng, sampleGamma, sampleNormal, type Rng } from '../stats/index.ts';
import type { Product, SimConfig, Shopper, UpliftType } from './simulator.types.ts';
import { UPLIFT_TYPES } from './simulator.types.ts';

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round2 = (x: number) => Math.round(x * 100) / 100;

export const CATEGORIES = [
  { name: 'Apparel', price: 45, consumable: false }, { name: 'Shoes', price: 90, consumable: false },
  { name: 'Home', price: 60, consumable: false }, { name: 'Outdoor', price: 120, consumable: false },
  { name: 'Beauty', price: 28, consumable: true }, { name: 'Pantry', price: 18, consumable: true },
] as const;

export function buildCatalog(seed: number, n: number): Product[] {
  const rng = createRng(`${seed}:catalog`);
  const out: Product[] = [];
  for (let i = 0; i < n; i++) {
    const cat = i % CATEGORIES.length;
    const c = CATEGORIES[cat]!;
    const price = round2(Math.max(5, c.price * Math.exp(sampleNormal(rng, 0, 0.45))));
    const margin = 0.35 + rng.next() * 0.25; // 35-60% gross margin
    out.push({ id: `sp_${i}`, title: `${c.name} item ${i}`, category: c.name, cat, price, cost: round2(price * (1 - margin)), consumable: c.consumable });
  }
  return out;
}

function pickUplift(rng: Rng, mix: Record<UpliftType, number>): UpliftType {
  let u = rng.next();
  for (const t of UPLIFT_TYPES) { u -= mix[t]; if (u < 0) return t; }
  return 'lost_cause';
}

export function buildShopper(seed: number, idx: number, cfg: SimConfig): Shopper {
  const rng = createRng(`${seed}:shopper:${idx}`);
  const w = CATEGORIES.map(() => sampleGamma(rng, 0.4));
  const sum = w.reduce((a, b) => a + b, 0) || 1;
  const buysConsumables = (w[4]! + w[5]!) / sum > 0.2;
  const email = pickUplift(rng, cfg.upliftMix);
  return {
    idx, userId: `sim_u${idx}`, email: `sim_u${idx}@shoppers.sim.example`,
    emailConsent: rng.next() < cfg.emailConsent,
    catWeights: w.map((x) => x / sum),
    priceLevel: Math.exp(sampleNormal(rng, 0, 0.35)),
    visitRate: sampleGamma(rng, 2, cfg.visitRate / 2),
    buyPropensity: 0.2 + rng.next() * 0.35,
    dealSeeking: clamp01(sampleNormal(rng, 0.45, 0.25)),
    returnsAnxiety: clamp01(sampleNormal(rng, 0.35, 0.25)),
    qualityOverPrice: clamp01(sampleNormal(rng, 0.5, 0.25)),
    noveltySeeking: clamp01(sampleNormal(rng, 0.4, 0.25)),
    // Push is correlated with email but not the same (a persuadable by email may ignore push).
    uplift: { email, push: rng.next() < 0.6 ? email : pickUplift(rng, cfg.upliftMix) },
    responsiveness: { email: 0.15 + rng.next() * 0.45, push: 0.1 + rng.next() * 0.3 },
    preferredHour: Math.min(22, Math.max(7, Math.round(sampleNormal(rng, 15, 3.5)))),
    replenishDays: buysConsumables ? 18 + rng.int(28) : null,
    unsubBase: 0.001 + rng.next() * 0.004,
    churnHazard: 0.0015 + rng.next() * 0.003,
    returnRate: clamp01(0.04 + 0.15 * rng.next()),
    // Drawn last (literal order), so a world's other traits do not depend on appShare.
    app: rng.next() < cfg.appShare, pushToken: `sim_tok_${seed}_${idx}`,
  };
}

export interface World { seed: number; cfg: SimConfig; startMs: number; products: Product[]; byCat: Product[][]; shoppers: Shopper[] }

export function buildWorld(cfg: SimConfig, seed: number): World {
  const products = buildCatalog(seed, cfg.products);
  const byCat = CATEGORIES.map((_, c) => products.filter((p) => p.cat === c));
  const shoppers = Array.from({ length: cfg.shoppers }, (_, i) => buildShopper(seed, i, cfg));
  return { seed, cfg, startMs: Date.parse(cfg.start), products, byCat, shoppers };
}
