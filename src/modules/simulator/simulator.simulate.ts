/**
 * One comparison: for every seed, the three baselines in memory and Braid through a fresh Braid
 * (started by the caller's launcher), then the table. The launcher decides how Braid runs
 * (the CLI: in-process on a fresh embedded database in simulation mode).
 */
import { runBaseline } from './simulator.run.ts';
import { runBraidPolicy, startMailbox, type BraidTarget } from './simulator.driver.ts';
import { startReceiver } from './simulator.receiver.ts';
import { booksOf, compare, type Comparison, type PolicyName, type SeedResult, type Books } from './simulator.summary.ts';
import type { SimConfig } from './simulator.types.ts';

export type BraidLauncher = (seed: number) => Promise<BraidTarget & { close(): Promise<void> }>;

export interface Simulation {
  config: SimConfig;
  comparison: Comparison;
  results: SeedResult[];
  seconds: { total: number; baselines: number; braidWarmup: number; braidPolicy: number };
  braidMails: number;
  /** Push notifications that reached app users through the simulator's HTTP receiver. */
  braidPushes: number;
  /** Checkout pages that asked Braid (POST /v1/decide). */
  braidCheckoutDecisions: number;
}

export async function simulate(cfg: SimConfig, launch: BraidLauncher, opts: { log?: (s: string) => void; nowMs?: () => number } = {}): Promise<Simulation> {
  const log = opts.log ?? (() => undefined);
  const now = opts.nowMs ?? (() => performance.now());
  const t0 = now();
  const results: SeedResult[] = [];
  const seconds = { total: 0, baselines: 0, braidWarmup: 0, braidPolicy: 0 };
  let braidMails = 0, braidPushes = 0, braidCheckoutDecisions = 0;
  const mailbox = await startMailbox();
  const receiver = await startReceiver();
  try {
    for (let k = 0; k < cfg.seeds; k++) {
      const seed = cfg.firstSeed + k;
      const tb = now();
      const books: Partial<Record<PolicyName, Books>> = {};
      for (const p of ['none', 'blast', 'rules'] as const) { const r = runBaseline(cfg, seed, p); books[p] = booksOf(r.ledgers, r.daily); }
      seconds.baselines += (now() - tb) / 1000;
      log(`seed ${seed}: baselines done in ${((now() - tb) / 1000).toFixed(1)} s; running Braid`);
      const braid = await launch(seed);
      try {
        const r = await runBraidPolicy(cfg, seed, braid, mailbox, { log, receiver });
        books.braid = booksOf(r.run.ledgers, r.run.daily);
        seconds.braidWarmup += r.seconds.warmup; seconds.braidPolicy += r.seconds.policy;
        braidMails += r.mails; braidPushes += r.pushes; braidCheckoutDecisions += r.checkoutDecisions;
        results.push({ seed, books: books as Record<PolicyName, Books>, braidEstimate: r.estimate });
        log(`seed ${seed}: Braid done (warm-up ${r.seconds.warmup.toFixed(0)} s, policy ${r.seconds.policy.toFixed(0)} s, ${r.mails} emails, ${r.pixelLoads} open pixels loaded, ${r.linkClicks} tracked links followed)`);
      } finally {
        const tc = now();
        await braid.close();
        log(`seed ${seed}: Braid closed in ${((now() - tc) / 1000).toFixed(1)} s`);
      }
    }
  } finally { await mailbox.close(); await receiver.close(); }
  seconds.total = (now() - t0) / 1000;
  return { config: cfg, comparison: compare(results), results, seconds, braidMails, braidPushes, braidCheckoutDecisions };
}
