/**
 * `braid report arms ID` over HTTP against a real Braid: shoppers enter a worker whose wait step
 * has two timing arms (1 day, 3 days); each journey's timer follows its arm, some shoppers buy,
 * and the table shows the arms, the SRM check and the lifts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../core/index.ts';
import { ingestAt } from '../testing/journeys.ts';
import { startTestServer, TEST_KEYS, type TestServer } from '../testing/server.ts';
import { parseArgs } from './args.ts';
import { connect, type BraidClient } from './client.ts';
import type { CliIo } from './io.ts';
import { reportArms } from './report-arms.ts';

const T0 = Date.parse('2026-05-01T12:00:00Z');
const DAY = 86_400_000;
const clock = createManualClock(T0);
let s: TestServer;
let client: BraidClient;

function captureIo(): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [], err: string[] = [];
  return {
    stdout: { write: (x: string) => { out.push(x); return true; } },
    stderr: { isTTY: false, write: (x: string) => { err.push(x); return true; } },
    clock, sleep: async () => undefined, out: () => out.join(''), err: () => err.join(''),
  };
}

beforeAll(async () => {
  s = await startTestServer({ clock, brain: { globalHoldoutPct: 0 } });
  const doc = {
    id: 'wkr_cli_ab', name: 'Timing test', status: 'on', holdoutPct: 20, goal: { event: 'Order Completed' }, trigger: { type: 'event', event: 'Product Viewed' }, entry: { reentry: 'never' },
    steps: [{ id: 'pause', type: 'wait', duration: '1d', arms: [{ name: 'one_day', weight: 1 }, { name: 'three_days', weight: 1, duration: '3d' }] }],
  };
  expect((await s.api('POST', '/v1/workers', doc)).status).toBe(201);
  await ingestAt(s, clock, Array.from({ length: 60 }, (_, i) => ({ type: 'track', userId: `t_${i}`, event: 'Product Viewed', properties: { product_id: 'p1' } })));
  await s.braid.profiles.waitForProjection(10_000);
  await s.braid.workers.idle();
  clock.advance(3_600_000);
  await ingestAt(s, clock, Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: `t_${i * 3}`, event: 'Order Completed', properties: { order_id: `o${i}`, revenue: 100, products: [{ product_id: 'p1', price: 100, quantity: 1 }] } })));
  await s.braid.profiles.waitForProjection(10_000);
  clock.advance(3_600_000);
  client = await connect(parseArgs(['--url', s.url, '--admin-key', TEST_KEYS.adminKey]), {});
}, 180_000);
afterAll(async () => { await client?.close(); await s?.close(); });

describe('braid report arms', () => {
  it('waits as long as each journey\'s arm says', async () => {
    const items = (await s.api('GET', '/v1/workers/wkr_cli_ab/instances?limit=100')).body.items as Array<{ holdout: string | null; arms: { pause: string } | null; enteredAt: string; wakeAt: string; state: string }>;
    const waiting = items.filter((i) => i.state === 'waiting');
    expect(waiting.length).toBeGreaterThan(10);
    for (const i of waiting) {
      const wait = Date.parse(i.wakeAt) - Date.parse(i.enteredAt);
      if (i.holdout) expect(wait).toBe(DAY); // no arm: the step as written
      else expect(wait).toBe(i.arms!.pause === 'three_days' ? 3 * DAY : DAY);
    }
    expect(new Set(items.filter((i) => !i.holdout).map((i) => i.arms!.pause))).toEqual(new Set(['one_day', 'three_days']));
  });

  it('prints the arms, the SRM check and each arm against the control arm and the holdout', async () => {
    const io = captureIo();
    expect(await reportArms(client, 'wkr_cli_ab', parseArgs(['report', 'arms', 'wkr_cli_ab']), io)).toBe(0);
    const text = io.out();
    expect(text).toContain('experiment pause (steps pause)');
    expect(text).toMatch(/Sample ratio check against the arm weights: chi-square [\d.]+, p = [\d.<]+ \(ok\)/);
    expect(text).toMatch(/one_day\s+\(control\)\s+\d+\s+[\d.]+%\s+50\.0%/);
    expect(text).toMatch(/contribution\s+three_days/);
    expect(text).toMatch(/three_days: incremental contribution [+-]\$/);
    const json = captureIo();
    expect(await reportArms(client, 'wkr_cli_ab', parseArgs(['report', 'arms', 'wkr_cli_ab', '--json', '--control', 'three_days']), json)).toBe(0);
    expect(JSON.parse(json.out()).control).toBe('three_days');
    const bad = captureIo();
    expect(await reportArms(client, 'wkr_cli_ab', parseArgs(['report', 'arms', 'wkr_cli_ab', '--experiment', 'nope']), bad)).toBe(1);
    expect(bad.err()).toContain('experiment');
  });
});
