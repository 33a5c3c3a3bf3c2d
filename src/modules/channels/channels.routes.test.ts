import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpServer } from '../../core/index.ts';
import * as harness from '../../testing/harness.ts';
import { freePort, KEYS, openSpine, startApi, type Spine } from './channels.testkit.ts';
import type { ChannelService } from './index.ts';

let spine: Spine;
let ch: ChannelService;
let api: HttpServer;
let url: string;
let ada: string;
const admin = { authorization: `Bearer ${KEYS.adminKey}` };
const decide = { authorization: `Bearer ${KEYS.decideKey}` };

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = admin): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body !== undefined ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  spine = await openSpine(harness);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  ch = spine.channels({ publicUrl: url });
  api = await startApi(spine, ch, port);
  await ch.start();
  ada = await spine.identify('ada', { email: 'ada@example.com', phone: '+1 415 555 0188' });
});
afterAll(async () => { await ch.stop(); await api.close(); await spine.close(); });

describe('suppression list', () => {
  it('adds (normalized, idempotently), lists, filters and deletes suppressions; admin only', async () => {
    expect((await call('GET', '/v1/suppressions', undefined, {})).status).toBe(401);
    expect((await call('POST', '/v1/suppressions', { channel: 'email', address: 'x@example.com' }, decide)).status).toBe(401);
    const a = await call('POST', '/v1/suppressions', { channel: 'email', address: '  Ada@Example.COM ', reason: 'asked by phone' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ channel: 'email', address: 'ada@example.com', reason: 'asked by phone', source: 'api' });
    expect(a.body.id).toMatch(/^sup_/);
    expect((await call('POST', '/v1/suppressions', { channel: 'email', address: 'ada@example.com' })).body.id).toBe(a.body.id);
    const p = await call('POST', '/v1/suppressions', { channel: 'all', address: '+1 415 555 0188' });
    expect(p.body).toMatchObject({ channel: 'all', address: '+14155550188' });
    expect((await call('GET', '/v1/suppressions?channel=all')).body.items.map((s: any) => s.id)).toEqual([p.body.id]);
    expect((await call('GET', '/v1/suppressions')).body.items).toHaveLength(2);
    for (const [body, field] of [
      [{ channel: 'email', address: 'not-an-email' }, 'address'],
      [{ channel: 'fax', address: 'x' }, 'channel'],
      [{ channel: 'email', address: 'a@b.co', extra: 1 }, 'extra'],
      [{ channel: 'email' }, 'address'],
    ] as const) {
      const r = await call('POST', '/v1/suppressions', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect((await call('DELETE', `/v1/suppressions/${p.body.id}`)).status).toBe(204);
    expect((await call('DELETE', `/v1/suppressions/${p.body.id}`)).status).toBe(404);
  });

  it('suppresses delivery on the channel, even for transactional messages', async () => {
    const [o] = await ch.send([{ idempotencyKey: 'sup:1', profileId: ada, channel: 'email', transactional: true, content: { subject: 'Order', text: 'x' } }]);
    expect((await spine.settle(ch, [o!.messageId]))[0]).toMatchObject({ status: 'suppressed', reason: 'suppression_list', address: 'ada@example.com' });
  });
});

describe('in-app inbox', () => {
  it('stores in_app messages in the inbox, readable and markable with the decide key', async () => {
    const out = await ch.send([
      { idempotencyKey: 'inapp:1', profileId: ada, channel: 'in_app', content: { title: 'Welcome', body: 'Hi Ada', url: '/welcome', data: { badge: 1 } } },
      { idempotencyKey: 'inapp:2', profileId: ada, channel: 'in_app', content: { title: 'Sale', body: '20% off' } },
    ]);
    const recs = await spine.settle(ch, out.map((o) => o.messageId));
    expect(recs.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect((await call('GET', '/v1/inbox?ref=userId:ada', undefined, {})).status).toBe(401);
    const inbox = await call('GET', '/v1/inbox?ref=userId:ada', undefined, decide);
    expect(inbox.status).toBe(200);
    expect(inbox.body.items).toHaveLength(2);
    expect(inbox.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: out[0]!.messageId, title: 'Welcome', body: 'Hi Ada', url: '/welcome', data: { badge: 1 }, readAt: null })]));
    expect((await call('POST', `/v1/inbox/${out[0]!.messageId}/read?ref=userId:ada`, undefined, decide)).status).toBe(204);
    const unread = await call('GET', '/v1/inbox?ref=userId:ada&unread=true', undefined, decide);
    expect(unread.body.items.map((i: any) => i.id)).toEqual([out[1]!.messageId]);
    expect((await call('POST', '/v1/inbox/msg_nope/read', undefined, decide)).status).toBe(404);
    expect((await call('GET', '/v1/inbox?ref=userId:nobody', undefined, decide)).status).toBe(404);
  });
});

describe('delivery log', () => {
  it('lists messages by profile ref, channel and status, and shows one; 404 for unknown', async () => {
    const list = await call('GET', '/v1/messages?ref=userId:ada&channel=in_app');
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: any) => m.idempotencyKey).sort()).toEqual(['inapp:1', 'inapp:2']); // same millisecond: either order
    expect((await call('GET', '/v1/messages?status=suppressed')).body.items.map((m: any) => m.idempotencyKey)).toEqual(['sup:1']);
    const one = await call('GET', `/v1/messages/${list.body.items[0].id}`);
    expect(one.body).toMatchObject({ id: list.body.items[0].id, profileId: ada, channel: 'in_app', purpose: 'personalization', status: 'sent', attempts: 1, consentBasis: 'default' });
    expect((await call('GET', '/v1/messages/msg_nope')).status).toBe(404);
    expect((await call('GET', '/v1/messages?ref=userId:nobody')).status).toBe(404);
    expect((await call('GET', '/v1/messages?status=lost')).status).toBe(400);
    expect((await call('GET', '/v1/messages', undefined, decide)).status).toBe(401);
  });

  it('the confirmation form of the unsubscribe page revokes too (evidence method page)', async () => {
    const link = ch.unsubscribeUrl(ada, 'sms_marketing');
    const res = await fetch(link, { method: 'POST', body: 'confirm=yes', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(200);
    const d = await spine.consent.check(ada, 'sms_marketing');
    expect(d).toMatchObject({ allowed: false });
    expect(d.record).toMatchObject({ source: 'unsubscribe', evidence: { method: 'page' } });
  });
});
