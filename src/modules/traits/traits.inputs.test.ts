import { describe, expect, it } from 'vitest';
import type { OrderRow } from '../profiles/index.ts';
import { emptyActivity, foldActivity } from './traits.activity.ts';
import { TraitsCache, type CacheEntry } from './traits.cache.ts';
import { EMPTY_SNAPSHOT, historyFromOrders, MAX_HISTORY } from './traits.history.ts';
import { mergeStored, upsertHistory } from './traits.inputs.ts';
import type { StoredProfile } from './traits.store.ts';

const row = (orderId: string, day: number, extra: Partial<OrderRow> = {}): OrderRow => ({
  orderId, profileId: 'p', kind: 'order', status: 'completed', revenue: 20, discount: 0, shipping: 0, tax: 0, refunded: 0, currency: 'USD', coupon: null,
  items: [{ productId: 'sku', category: 'Tea', price: 10, quantity: 2 }, { name: 'no id' }], at: new Date(Date.UTC(2026, 0, day)).toISOString(), messageId: orderId, seq: day, ...extra,
});

describe('history inputs', () => {
  it('converts order rows, oldest first, keeping items with an id', () => {
    const h = historyFromOrders([row('b', 5, { coupon: 'X', kind: 'refund' }), row('a', 2)]);
    expect(h.map((o) => [o.id, o.refund, o.coupon])).toEqual([['a', false, false], ['b', true, true]]);
    expect(h[0]!.items).toEqual([{ key: 'sku', category: 'Tea', price: 10, quantity: 2 }]);
  });

  it('replaces an order by id (a refund updates it) and keeps the most recent MAX_HISTORY', () => {
    const h = upsertHistory(historyFromOrders([row('a', 2), row('b', 3)]), [row('a', 2, { refunded: 20 }), row('c', 4)]);
    expect(h.map((o) => [o.id, o.refunded])).toEqual([['a', 20], ['b', 0], ['c', 0]]);
    const many = Array.from({ length: MAX_HISTORY + 3 }, (_, i) => row(`o${String(i).padStart(4, '0')}`, 1 + (i % 28)));
    expect(upsertHistory([], many)).toHaveLength(MAX_HISTORY);
  });

  it('merges two stored profiles: union of orders, summed activity, the survivor\'s snapshot', () => {
    const a: StoredProfile = { history: historyFromOrders([row('a', 2)]), activity: foldActivity(emptyActivity(), [{ seq: 1, name: 'X', at: '2026-01-01T00:00:00Z' }]), snapshot: { ...EMPTY_SNAPSHOT, productViews: 3 }, traits: {} as never };
    const b: StoredProfile = { history: historyFromOrders([row('b', 1), row('a', 2)]), activity: foldActivity(emptyActivity(), [{ seq: 2, name: 'X', at: '2026-01-02T00:00:00Z' }]), snapshot: EMPTY_SNAPSHOT, traits: {} as never };
    const m = mergeStored(a, b)!;
    expect(m.history.map((o) => o.id)).toEqual(['b', 'a']);
    expect(m.activity.counts.X![0]).toBe(2);
    expect(m.snapshot.productViews).toBe(3);
    expect(mergeStored(undefined, b)).toBe(b);
    expect(mergeStored(a, undefined)).toBe(a);
  });
});

describe('TraitsCache', () => {
  it('evicts the least recently used entry beyond its bound', () => {
    const c = new TraitsCache(2);
    const e = {} as CacheEntry;
    c.set('a', e); c.set('b', e);
    c.get('a'); // a is now the most recent
    c.set('c', e);
    expect([c.get('a'), c.get('b'), c.get('c')].map((x) => x !== undefined)).toEqual([true, false, true]);
    expect(c.size).toBe(2);
  });
});
