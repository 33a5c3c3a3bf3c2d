import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/server.ts';

let s: TestServer;
beforeAll(async () => { s = await startTestServer({ background: false }); });
afterAll(async () => { await s.close(); });

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(s.url + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: s.basic, ...headers }, body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() as any };
}
async function get(path: string) {
  const res = await fetch(s.url + path, { headers: { authorization: s.bearer } });
  return { status: res.status, body: await res.json() as any };
}
let n = 0;
const mid = () => `test-${Date.now().toString(36)}-${n++}`;

describe('Segment HTTP tracking API', () => {
  it('accepts each single-message call and stores it with server receive time', async () => {
    const calls: Array<[string, Record<string, unknown>]> = [
      ['track', { userId: 'u1', event: 'Product Viewed', properties: { product_id: 'p1' } }],
      ['identify', { userId: 'u1', traits: { email: 'a@b.co' } }],
      ['page', { anonymousId: 'a1', name: 'Home' }],
      ['screen', { anonymousId: 'a1', name: 'Cart' }],
      ['alias', { userId: 'u1', previousId: 'a1' }],
      ['group', { userId: 'u1', groupId: 'g1', traits: { name: 'ACME' } }],
    ];
    for (const [type, body] of calls) {
      const messageId = mid();
      const r = await post(`/v1/${type}`, { ...body, messageId });
      expect(r, type).toEqual({ status: 200, body: { success: true } });
      const stored = await get(`/v1/events/${messageId}`);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ type, messageId });
      expect(typeof stored.body.receivedAt).toBe('string');
      expect(stored.body.seq).toBeGreaterThan(0);
    }
  });

  it('stores a re-sent message once (messageId idempotency), within and across requests', async () => {
    const messageId = mid();
    const msg = { type: 'track', userId: 'u2', event: 'Order Completed', messageId };
    const before = (await get('/v1/events?after=0&limit=1')).body.head;
    expect((await post('/v1/batch', { batch: [msg, msg] })).status).toBe(200);
    expect((await post('/v1/track', msg)).status).toBe(200);
    const after = (await get('/v1/events?after=0&limit=1')).body.head;
    expect(after - before).toBe(1);
  });

  it('accepts gzip bodies whatever the Content-Type', async () => {
    const messageId = mid();
    const gz = gzipSync(JSON.stringify({ batch: [{ type: 'track', anonymousId: 'gz', event: 'Cart Viewed', messageId }] }));
    const r = await post('/v1/batch', gz, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
    expect(r.status).toBe(200);
    expect((await get(`/v1/events/${messageId}`)).body.event).toBe('Cart Viewed');
  });

  it('corrects client clock skew using sentAt, keeping the original timestamp', async () => {
    const messageId = mid();
    // The client clock is 1 hour behind; the event happened 10 s before sending.
    const now = Date.now();
    const clientNow = now - 3600_000;
    await post('/v1/batch', { sentAt: new Date(clientNow).toISOString(), batch: [{ type: 'track', userId: 'sk', event: 'X', messageId, timestamp: new Date(clientNow - 10_000).toISOString() }] });
    const m = (await get(`/v1/events/${messageId}`)).body;
    const corrected = Date.parse(m.timestamp);
    expect(Math.abs(corrected - (Date.parse(m.receivedAt) - 10_000))).toBeLessThan(5);
    expect(m.originalTimestamp).toBe(new Date(clientNow - 10_000).toISOString());
  });

  it('rejects a batch with one bad message, naming its index and field, and stores nothing of it', async () => {
    const good = { type: 'track', userId: 'b', event: 'Good', messageId: mid() };
    const cases: Array<[unknown, string]> = [
      [{ type: 'track', event: 'No ids', messageId: mid() }, 'batch[1].userId'],
      [{ type: 'track', userId: 'x', messageId: mid() }, 'batch[1].event'],
      [{ type: 'nope', userId: 'x', messageId: mid() }, 'batch[1].type'],
      [{ type: 'track', userId: 'x', event: 'E', properties: 'str', messageId: mid() }, 'batch[1].properties'],
      [{ type: 'track', userId: { id: 1 }, event: 'E', messageId: mid() }, 'batch[1].userId'],
      [{ type: 'track', userId: 'x', event: 'E', timestamp: 'yesterday', messageId: mid() }, 'batch[1].timestamp'],
      [{ type: 'alias', userId: 'x', messageId: mid() }, 'batch[1].previousId'],
    ];
    for (const [bad, field] of cases) {
      const r = await post('/v1/batch', { batch: [good, bad] });
      expect(r.status, field).toBe(400);
      expect(r.body.error).toMatchObject({ field, index: 1 });
      expect(r.body.error.message).toContain(field);
    }
    expect((await get(`/v1/events/${good.messageId}`)).status).toBe(404);
  });

  it('enforces Segment size limits: 32 KB per message, 500 KB per batch', async () => {
    const big = { type: 'track', userId: 'big', event: 'E', messageId: mid(), properties: { blob: 'x'.repeat(33 * 1024) } };
    const r1 = await post('/v1/batch', { batch: [big] });
    expect(r1.status).toBe(400);
    expect(r1.body.error).toMatchObject({ code: 'event_too_large', field: 'batch[0]', index: 0 });
    const r2 = await post('/v1/track', big);
    expect(r2.status).toBe(400);
    const many = Array.from({ length: 20 }, () => ({ type: 'track', userId: 'big', event: 'E', messageId: mid(), properties: { blob: 'x'.repeat(30 * 1024) } }));
    const r3 = await post('/v1/batch', { batch: many });
    expect(r3.status).toBe(400);
    expect(r3.body.error).toMatchObject({ code: 'batch_too_large', field: 'batch' });
  });

  it('rejects bad JSON, bad gzip and a missing batch with 400', async () => {
    expect((await post('/v1/batch', '{not json')).status).toBe(400);
    expect((await post('/v1/batch', 'plain', { 'content-encoding': 'gzip' })).status).toBe(400);
    const r = await post('/v1/batch', { notbatch: [] });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('batch');
  });

  it('answers 401 to a wrong or missing write key, and accepts writeKey in the body', async () => {
    expect((await post('/v1/track', { userId: 'k', event: 'E' }, { authorization: 'Basic ' + Buffer.from('wrong:').toString('base64') })).status).toBe(401);
    const res = await fetch(s.url + '/v1/track', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'k', event: 'E' }) });
    expect(res.status).toBe(401);
    const ok = await fetch(s.url + '/v1/track', { method: 'POST', body: JSON.stringify({ userId: 'k', event: 'E', writeKey: 'wk_test_123456' }) });
    expect(ok.status).toBe(200);
  });

  it('serves health, metrics with ingest counters, and an OpenAPI document listing the routes', async () => {
    expect((await fetch(s.url + '/healthz')).status).toBe(200);
    const metrics = await (await fetch(s.url + '/metrics')).text();
    expect(metrics).toMatch(/braid_ingest_events_total\{type="track"\} \d+/);
    expect(metrics).toContain('braid_http_request_duration_seconds_bucket');
    expect(metrics).toContain('braid_ingest_commit_duration_seconds');
    const doc = await (await fetch(s.url + '/openapi.json')).json() as any;
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/v1/track', '/v1/identify', '/v1/page', '/v1/screen', '/v1/alias', '/v1/group', '/v1/batch']) expect(doc.paths[p], p).toBeDefined();
    expect((await fetch(s.url + '/docs')).status).toBe(200);
  });
});
