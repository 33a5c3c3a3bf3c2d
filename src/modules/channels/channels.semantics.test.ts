import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as harness from '../../testing/harness.ts';
import { openSpine, startReceiver, type Receiver, type Spine } from './channels.testkit.ts';
import type { ChannelService, DeliveryRecord, SendRequest } from './index.ts';

let spine: Spine;
let hook: Receiver;
let ch: ChannelService;
let ada: string, bob: string, cy: string;
const statuses: DeliveryRecord[] = [];

const webhook = (key: string, profileId: string, extra: Partial<SendRequest> = {}): SendRequest =>
  ({ idempotencyKey: key, profileId, channel: 'webhook', content: { data: { key } }, ...extra });
const hitsFor = (messageId: string) => hook.requests.filter((r) => r.headers['x-braid-message-id'] === messageId).length;

beforeAll(async () => {
  spine = await openSpine(harness);
  hook = await startReceiver(() => ({ status: 200, json: { ok: true } }));
  ch = spine.channels({ webhookUrl: hook.url + '/hook', maxAttempts: 3 });
  ch.onStatus((r) => statuses.push(r));
  ada = await spine.identify('ada', { email: 'ada@example.com', consent: { email_marketing: true } });
  bob = await spine.identify('bob', { email: 'bob@example.com', consent: { email_marketing: true } });
  cy = await spine.identify('cy', { email: 'cy@example.com' });
});
afterAll(async () => { await ch.stop(); await hook.close(); await spine.close(); });

describe('delivery-time checks and crash safety (workers not yet running)', () => {
  it('marks a message left "sending" by a dead process unknown, re-checks consent at delivery, records the consent relied on', async () => {
    // Enqueued while no worker runs: delivery happens only after start().
    const [crashed, revoked, granted, noConsent] = await ch.send([
      webhook('crash:1', ada),
      webhook('revoke:1', bob, { purpose: 'email_marketing' }),
      webhook('grant:1', ada, { purpose: 'email_marketing' }),
      webhook('none:1', cy, { purpose: 'email_marketing' }),
    ]);
    expect([crashed, revoked, granted, noConsent].map((o) => o!.outcome)).toEqual(['queued', 'queued', 'queued', 'queued']);
    // A process claimed the first message and died during the provider call.
    await spine.t.db.query(`update deliveries set status = 'sending', attempts = 1 where id = $1`, [crashed!.messageId]);
    // Bob unsubscribes after the send was accepted, before it is delivered.
    await spine.consent.update(bob, { email_marketing: false }, { source: 'test' });
    await ch.start();
    const [c, r, g, nc] = await spine.settle(ch, [crashed!.messageId, revoked!.messageId, granted!.messageId, noConsent!.messageId]);
    expect(c).toMatchObject({ status: 'unknown', attempts: 1 });
    expect(hitsFor(crashed!.messageId)).toBe(0);
    expect(r).toMatchObject({ status: 'suppressed', reason: 'consent:revoked', consentBasis: 'recorded' });
    expect(r!.consentRecordId).toMatch(/^cns_/);
    expect(hitsFor(revoked!.messageId)).toBe(0);
    expect(nc).toMatchObject({ status: 'suppressed', reason: 'consent:denied', consentBasis: 'default', consentRecordId: null });
    expect(g).toMatchObject({ status: 'sent', attempts: 1, consentBasis: 'recorded', address: ada });
    const adaConsent = await spine.consent.check(ada, 'email_marketing');
    expect(g!.consentRecordId).toBe(adaConsent.record!.id);
    expect(g!.sentAt).not.toBeNull();
    expect(hitsFor(granted!.messageId)).toBe(1);
    expect(statuses.map((s) => `${s.id}:${s.status}`)).toEqual(expect.arrayContaining([
      `${crashed!.messageId}:unknown`, `${revoked!.messageId}:suppressed`, `${granted!.messageId}:sent`,
    ]));
  });
});

describe('idempotency: at most one message per key, ever', () => {
  it('answers duplicate with the first id for a repeated key, sequentially, in one batch and concurrently', async () => {
    const [first] = await ch.send([webhook('idem:1', ada)]);
    const again = await ch.send([webhook('idem:1', ada), webhook('idem:1', ada), webhook('idem:2', ada)]);
    expect(again.map((o) => o.outcome)).toEqual(['duplicate', 'duplicate', 'queued']);
    expect(again[0]!.messageId).toBe(first!.messageId);
    const racing = await Promise.all(Array.from({ length: 8 }, () => ch.send([webhook('idem:3', bob, { transactional: true }), webhook('idem:3', bob)])));
    const flat = racing.flat();
    expect(flat.filter((o) => o.outcome === 'queued')).toHaveLength(1);
    expect(new Set(flat.map((o) => o.messageId)).size).toBe(1);
    const ids = [first!.messageId, again[2]!.messageId, flat[0]!.messageId];
    await spine.settle(ch, ids);
    await new Promise((r) => setTimeout(r, 300)); // nothing more may arrive
    for (const id of ids) expect(hitsFor(id)).toBe(1);
    // Even after delivery the key stays spent.
    expect((await ch.send([webhook('idem:1', ada)]))[0]).toEqual({ messageId: first!.messageId, outcome: 'duplicate' });
    const rows = await spine.t.db.query(`select count(*)::int as n from deliveries where idempotency_key like 'idem:%'`);
    expect(rows.rows[0]).toEqual({ n: 3 });
  });

  it('rejects malformed requests naming the field', async () => {
    await expect(ch.send([webhook('x', ada), { ...webhook('y', ada), channel: 'fax' as never }])).rejects.toMatchObject({ details: { field: '[1].channel' } });
    await expect(ch.send([{ ...webhook('y', ada), purpose: 'Bad Purpose' }])).rejects.toMatchObject({ details: { field: '[0].purpose' } });
    await expect(ch.send([{ ...webhook('', ada) }])).rejects.toMatchObject({ details: { field: '[0].idempotencyKey' } });
    expect((await spine.t.db.query(`select 1 from deliveries where idempotency_key in ('x', 'y')`)).rows).toHaveLength(0);
  });
});

describe('contacts, list and stats', () => {
  it('lists owned-channel contacts newest first, without suppressed, failed or dead messages', async () => {
    const since = Date.now() - 60_000;
    const m = await ch.contacts([ada, bob, cy, 'prf_nobody'], since);
    const adaContacts = m.get(ada)!;
    expect(adaContacts.length).toBeGreaterThanOrEqual(3);
    expect(adaContacts.every((c) => c.channel === 'webhook' && c.status !== 'suppressed')).toBe(true);
    expect([...adaContacts].sort((a, b) => b.at - a.at)).toEqual(adaContacts);
    expect(m.get(cy)).toBeUndefined(); // cy's only message was suppressed
    expect(m.has('prf_nobody')).toBe(false);
    expect((await ch.contacts([ada], Date.now() + 60_000)).size).toBe(0);
  });

  it('filters the log and pages by id', async () => {
    const all = await ch.list({ profileId: ada });
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all.map((r) => r.id)).toEqual([...all.map((r) => r.id)].sort().reverse());
    const page2 = await ch.list({ profileId: ada, before: all[0]!.id, limit: 1 });
    expect(page2.map((r) => r.id)).toEqual([all[1]!.id]);
    expect((await ch.list({ status: 'unknown' })).map((r) => r.idempotencyKey)).toEqual(['crash:1']);
    const s = ch.stats();
    expect(s).toMatchObject({ unknown: 1 });
    expect(s.sent).toBeGreaterThanOrEqual(4);
    expect(s.suppressed).toBe(2);
    expect(s.duplicate).toBeGreaterThanOrEqual(17);
  });
});
