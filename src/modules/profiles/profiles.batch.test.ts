import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import type { LoggedMessage } from '../events/index.ts';
import { identityKey } from '../identity/index.ts';
import { projectBatch } from './profiles.batch.ts';
import type { OrderRow, ProfileState } from './profiles.types.ts';

let seq = 0;
const msg = (m: Partial<LoggedMessage> & { type: LoggedMessage['type'] }): LoggedMessage => ({
  messageId: `m${++seq}`, seq, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), receivedAt: '2026-01-02T00:00:00.000Z', ...m,
});

function world() {
  const owners = new Map<string, string>();
  const profiles = new Map<string, ProfileState>();
  const orders = new Map<string, OrderRow>();
  let n = 0;
  const run = (messages: LoggedMessage[]) => projectBatch({
    messages, owners, profiles, orders, clock: createManualClock(Date.UTC(2026, 0, 2)),
    opts: { defaultPhoneRegion: 'US', externalIdTraits: { loyaltyId: 'loyalty_id' } }, newId: (p) => `${p}_${++n}`,
  });
  const owner = (type: string, value: string) => owners.get(identityKey({ type, value }));
  return { run, owner, profiles };
}

describe('identity resolution and merge rules (pure)', () => {
  it('merges an anonymous visitor into the profile that identifies', () => {
    const w = world();
    w.run([msg({ type: 'track', anonymousId: 'a1', event: 'Product Viewed', properties: { product_id: 'p1' } })]);
    const anon = w.owner('anonymous_id', 'a1')!;
    const out = w.run([msg({ type: 'identify', anonymousId: 'a1', userId: 'u1', traits: { email: 'u1@x.io' } })]);
    expect(w.owner('user_id', 'u1')).toBe(anon); // the anonymous profile claims the userId: no merge needed
    expect(w.owner('email', 'u1@x.io')).toBe(anon);
    expect(out.identity.merges).toHaveLength(0);
  });

  it('merges two profiles linked by a shared identifier and keeps events and history', () => {
    const w = world();
    w.run([msg({ type: 'identify', userId: 'u1', traits: { email: 'u1@x.io', tier: 'gold' } })]);
    const u1 = w.owner('user_id', 'u1')!;
    w.run([msg({ type: 'track', anonymousId: 'phone-app', event: 'Product Added', properties: { product_id: 'p9', price: 10 } })]);
    const anon = w.owner('anonymous_id', 'phone-app')!;
    expect(anon).not.toBe(u1);
    const out = w.run([msg({ type: 'track', anonymousId: 'phone-app', userId: 'u1', event: 'Cart Viewed' })]);
    expect(out.identity.merges).toMatchObject([{ fromProfile: anon, intoProfile: u1 }]);
    expect(out.deleted.has(anon)).toBe(true);
    const p = w.profiles.get(u1)!;
    expect(p.cart.items.map((i) => i.productId)).toEqual(['p9']);
    expect(p.traits.tier).toBe('gold');
    expect(p.eventCount).toBe(3);
    expect(w.owner('anonymous_id', 'phone-app')).toBe(u1);
  });

  it('never merges two different userIds: a shared email is flagged, not merged', () => {
    const w = world();
    w.run([msg({ type: 'identify', userId: 'u1', traits: { email: 'shared@x.io' } })]);
    const out = w.run([msg({ type: 'identify', userId: 'u2', traits: { email: 'SHARED@x.io' } })]);
    const u1 = w.owner('user_id', 'u1')!, u2 = w.owner('user_id', 'u2')!;
    expect(u1).not.toBe(u2);
    expect(out.identity.merges).toHaveLength(0);
    expect(out.identity.conflicts).toMatchObject([{ profileId: u2, otherProfileId: u1, identityType: 'email', identityValue: 'shared@x.io' }]);
    expect(w.owner('email', 'shared@x.io')).toBe(u1);
    expect(w.profiles.get(u2)!.traits.email).toBe('SHARED@x.io'); // the trait is still kept as data
  });

  it('keeps a shared device apart when a second user logs in on it', () => {
    const w = world();
    w.run([msg({ type: 'identify', anonymousId: 'kiosk', userId: 'u1' })]);
    const out = w.run([msg({ type: 'identify', anonymousId: 'kiosk', userId: 'u2' })]);
    expect(w.owner('user_id', 'u2')).not.toBe(w.owner('user_id', 'u1'));
    expect(out.identity.conflicts[0]).toMatchObject({ identityType: 'anonymous_id', identityValue: 'kiosk' });
  });

  it('alias folds a previous anonymousId into the userId, and refuses to alias two userIds', () => {
    const w = world();
    w.run([msg({ type: 'track', anonymousId: 'old-anon', event: 'Product Viewed', properties: { product_id: 'p1' } })]);
    w.run([msg({ type: 'identify', userId: 'u7' })]);
    const out = w.run([msg({ type: 'alias', userId: 'u7', previousId: 'old-anon' })]);
    expect(out.identity.merges).toHaveLength(1);
    expect(w.owner('anonymous_id', 'old-anon')).toBe(w.owner('user_id', 'u7'));
    w.run([msg({ type: 'identify', userId: 'u8' })]);
    const out2 = w.run([msg({ type: 'alias', userId: 'u8', previousId: 'u7' })]);
    expect(out2.identity.merges).toHaveLength(0);
    expect(out2.identity.conflicts).toHaveLength(1);
  });

  it('merges transitively within one batch and points every row at the survivor', () => {
    const w = world();
    const out = w.run([
      msg({ type: 'track', anonymousId: 'a', event: 'Product Viewed', properties: { product_id: 'p1' } }),
      msg({ type: 'track', anonymousId: 'b', event: 'Product Viewed', properties: { product_id: 'p2' }, context: { traits: { email: 'z@z.io' } } }),
      msg({ type: 'identify', anonymousId: 'a', traits: { email: 'z@z.io' } }),
      msg({ type: 'identify', anonymousId: 'a', userId: 'uz' }),
    ]);
    const id = w.owner('user_id', 'uz')!;
    expect(new Set(out.events.map((e) => e.profileId))).toEqual(new Set([id]));
    expect(w.profiles.get(id)!.recentViews.map((v) => v.productId).sort()).toEqual(['p1', 'p2']);
  });

  it('counts an order once per order_id and records refunds', () => {
    const w = world();
    const order = { order_id: 'o1', revenue: 90, discount: 10, currency: 'usd', products: [{ product_id: 'p1', price: 50, quantity: 2 }] };
    const out = w.run([
      msg({ type: 'track', userId: 'u', event: 'Product Added', properties: { product_id: 'p1', price: 50 } }),
      msg({ type: 'track', userId: 'u', event: 'Order Completed', properties: order }),
      msg({ type: 'track', userId: 'u', event: 'Order Completed', properties: order }),
      msg({ type: 'track', userId: 'u', event: 'Order Refunded', properties: { order_id: 'o1', total: 30 } }),
    ]);
    const p = w.profiles.get(w.owner('user_id', 'u')!)!;
    expect(p.orders).toMatchObject({ count: 1, revenue: 90, refunds: 30 });
    expect(p.cart.items).toHaveLength(0);
    expect(out.orders.get('o1')).toMatchObject({ status: 'partially_refunded', refunded: 30, currency: 'USD', discount: 10 });
  });
});
