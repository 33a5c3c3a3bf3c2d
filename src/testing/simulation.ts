/**
 * A small, made-up simulation written the way `braid simulate` writes it (latest.json and
 * latest.png under `<dataDir>/simulations/`), through the simulator's own report writer, so tests
 * of GET /v1/simulations/latest and of the console's Simulator page read the real file format
 * without running a simulation (which takes minutes).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { booksOf, compare, DEFAULT_SIM_CONFIG, writeSimulationReport, type Ledger, type PolicyName, type SeedResult, type Simulation } from '../modules/simulator/index.ts';

const DAYS = 5;

function ledgers(n: number, revenue: number, discount: number, messages: number, unsubscribed: number): Ledger[] {
  return Array.from({ length: n }, (_, i) => ({
    revenue: revenue * (0.5 + (i % 7) / 6), cogs: revenue * 0.5, discount, returnsCost: 0, orders: 1, messages, unsubscribed: i < unsubscribed,
  }));
}

/** Per seed, per policy: how much more each shopper spends than with no contact, and what it cost. */
const POLICY = {
  none: { lift: 0, discount: 0, messages: 0, unsub: 0 },
  blast: { lift: 3, discount: 6, messages: 4, unsub: 6 },
  rules: { lift: 5, discount: 2, messages: 1.5, unsub: 2 },
  braid: { lift: 9, discount: 1.5, messages: 1.2, unsub: 1 },
} satisfies Record<PolicyName, unknown>;

export function fixtureSimulation(seeds = 2, shoppers = 60): Simulation {
  const results: SeedResult[] = [];
  for (let k = 0; k < seeds; k++) {
    const books = {} as SeedResult['books'];
    for (const [p, x] of Object.entries(POLICY) as Array<[PolicyName, (typeof POLICY)[PolicyName]]>) {
      const perDay = Array.from({ length: DAYS }, (_, d) => ({ contribution: (40 + x.lift) * shoppers / DAYS * (1 + 0.05 * d), discount: x.discount * shoppers / DAYS }));
      books[p] = booksOf(ledgers(shoppers, 80 + x.discount + x.lift * (1 + 0.3 * k), x.discount, x.messages, x.unsub), perDay);
    }
    const truth = books.braid.contribution - books.none.contribution;
    results.push({ seed: k + 1, books, braidEstimate: { estimate: truth * 0.9, ciLow: truth * 0.5, ciHigh: truth * 1.3, source: 'GET /v1/reports/workers/_all' } });
  }
  return {
    config: { ...DEFAULT_SIM_CONFIG, shoppers, days: DAYS, warmupDays: 2, seeds }, comparison: compare(results), results,
    seconds: { total: 12, baselines: 1, braidWarmup: 4, braidPolicy: 7 }, braidMails: 140, braidPushes: 0, braidCheckoutDecisions: 90,
  };
}

/** Writes the fixture as `<dataDir>/simulations/latest.{json,png}`; returns the simulation. */
export function writeLatestSimulation(dataDir: string, nowMs: number, sim: Simulation = fixtureSimulation()): Simulation {
  const out = mkdtempSync(join(dataDir, 'sim-'));
  try {
    const files = writeSimulationReport(sim, out, nowMs);
    mkdirSync(join(dataDir, 'simulations'), { recursive: true });
    copyFileSync(files.json, join(dataDir, 'simulations', 'latest.json'));
    copyFileSync(files.png, join(dataDir, 'simulations', 'latest.png'));
  } finally { rmSync(out, { recursive: true, force: true }); }
  return sim;
}
