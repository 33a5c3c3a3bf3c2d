import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpServer } from '../../core/index.ts';
import * as harness from '../../testing/harness.ts';
import { freePort, openSpine, startApi, startReceiver, type Receiver, type Spine } from './channels.testkit.ts';
import { signTwilio, signWebhook, type ChannelService } from './index.ts';

const SID = 'AC_test', TOKEN = 'twilio-token', PUSH_KEY = 'push-key', HOOK_SECRET = 'hook-secret';
let spine: Spine;
let sms: Receiver, push: Receiver, hook: Receiver;
let ch: ChannelService;
let api: HttpServer;
let apiUrl: string;
let ada: string;

beforeAll(async () => {
  spine = await openSpine(harness);
  sms = await startReceiver((_r, i) => ({ status: 201, json: { sid: `SM${i}`, status: 'queued' } }));
  push = await startReceiver((_r, i) => ({ status: 200, json: { name: `projects/demo/messages/${i}` } }));
  const seen = new Map<string, number>();
  hook = await startReceiver((r) => {
    // The receiver verifies the signature as docs/channels.md tells integrators to.
    const ts = String(r.headers['x-braid-timestamp']);
    if (r.headers['x-braid-signature'] !== signWebhook(HOOK_SECRET, ts, r.body)) return { status: 401 };
    const body = JSON.parse(r.body) as { messageId: string; content: { data?: { mode?: string } } };
    const tries = (seen.get(body.messageId) ?? 0) + 1;
    seen.set(body.messageId, tries);
    const mode = body.content.data?.mode;
    if (mode === 'down' || (mode === 'flaky' && tries === 1)) return { status: 503 };
    if (mode === 'bad') return { status: 400, json: { error: 'unknown field' } };
    return { status: 200, json: { id: `hook-${body.messageId}` } };
  });
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  ch = spine.channels({
    smsUrl: sms.url, smsAccountSid: SID, smsAuthToken: TOKEN, smsFrom: '+15005550006', pushUrl: push.url + '/v1/projects/demo/messages:send', pushKey: PUSH_KEY,
    webhookUrl: hook.url + '/braid', webhookSecret: HOOK_SECRET, publicUrl: apiUrl, maxAttempts: 3,
  });
  api = await startApi(spine, ch, port);
  await ch.start();
  ada = await spine.identify('ada', { phone: '+1 415 555 0123', push_token: 'tok-ada-1', consent: { sms_marketing: true, push_marketing: true } });
});
afterAll(async () => { await ch.stop(); await api.close(); await Promise.all([sms.close(), push.close(), hook.close()]); await spine.close(); });

describe('sms (Twilio-compatible)', () => {
  it('posts the Twilio form with Basic auth and takes the sid as provider id; a signed StatusCallback marks it delivered', async () => {
    const [o] = await ch.send([{ idempotencyKey: 'sms:1', profileId: ada, channel: 'sms', content: { body: 'Your cart misses you' } }]);
    const [rec] = await spine.settle(ch, [o!.messageId]);
    expect(rec).toMatchObject({ status: 'sent', address: '+14155550123', providerId: 'SM0' });
    const req = sms.requests[0]!;
    expect(req.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req.headers.authorization).toBe('Basic ' + Buffer.from(`${SID}:${TOKEN}`).toString('base64'));
    expect(req.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(req.body));
    expect(form).toEqual({ To: '+14155550123', From: '+15005550006', Body: 'Your cart misses you', StatusCallback: `${apiUrl}/v1/channels/receipts/sms` });

    const params = { MessageSid: 'SM0', MessageStatus: 'delivered', AccountSid: SID };
    const post = (sig: string) => fetch(form.StatusCallback!, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, body: new URLSearchParams(params).toString(),
    });
    expect((await post('forged')).status).toBe(401);
    const res = await post(signTwilio(TOKEN, form.StatusCallback!, params));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ changed: true, message: { id: o!.messageId, status: 'delivered' } });
    expect((await ch.get(o!.messageId))!.status).toBe('delivered');
  });
});

describe('push (FCM HTTP v1 shape)', () => {
  it('posts {message: {token, notification, data}} with the bearer key and takes name as provider id', async () => {
    const [o] = await ch.send([{ idempotencyKey: 'push:1', profileId: ada, channel: 'push', content: { title: 'Back in stock', body: 'The mug is back', url: 'https://shop/mug', data: { sku: 'MUG-1', n: 2 } } }]);
    const [rec] = await spine.settle(ch, [o!.messageId]);
    expect(rec).toMatchObject({ status: 'sent', address: 'tok-ada-1', providerId: 'projects/demo/messages/0' });
    const req = push.requests[0]!;
    expect(req.url).toBe('/v1/projects/demo/messages:send');
    expect(req.headers.authorization).toBe(`Bearer ${PUSH_KEY}`);
    expect(JSON.parse(req.body)).toEqual({
      message: { token: 'tok-ada-1', notification: { title: 'Back in stock', body: 'The mug is back' }, data: { braid_message_id: o!.messageId, sku: 'MUG-1', n: '2', url: 'https://shop/mug' } },
    });
  });

  it('a bounce receipt suppresses the token: the next push is not sent', async () => {
    const [o] = await ch.send([{ idempotencyKey: 'push:2', profileId: ada, channel: 'push', content: { title: 't', body: 'b' } }]);
    await spine.settle(ch, [o!.messageId]);
    const body = JSON.stringify({ providerId: (await ch.get(o!.messageId))!.providerId, status: 'bounced', reason: 'UNREGISTERED' });
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${apiUrl}/v1/channels/receipts/push`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-braid-timestamp': ts, 'x-braid-signature': signWebhook(HOOK_SECRET, ts, body) }, body });
    expect(res.status).toBe(200);
    expect((await ch.get(o!.messageId))).toMatchObject({ status: 'bounced', reason: 'UNREGISTERED' });
    expect(await ch.suppressions({ channel: 'push' })).toEqual([expect.objectContaining({ address: 'tok-ada-1', source: 'bounce', messageId: o!.messageId })]);
    const before = push.requests.length;
    const [next] = await ch.send([{ idempotencyKey: 'push:3', profileId: ada, channel: 'push', content: { title: 't', body: 'b' } }]);
    expect((await spine.settle(ch, [next!.messageId]))[0]).toMatchObject({ status: 'suppressed', reason: 'suppression_list' });
    expect(push.requests.length).toBe(before);
  });
});

describe('webhook (signed JSON) and receipts', () => {
  it('signs each POST; the receiver verifies it; signed receipts move the status forward only', async () => {
    const [o] = await ch.send([{ idempotencyKey: 'hook:1', profileId: ada, channel: 'webhook', content: { data: { cart: 'c-1' } } }]);
    const [rec] = await spine.settle(ch, [o!.messageId]);
    expect(rec).toMatchObject({ status: 'sent', providerId: `hook-${o!.messageId}`, address: ada });
    const sent = JSON.parse(hook.requests.at(-1)!.body);
    expect(sent).toMatchObject({ messageId: o!.messageId, profileId: ada, purpose: 'personalization', content: { data: { cart: 'c-1' } } });

    const receipt = async (payload: unknown, sign = true) => {
      const body = JSON.stringify(payload);
      const ts = String(Math.floor(Date.now() / 1000));
      return fetch(`${apiUrl}/v1/channels/receipts/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-braid-timestamp': ts, 'x-braid-signature': sign ? signWebhook(HOOK_SECRET, ts, body) : 'sha256=00' }, body });
    };
    expect((await receipt({ messageId: o!.messageId, status: 'opened' }, false)).status).toBe(401);
    expect(await (await receipt({ messageId: o!.messageId, status: 'opened' })).json()).toMatchObject({ changed: true, message: { status: 'opened' } });
    expect(await (await receipt({ messageId: o!.messageId, status: 'delivered' })).json()).toEqual({ changed: false });
    expect(await (await receipt({ messageId: o!.messageId, status: 'clicked' })).json()).toMatchObject({ changed: true, message: { status: 'clicked' } });
    expect((await receipt({ messageId: 'msg_nope', status: 'opened' })).status).toBe(404);
    const bad = await receipt({ messageId: o!.messageId, status: 'exploded' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.field).toBe('status');
  });

  it('retries a 503 with backoff until it is sent', async () => {
    const [o] = await ch.send([{ idempotencyKey: 'hook:flaky', profileId: ada, channel: 'webhook', content: { data: { mode: 'flaky' } } }]);
    const [rec] = await spine.settle(ch, [o!.messageId]);
    expect(rec).toMatchObject({ status: 'sent', attempts: 2 });
    const hits = hook.requests.filter((r) => r.body.includes(o!.messageId));
    expect(hits).toHaveLength(2);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(900); // retryDelay 1 s, doubled with jitter
  });

  it('dead-letters a message after maxAttempts transient failures, with growing gaps', async () => {
    const [o] = await ch.send([{ idempotencyKey: 'hook:down', profileId: ada, channel: 'webhook', content: { data: { mode: 'down' } } }]);
    const [rec] = await spine.settle(ch, [o!.messageId], ['dead'], 30_000);
    expect(rec).toMatchObject({ status: 'dead', attempts: 3, reason: 'http 503' });
    const hits = hook.requests.filter((r) => r.body.includes(o!.messageId));
    expect(hits).toHaveLength(3);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(900);
    expect(hits[2]!.at - hits[1]!.at).toBeGreaterThanOrEqual(1900);
  }, 40_000);

  it('fails a 400 at once, without retry', async () => {
    const [o] = await ch.send([{ idempotencyKey: 'hook:bad', profileId: ada, channel: 'webhook', content: { data: { mode: 'bad' } } }]);
    const [rec] = await spine.settle(ch, [o!.messageId]);
    expect(rec).toMatchObject({ status: 'failed', attempts: 1 });
    expect(rec!.reason).toContain('http 400');
    await new Promise((r) => setTimeout(r, 1500));
    expect(hook.requests.filter((r) => r.body.includes(o!.messageId))).toHaveLength(1);
    expect((await ch.get(o!.messageId))!.status).toBe('failed');
    expect(ch.stats()).toMatchObject({ dead: 1, failed: 1 });
  });
});
