/**
 * Provider receipts over HTTP: an SMS goes to a Twilio-shaped receiver on loopback, Twilio's signed
 * StatusCallback finds the message by its provider id (MessageSid) and moves it to delivered;
 * a generic signed receipt by provider id bounces it (and suppresses the number); forged
 * signatures are refused; a late receipt never moves a message back.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { signTwilio, signWebhook } from './channels.sign.ts';

let s: TestServer;
let receiver: Server;
let sent = 0;
const TOKEN = 'tok_receipts_1';

beforeAll(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => { sent++; res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ sid: `SMrcpt${sent}`, name: `projects/sim/messages/${sent}` })); /* Twilio's and FCM's ids */ });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  s = await startTestServer({ channels: { retryDelaySeconds: 1, pollingIntervalSeconds: 0.5 } });
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  expect((await s.api('PUT', '/v1/channels/providers', { smsUrl: url, smsAuthToken: TOKEN })).status).toBe(200);
}, 60_000);
afterAll(async () => { await s?.close(); receiver?.close(); });

async function smsTo(userId: string, phone: string): Promise<{ id: string; providerId: string }> {
  const r = await fetch(s.url + '/v1/identify', {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: s.basic },
    body: JSON.stringify({ userId, traits: { phone, consent: { sms_marketing: true } } }),
  });
  expect(r.status).toBe(200);
  await s.braid.profiles.waitForProjection(10_000);
  const profileId = (await s.api('GET', `/v1/profiles/userId:${userId}`)).body.id as string;
  const [out] = await s.braid.channels.send([{ idempotencyKey: `rcpt:${userId}`, profileId, channel: 'sms', content: { body: 'Your cart is waiting. Reply STOP to opt out.' } }]);
  for (let i = 0; i < 200; i++) {
    const m = await s.braid.channels.get(out!.messageId);
    if (m?.status === 'sent') return { id: m.id, providerId: m.providerId! };
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('the SMS was not sent');
}

const twilio = (form: Record<string, string>, signature?: string) => {
  const url = `${s.braid.config.muscle.channels.publicUrl}/v1/channels/receipts/sms`;
  return fetch(s.url + '/v1/channels/receipts/sms', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature ?? signTwilio(TOKEN, url, form) },
    body: new URLSearchParams(form).toString(),
  });
};
const signed = (channel: string, body: object, secret = s.braid.config.muscle.channels.webhookSecret) => {
  const ts = String(Math.floor(s.braid.clock.now() / 1000));
  const raw = JSON.stringify(body);
  return fetch(s.url + `/v1/channels/receipts/${channel}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-braid-timestamp': ts, 'x-braid-signature': signWebhook(secret, ts, raw) }, body: raw,
  });
};

describe('delivery receipts', () => {
  it('Twilio StatusCallback by MessageSid: delivered; a forged signature is refused', async () => {
    const m = await smsTo('rcpt1', '+14155550101');
    expect(m.providerId).toMatch(/^SMrcpt/);
    expect((await twilio({ MessageSid: m.providerId, MessageStatus: 'delivered' }, 'forged')).status).toBe(401);
    expect((await s.braid.channels.get(m.id))!.status).toBe('sent');
    const ok = await twilio({ MessageSid: m.providerId, MessageStatus: 'delivered' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ changed: true, message: { id: m.id, status: 'delivered' } });
    // An unknown provider id is a 404, not a silent success.
    expect((await twilio({ MessageSid: 'SMnope', MessageStatus: 'delivered' })).status).toBe(404);
  }, 60_000);

  it('an undelivered SMS to an unreachable number bounces and suppresses it; a late receipt changes nothing', async () => {
    const m = await smsTo('rcpt2', '+14155550102');
    const r = await twilio({ MessageSid: m.providerId, MessageStatus: 'undelivered', ErrorCode: '30003' });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ changed: true, message: { id: m.id, status: 'bounced', reason: 'twilio:30003' } });
    const sup = await s.api('GET', '/v1/suppressions?channel=sms');
    expect(sup.body.items.map((x: { address: string }) => x.address)).toContain('+14155550102');
    const late = await twilio({ MessageSid: m.providerId, MessageStatus: 'delivered' });
    expect(await late.json()).toMatchObject({ changed: false });
    expect((await s.braid.channels.get(m.id))!.status).toBe('bounced');
  }, 60_000);

  it('a generic signed receipt finds a message by provider id or by Braid id; a wrong secret is refused', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    expect((await s.api('PUT', '/v1/channels/providers', { pushUrl: url })).status).toBe(200);
    const r0 = await fetch(s.url + '/v1/identify', {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: s.basic },
      body: JSON.stringify({ userId: 'rcpt3', traits: { push_token: 'tok-device-3', consent: { push_marketing: true } } }),
    });
    expect(r0.status).toBe(200);
    await s.braid.profiles.waitForProjection(10_000);
    const profileId = (await s.api('GET', '/v1/profiles/userId:rcpt3')).body.id as string;
    const [out] = await s.braid.channels.send([{ idempotencyKey: 'rcpt:push3', profileId, channel: 'push', content: { title: 'Back in stock', body: 'Your size is back.' } }]);
    let m = await s.braid.channels.get(out!.messageId);
    for (let i = 0; i < 200 && m?.status !== 'sent'; i++) { await new Promise((res) => setTimeout(res, 50)); m = await s.braid.channels.get(out!.messageId); }
    expect(m).toMatchObject({ status: 'sent' });
    expect((await signed('push', { messageId: m!.id, status: 'delivered' }, 'wrong-secret')).status).toBe(401);
    expect(m!.providerId).toMatch(/^projects\/sim\/messages\//);
    const byProvider = await signed('push', { providerId: m!.providerId, status: 'delivered' });
    expect(await byProvider.json()).toMatchObject({ changed: true, message: { id: m!.id, status: 'delivered' } });
    const opened = await signed('push', { messageId: m!.id, status: 'opened' });
    expect(await opened.json()).toMatchObject({ changed: true, message: { id: m!.id, status: 'opened' } });
  }, 60_000);
});
