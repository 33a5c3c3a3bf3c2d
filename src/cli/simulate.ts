/**
 * `braid simulate`: the shopper simulator. For each seed it starts a fresh Braid in-process in
 * simulation mode (BRAID_CLOCK=manual) on a throwaway embedded database, listening on loopback,
 * and drives it over HTTP only. Writes the report (HTML + PNG + JSON) and
 * `<dataDir>/simulations/latest.json` (+ latest.png; GET /v1/simulations/latest serves them), and ends with one JSON line of the figures.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { openDatabase, parseConfig, systemClock, type Db } from '../core/index.ts';
import { createBraid } from '../app/app.ts';
import { parseSimConfig, simulate, writeSimulationReport, type BraidTarget } from '../modules/simulator/index.ts';
import type { ParsedArgs } from './args.ts';
import type { CliIo } from './io.ts';

/** Also hands back the seed's database (read by eval:sim-calibration, never by the simulator). */
export const launchInProcess = (startIso: string): ((seed: number) => Promise<BraidTarget & { close(): Promise<void>; db: Db }>) => async () => {
  const dir = mkdtempSync(join(tmpdir(), 'braid-sim-'));
  const config = parseConfig({
    BRAID_CLOCK: 'manual', BRAID_CLOCK_START: startIso, BRAID_DATA_DIR: dir, BRAID_DEMO: 'off', BRAID_LOG_LEVEL: 'error',
    // The operator's own sandbox: versions publish at once (no approval queue; tiers are still computed).
    BRAID_APPROVALS: 'off',
    // The brain learns on the default 7-day reward window; the estimate asks its report for a
    // window spanning the policy period (windowHours), so it counts what the truth counts.
    BRAID_GLOBAL_HOLDOUT_PCT: '10', BRAID_RECS_RETRAIN_MINUTES: '0',
  });
  const keys = { writeKey: 'wk_' + randomBytes(12).toString('hex'), adminKey: 'ak_' + randomBytes(12).toString('hex'), decideKey: 'dk_' + randomBytes(12).toString('hex') };
  // A send wakes the delivery workers at once, so idle polling (pg-boss's fetch query, a third of
  // the database thread at 1 s and five workers) only adds load here; retries are not expected
  // against the simulator's own loopback receivers.
  // The store is thrown away after the seed: an in-memory database spares the file system
  // (the database thread's reads, writes and fsyncs, and deleting a large data directory).
  const db = await openDatabase({ clock: systemClock });
  const braid = await createBraid({ config, keys, db, channels: { pollingIntervalSeconds: 30, concurrency: 2 } });
  braid.startBackground();
  const url = await braid.http.listen({ port: 0, host: '127.0.0.1' });
  return { url, db, adminKey: keys.adminKey, writeKey: keys.writeKey, decideKey: keys.decideKey, close: async () => { await braid.close(); await db.close(); rmSync(dir, { recursive: true, force: true }); } };
};

export async function runSimulate(args: ParsedArgs, env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const f = args.flags;
  const flag = (k: string) => (typeof f[k] === 'string' ? f[k] as string : undefined);
  let file: Record<string, unknown> = {};
  const cfgFile = flag('config');
  if (cfgFile) file = (parseYaml(readFileSync(cfgFile, 'utf8')) ?? {}) as Record<string, unknown>;
  const cfg = parseSimConfig(file, { shoppers: flag('shoppers'), days: flag('days'), seeds: flag('seeds'), warmupDays: flag('warmup-days'), firstSeed: flag('first-seed') });
  const dataDir = resolve(flag('data') ?? parseConfig(env).dataDir);
  const out = resolve(flag('out') ?? join(dataDir, 'simulations', `sim-${cfg.shoppers}x${cfg.days}d-${cfg.seeds}s`));
  const log = (s: string) => io.stderr.write(s + '\n');
  log(`braid simulate: ${cfg.shoppers} shoppers, ${cfg.warmupDays} warm-up + ${cfg.days} days, ${cfg.seeds} seed(s)`);
  const sim = await simulate(cfg, launchInProcess(cfg.start), { log });
  mkdirSync(out, { recursive: true });
  const tr = performance.now();
  const files = writeSimulationReport(sim, out, systemClock.now());
  log(`report written in ${((performance.now() - tr) / 1000).toFixed(1)} s`);
  mkdirSync(join(dataDir, 'simulations'), { recursive: true });
  writeFileSync(join(dataDir, 'simulations', 'latest.json'), readFileSync(files.json));
  writeFileSync(join(dataDir, 'simulations', 'latest.png'), readFileSync(files.png)); // GET /v1/simulations/latest/report.png
  log(`report: ${files.html} (${files.png}), latest: ${join(dataDir, 'simulations', 'latest.json')}`);
  io.stdout.write(sim.comparison.rows.map((r) => `${r.policy.padEnd(6)} incremental ${fmt(r.incremental.mean)} [${fmt(r.incremental.ciLow)}, ${fmt(r.incremental.ciHigh)}]  revenue ${fmt(r.revenue)}  discount ${fmt(r.discount)}  msgs/shopper ${r.messagesPerShopper.toFixed(2)}  unsubscribes ${r.unsubscribes.toFixed(1)}`).join('\n') + '\n');
  for (const e of sim.comparison.estimates) io.stdout.write(`seed ${e.seed}: Braid estimate ${fmt(e.estimate?.estimate ?? null)} [${fmt(e.estimate?.ciLow ?? null)}, ${fmt(e.estimate?.ciHigh ?? null)}] vs truth ${fmt(e.truth)} (${e.estimate?.source ?? 'none'})\n`);
  // The five figures first; then the increments the ratios divide (a ratio over a negative
  // or near-zero increment reads wrongly on its own), the run's size and its time.
  const incremental = Object.fromEntries(sim.comparison.rows.filter((r) => r.policy !== 'none').map((r) => [r.policy, Math.round(r.incremental.mean)]));
  io.stdout.write(JSON.stringify({ ...sim.comparison.figures, incremental, shoppers: cfg.shoppers, days: cfg.days, seeds: cfg.seeds, seconds: Math.round(sim.seconds.total) }) + '\n');
  return 0;
}

const fmt = (x: number | null) => (x === null ? 'n/a' : Math.round(x).toLocaleString('en-US'));
