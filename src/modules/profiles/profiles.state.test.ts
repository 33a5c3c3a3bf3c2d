import { describe, expect, it } from 'vitest';
import { applyEvent, applyTraits, mergeStates } from './profiles.state.ts';
import { emptyProfile } from './profiles.types.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, s)).toISOString();
const ev = (event: string, s: number, properties: Record<string, unknown> = {}) => ({ type: 'track', event, messageId: `m${s}`, seq: s, timestamp: at(s), properties });

describe('profile state reducers (pure)', () => {
  it('keeps the latest trait by event time, with its source', () => {
    const p = emptyProfile('prf_1', at(0), at(0));
    applyTraits(p, { plan: 'pro' }, { at: at(10), messageId: 'm10', call: 'identify' });
    applyTraits(p, { plan: 'free', city: 'Oslo' }, { at: at(5), messageId: 'm5', call: 'identify' }); // older, arrives later
    expect(p.traits).toEqual({ plan: 'pro', city: 'Oslo' });
    expect(p.traitMeta.plan).toMatchObject({ messageId: 'm10' });
  });
  it('ignores prototype-polluting trait keys', () => {
    const p = emptyProfile('prf_1', at(0), at(0));
    applyTraits(p, JSON.parse('{"__proto__": {"x": 1}, "ok": 1}'), { at: at(1), messageId: 'm', call: 'identify' });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(p.traits.ok).toBe(1);
  });
  it('tracks the cart through adds, removes and snapshots', () => {
    const p = emptyProfile('prf_1', at(0), at(0));
    applyEvent(p, ev('Product Added', 1, { product_id: 'p1', sku: 'p1-m', price: 20, quantity: 1, cart_id: 'c1' }));
    applyEvent(p, ev('Product Added', 2, { product_id: 'p1', sku: 'p1-m', price: 20, quantity: 2 }));
    applyEvent(p, ev('Product Added', 3, { product_id: 'p2', price: 5 }));
    applyEvent(p, ev('Product Removed', 4, { product_id: 'p2' }));
    expect(p.cart.items.map((i) => [i.key, i.quantity])).toEqual([['p1-m', 3]]);
    expect(p.cart.cartId).toBe('c1');
    applyEvent(p, ev('Cart Viewed', 5, { products: [{ product_id: 'p3', price: 9, quantity: 1 }] }));
    expect(p.cart.items.map((i) => i.key)).toEqual(['p3']);
  });
  it('derives hesitation signals for the current session: cart edits, coupon hunting, backtracking', () => {
    const p = emptyProfile('prf_1', at(0), at(0));
    for (const [i, id] of ['a', 'b', 'a', 'c', 'b'].entries()) applyEvent(p, ev('Product Viewed', 10 + i, { product_id: id }));
    applyEvent(p, ev('Coupon Entered', 20, { coupon_id: 'X' }));
    applyEvent(p, ev('Coupon Denied', 21, { coupon_id: 'X' }));
    applyEvent(p, ev('Product Added', 22, { product_id: 'a' }));
    applyEvent(p, ev('Product Removed', 23, { product_id: 'a' }));
    expect(p.signals.session).toMatchObject({ backtracks: 2, couponAttempts: 2, cartEdits: 2 });
    expect(p.recentViews.map((v) => v.productId)).toEqual(['b', 'c', 'a']);
    // 31 minutes later a new session starts with clean counters
    applyEvent(p, { ...ev('Product Viewed', 0, { product_id: 'z' }), timestamp: new Date(Date.parse(at(23)) + 31 * 60_000).toISOString() });
    expect(p.signals.session).toMatchObject({ backtracks: 0, couponAttempts: 0, cartEdits: 0 });
  });
  it('merges states: later traits win, carts union, order summaries add up', () => {
    const a = emptyProfile('prf_a', at(0), at(0));
    const b = emptyProfile('prf_b', at(0), at(0));
    applyTraits(a, { name: 'A' }, { at: at(1), messageId: '1', call: 'identify' });
    applyTraits(b, { name: 'B' }, { at: at(2), messageId: '2', call: 'identify' });
    applyEvent(a, ev('Product Added', 3, { product_id: 'x' }));
    applyEvent(b, ev('Product Added', 4, { product_id: 'y' }));
    a.orders = { count: 1, revenue: 10, refunds: 0, firstOrderAt: at(1), lastOrderAt: at(1) };
    b.orders = { count: 2, revenue: 5.5, refunds: 1, firstOrderAt: at(0), lastOrderAt: at(9) };
    mergeStates(a, b);
    expect(a.traits.name).toBe('B');
    expect(a.cart.items.map((i) => i.key).sort()).toEqual(['x', 'y']);
    expect(a.orders).toEqual({ count: 3, revenue: 15.5, refunds: 1, firstOrderAt: at(0), lastOrderAt: at(9) });
  });
});
