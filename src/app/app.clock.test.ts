/** Simulation mode over HTTP: the clock moves only in manual mode, only forward, and the answer comes once Braid has settled. */
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../core/index.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';

const T0 = Date.parse('2026-03-02T00:00:00Z');
const servers: TestServer[] = [];
afterAll(async () => { for (const s of servers) await s.close(); });

describe('the clock routes', () => {
  it('refuse to move a system clock (409) but show it', async () => {
    const s = await startTestServer();
    servers.push(s);
    expect((await s.api('GET', '/v1/clock')).body.mode).toBe('system');
    const r = await s.api('POST', '/v1/clock/advance', { ms: 1000 });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/BRAID_CLOCK=manual/);
  });

  it('in simulation mode advance the clock, fire due journey timers, and answer settled', async () => {
    const s = await startTestServer({ clock: createManualClock(T0), config: { clockMode: 'manual' } });
    servers.push(s);
    expect((await s.api('GET', '/v1/clock')).body).toMatchObject({ mode: 'manual', nowMs: T0 });
    expect((await s.api('POST', '/v1/clock/advance', {})).status).toBe(400);
    const back = await s.api('POST', '/v1/clock/advance', { to: '2026-03-01T00:00:00Z' });
    expect(back.status).toBe(400);
    expect(back.body.error.field).toBe('to');
    // A journey waiting one hour: nothing before, its step after.
    expect((await s.api('POST', '/v1/playbooks/cart_recovery/install', { status: 'on', holdoutPct: 0 })).status).toBe(200);
    const res = await fetch(s.url + '/v1/batch', {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: s.basic },
      body: JSON.stringify({ batch: [{ type: 'track', userId: 'u_clock', event: 'Checkout Started', timestamp: new Date(T0).toISOString(), properties: { order_id: 'o1', value: 10 } }] }),
    });
    expect(res.status).toBe(200);
    const a = await s.api('POST', '/v1/clock/advance', { ms: 30 * 60_000 });
    expect(a.body).toMatchObject({ mode: 'manual', nowMs: T0 + 30 * 60_000, settled: true, pendingDeliveries: 0 });
    const waiting = (await s.api('GET', '/v1/workers/wkr_cart_recovery/instances')).body.items;
    expect(waiting).toHaveLength(1);
    expect(waiting[0].state).toBe('waiting');
    const b = await s.api('POST', '/v1/clock/advance', { to: new Date(T0 + 2 * 3_600_000).toISOString() });
    expect(b.body.nowMs).toBe(T0 + 2 * 3_600_000);
    const after = (await s.api('GET', `/v1/instances/${waiting[0].id}`)).body;
    expect(after.ctx.trail.map((t: { step: string }) => t.step)).toContain('pick');
  }, 60_000);
});
