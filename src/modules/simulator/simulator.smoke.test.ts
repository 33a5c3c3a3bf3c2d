/**
 * The simulator end to end on a small world: baselines in memory, Braid through a real Braid in
 * simulation mode (embedded, or Postgres in CI's second run), email through the simulator's own
 * SMTP server, the report written. `npm run sim:smoke` is the same through the CLI.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { startTestServer, TEST_KEYS } from '../../testing/server.ts';
import { simulate } from './simulator.simulate.ts';
import { writeSimulationReport } from './simulator.report.ts';
import { DEFAULT_SIM_CONFIG } from './simulator.types.ts';

describe('braid simulate (smoke)', () => {
  it('runs every policy on the same shoppers, drives Braid over HTTP, and writes the report', async () => {
    const cfg = { ...DEFAULT_SIM_CONFIG, shoppers: 150, warmupDays: 1, days: 3, seeds: 1 };
    let profiles = 0;
    const sim = await simulate(cfg, async () => {
      const s = await startTestServer({ clock: createManualClock(Date.parse(cfg.start)), config: { clockMode: 'manual' }, brain: { globalHoldoutPct: 10 } });
      return {
        url: s.url, adminKey: TEST_KEYS.adminKey, writeKey: TEST_KEYS.writeKey, decideKey: TEST_KEYS.decideKey,
        close: async () => {
          for (let i = 0; i < 10; i++) if ((await s.api('GET', `/v1/profiles/userId:sim_u${i}`)).status === 200) profiles++;
          await s.close();
        },
      };
    });
    expect(profiles).toBe(10); // the shoppers reached Braid as profiles, through /v1/batch
    const [r] = sim.results;
    expect(r!.books.none.contribution).toBeGreaterThan(0);
    expect(r!.books.braid.revenue).toBeGreaterThan(0);
    // Warm-up is shared and nobody is contacted then: every policy starts from the same world.
    expect(r!.books.braid.shoppers).toBe(cfg.shoppers);
    expect(r!.books.blast.messages).toBeGreaterThan(0);
    expect(sim.braidCheckoutDecisions).toBeGreaterThan(0); // checkout pages asked Braid through /v1/decide
    expect(Object.keys(sim.comparison.figures)).toEqual(['braid_vs_rules', 'braid_vs_blast', 'discount_braid_vs_rules', 'msgs_braid_vs_rules', 'ci_coverage']);
    const dir = mkdtempSync(join(tmpdir(), 'sim-report-'));
    try {
      const files = writeSimulationReport(sim, dir, Date.parse('2026-01-01T00:00:00Z'));
      expect(readFileSync(files.html, 'utf8')).toContain('<svg');
      expect(readFileSync(files.png).subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(JSON.parse(readFileSync(files.json, 'utf8')).figures).toEqual(sim.comparison.figures);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }, 180_000);
});
