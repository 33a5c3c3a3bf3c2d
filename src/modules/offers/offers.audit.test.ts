/**
 * Offer changes write their own audit entries, through the HTTP API: offer.create with the offer,
 * offer.update with the changed fields, offer.delete with what was retired (its recorded versions
 * retired with it), offer_policy.update
 * with the changed policy fields, each naming the principal (approvals off here: the approval
 * entries are covered in approvals.settings.e2e.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/server.ts';

let s: TestServer;
let marketer: { id: string; secret: string };
beforeAll(async () => {
  s = await startTestServer({ background: false });
  marketer = (await s.api('POST', '/v1/api-keys', { name: 'Mia', role: 'marketer' })).body;
}, 60_000);
afterAll(async () => { await s?.close(); });

const trail = async (subject: string) => ((await s.api('GET', `/v1/audit?subject=${subject}`)).body.items as Array<{ action: string; actor: string; data: Record<string, any> }>)
  .filter((e) => e.action !== 'config.change').reverse();

describe('offer audit entries', () => {
  it('records create, update (the diff), and delete with the actor', async () => {
    const as = `Bearer ${marketer.secret}`;
    expect((await s.api('PUT', '/v1/offers/ship', { id: 'ship', name: 'Free shipping', kind: 'free_shipping', value: 0 }, as)).status).toBe(200);
    expect((await s.api('PUT', '/v1/offers/ship', { id: 'ship', name: 'Free shipping over 50', kind: 'free_shipping', value: 0, minBasket: 50 }, as)).status).toBe(200);
    expect((await s.api('DELETE', '/v1/offers/ship', undefined, as)).status).toBe(204);
    const t = await trail('offer:ship');
    expect(t.map((e) => [e.action, e.actor])).toEqual([
      ['approval.submit', `key:${marketer.id}`], ['approval.publish', `key:${marketer.id}`], ['offer.create', `key:${marketer.id}`],
      ['approval.submit', `key:${marketer.id}`], ['approval.publish', `key:${marketer.id}`], ['offer.update', `key:${marketer.id}`],
      ['approval.retire', `key:${marketer.id}`], ['offer.delete', `key:${marketer.id}`],
    ]);
    expect(t[2]!.data).toMatchObject({ offer: { id: 'ship', kind: 'free_shipping', minBasket: 0 }, live: true, by: { id: marketer.id, name: 'Mia', role: 'marketer' } });
    expect(t[5]!.data.changes).toEqual({ name: { from: 'Free shipping', to: 'Free shipping over 50' }, minBasket: { from: 0, to: 50 } });
    expect(t[6]!.data).toEqual({ retired: 2, superseded: 0 }); // its recorded versions are never restored
    expect(t[7]!.data).toMatchObject({ offer: { id: 'ship', minBasket: 50 }, by: { id: marketer.id } });
  });

  it('records policy changes with the changed fields', async () => {
    const policy = (await s.api('GET', '/v1/offer-policy')).body;
    expect((await s.api('PUT', '/v1/offer-policy', { ...policy, maxOffersPerDecision: 2 })).status).toBe(200);
    const [e] = await trail('offer_policy:global');
    expect(e).toMatchObject({ action: 'offer_policy.update', actor: 'key:key_admin', data: { changes: { maxOffersPerDecision: { from: policy.maxOffersPerDecision, to: 2 } } } });
    expect((await s.api('GET', '/v1/audit/verify')).body.ok).toBe(true);
  });
});
