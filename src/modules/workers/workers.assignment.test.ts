/**
 * Holdout assignment across an identity merge, through public interfaces: an anonymous shopper
 * and a known one each start a journey, then one identify links them. The anonymous profile is
 * absorbed into the known one (the profile with the userId survives); its journey moves to the
 * survivor and keeps the arm it recorded at entry (holdout and A/B/n arm), and new journeys take
 * the survivor's bucket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { ingestAt, settleJourneys } from '../../testing/journeys.ts';
import { ASSIGNMENT_VERSION, assignArm, assignWorkerHoldout } from '../experiments/index.ts';

const clock = createManualClock(Date.parse('2026-06-10T15:00:00Z'));
let s: TestServer;
const PAIRS = 12;
const WORKER = {
  id: 'wkr_views', name: 'Views', status: 'on', holdoutPct: 50, goal: { event: 'Order Completed' },
  trigger: { type: 'event', event: 'Product Viewed' }, entry: { reentry: 'after_exit' },
  steps: [{ id: 'pause', type: 'wait', duration: '1m', arms: [{ name: 'a' }, { name: 'b', duration: '30s' }] }, { id: 'bye', type: 'exit' }],
};
type Journey = { holdout: string | null; assignment: string | null; arms: Record<string, string> | null; enteredAt: string };
const viewed = (who: Record<string, string>) => ({ type: 'track', ...who, event: 'Product Viewed', properties: { product_id: 'p1' } });
const idOf = async (ref: string): Promise<string> => (await s.api('GET', `/v1/profiles/${ref}`)).body.id;
const journeys = async (profileId: string): Promise<Journey[]> =>
  ((await s.api('GET', `/v1/workers/wkr_views/instances?profile=${profileId}`)).body.items as Journey[])
    .sort((a, b) => a.enteredAt.localeCompare(b.enteredAt));

beforeAll(async () => {
  s = await startTestServer({ clock, brain: { globalHoldoutPct: 0 } });
  expect((await s.api('POST', '/v1/workers', WORKER)).status).toBe(201);
}, 60_000);
afterAll(async () => { await s?.close(); });

describe('holdout assignment and merges', () => {
  it('keeps a started journey\'s recorded arm after a merge; new journeys use the survivor\'s bucket', async () => {
    const salt = s.braid.config.brain.holdoutSalt;
    const arm = (profileId: string) => (assignWorkerHoldout(profileId, salt, 'wkr_views', 50).heldOut ? 'worker_holdout' : null);
    const abArm = (profileId: string) => (arm(profileId) ? null : { pause: assignArm(profileId, `${salt}:worker:wkr_views:arm:pause`, [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }]) });
    await ingestAt(s, clock, Array.from({ length: PAIRS }, (_, i) => viewed({ anonymousId: `anon_${i}` })));
    await settleJourneys(s); // journeys enter at Braid's clock when applied
    clock.advance(60_000);
    await ingestAt(s, clock, Array.from({ length: PAIRS }, (_, i) => viewed({ userId: `user_${i}` })));
    await settleJourneys(s);
    await s.braid.workers.tick();
    const anon: string[] = [], known: string[] = [];
    for (let i = 0; i < PAIRS; i++) { anon.push(await idOf(`anonymousId:anon_${i}`)); known.push(await idOf(`userId:user_${i}`)); }
    for (const id of [...anon, ...known]) expect((await journeys(id)).map((j) => [j.holdout, j.assignment, j.arms])).toEqual([[arm(id), ASSIGNMENT_VERSION, abArm(id)]]);

    clock.advance(60_000);
    await s.braid.workers.tick(); // the waits end: re-entry after exit is open
    await ingestAt(s, clock, Array.from({ length: PAIRS }, (_, i) => ({ type: 'identify', anonymousId: `anon_${i}`, userId: `user_${i}` })));
    await settleJourneys(s);
    clock.advance(60_000);
    await ingestAt(s, clock, Array.from({ length: PAIRS }, (_, i) => viewed({ userId: `user_${i}` })));
    await settleJourneys(s);
    let differ = 0;
    for (let i = 0; i < PAIRS; i++) {
      expect(await idOf(`anonymousId:anon_${i}`)).toBe(known[i]); // the profile with the userId survives
      const js = await journeys(known[i]!);
      // Absorbed profile's journey (first), the survivor's own, then a new one on the survivor's bucket.
      expect(js.map((j) => j.holdout)).toEqual([arm(anon[i]!), arm(known[i]!), arm(known[i]!)]);
      expect(js.map((j) => j.arms)).toEqual([abArm(anon[i]!), abArm(known[i]!), abArm(known[i]!)]);
      if (arm(anon[i]!) !== arm(known[i]!)) differ++;
    }
    expect(differ).toBeGreaterThan(0); // 12 pairs at 50%: all alike has chance 2^-12
  }, 60_000);
});
