/**
 * Due journeys are advanced as a pipeline (workers.engine.ts runDue): the next batch is claimed and
 * its shoppers read while the current one renders. Caps must still see every earlier send: a
 * shopper whose journeys fall into two consecutive batches gets one email under `email:1/day`,
 * never two. Small batches (runDue(25)) put the same shopper in consecutive batches, each long
 * enough to render that the next batch is read meanwhile (without the skip, a shopper gets two).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, parseConfig } from '../../core/index.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

const clock = createManualClock(Date.parse('2026-06-01T12:00:00Z'));
const SHOPPERS = 100;
const WORKERS = ['wkr_pipe_a', 'wkr_pipe_b', 'wkr_pipe_c'];
let s: TestServer;

beforeAll(async () => {
  const env = parseConfig({ BRAID_SMTP_URL: 'smtp://127.0.0.1:9', BRAID_QUIET_HOURS: '0-0', BRAID_CAPS: 'email:1/day', BRAID_MIN_GAP_MINUTES: '0' });
  // No delivery (background off); the workers' own loop is stopped once the journeys wait, so this test
  // alone runs them, in batches of its choosing.
  s = await startTestServer({ clock, background: false, config: { muscle: env.muscle }, brain: { globalHoldoutPct: 0 } });
  for (const id of WORKERS) {
    const res = await s.api('POST', '/v1/workers', {
      id, name: id, status: 'on', holdoutPct: 0, trigger: { type: 'event', event: 'Pipeline Ping' },
      steps: [{ id: 'later', type: 'wait', duration: '1h' }, { id: 'msg', type: 'send', channel: 'email', template: 'generic' }],
    });
    expect(res.status).toBe(201);
  }
}, 60_000);
afterAll(async () => { await s?.close(); });

describe('pipelined due batches', () => {
  it('keep the caps when one shopper has journeys in consecutive batches', async () => {
    const at = new Date(clock.now()).toISOString();
    const batch = Array.from({ length: SHOPPERS }, (_, i) => [
      { type: 'identify', userId: `pipe${i}`, timestamp: at, traits: { email: `pipe${i}@example.com`, consent: { email_marketing: true } } },
      { type: 'track', userId: `pipe${i}`, event: 'Pipeline Ping', timestamp: at },
    ]).flat();
    const res = await fetch(s.url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'application/json', authorization: s.basic }, body: JSON.stringify({ batch }) });
    expect(res.status).toBe(200);
    expect(await s.braid.profiles.waitForProjection(10_000)).toBe(true);
    await s.braid.workers.idle();
    for (const id of WORKERS) expect((await s.braid.workers.counts(id)).waiting).toBe(SHOPPERS);
    await s.braid.workers.stop();
    clock.advance(3_600_000 + 1000);

    let advanced = 0;
    for (let n = await s.braid.workers.engine.runDue(25); n > 0; n = await s.braid.workers.engine.runDue(25)) advanced += n;
    expect(advanced).toBe(SHOPPERS * WORKERS.length);

    const messages = (await Promise.all(WORKERS.map((workerId) => s.braid.channels.list({ workerId, limit: 500 })))).flat();
    const perShopper = new Map<string, number>();
    for (const m of messages) perShopper.set(m.profileId, (perShopper.get(m.profileId) ?? 0) + 1);
    expect(perShopper.size).toBe(SHOPPERS); // every shopper got its one email ...
    expect(Math.max(...perShopper.values())).toBe(1); // ... and none a second
    // The other two journeys of each shopper were capped, and say so.
    const items = (await Promise.all(WORKERS.map(async (id) => (await s.api('GET', `/v1/workers/${id}/instances?limit=1000`)).body.items as Array<{ ctx: { trail: Array<{ outcome: string }> } }>))).flat();
    expect(items.filter((i) => i.ctx.trail.some((t) => t.outcome.startsWith('skipped: frequency_cap:email:1/day'))).length).toBe(SHOPPERS * (WORKERS.length - 1));
  }, 120_000);
});
