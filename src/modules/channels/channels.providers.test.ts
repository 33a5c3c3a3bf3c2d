/**
 * Provider settings over the API: an SMS endpoint configured with PUT /v1/channels/providers
 * (none in the environment) receives the next message at once, and survives a restart of the
 * channels service; secrets are never read back; bad fields are named.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/server.ts';

let s: TestServer;
let receiver: Server;
const bodies: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let b = ''; req.on('data', (d) => { b += d; });
    req.on('end', () => { bodies.push(b); res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ sid: `SM${bodies.length}` })); });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  s = await startTestServer({ channels: { retryDelaySeconds: 1, pollingIntervalSeconds: 0.5 } });
}, 60_000);
afterAll(async () => { await s?.close(); receiver?.close(); });

describe('provider settings over the API', () => {
  it('configures SMS without a restart and hides secrets', async () => {
    const before = (await s.api('GET', '/v1/channels/providers')).body;
    expect(before.smsUrl).toEqual({ value: null, source: 'unset' });
    expect(before.smsAuthToken.value).toBe('(set)'); // the default token, never shown

    const bad = await s.api('PUT', '/v1/channels/providers', { smsUrl: 'ftp://nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('smsUrl');
    expect((await s.api('PUT', '/v1/channels/providers', { faxUrl: 'http://x' })).body.error.field).toBe('faxUrl');

    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const put = await s.api('PUT', '/v1/channels/providers', { smsUrl: url, smsAuthToken: 'tok_secret_1' });
    expect(put.status).toBe(200);
    expect(put.body.smsUrl).toEqual({ value: url, source: 'api' });
    expect(JSON.stringify(put.body)).not.toContain('tok_secret_1');

    const ingest = await fetch(s.url + '/v1/identify', {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: s.basic },
      body: JSON.stringify({ userId: 'sms1', traits: { phone: '+14155550123', consent: { sms_marketing: true } } }),
    });
    expect(ingest.status).toBe(200);
    await s.braid.profiles.waitForProjection(10_000);
    const profileId = (await s.api('GET', '/v1/profiles/userId:sms1')).body.id as string;
    const [out] = await s.braid.channels.send([{ idempotencyKey: 'prov-test-1', profileId, channel: 'sms', content: { body: 'Hello from Braid. Reply STOP to opt out.' } }]);
    expect(out!.outcome).toBe('queued');
    for (let i = 0; i < 100 && bodies.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(new URLSearchParams(bodies[0]).get('To')).toBe('+14155550123');

    // null restores the environment's value (unset here).
    expect((await s.api('PUT', '/v1/channels/providers', { smsUrl: null })).body.smsUrl).toEqual({ value: null, source: 'unset' });
  }, 60_000);
});
