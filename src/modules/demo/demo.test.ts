import { describe, expect, it } from 'vitest';
import { generateDemoStore, type DemoStore } from './index.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const DAY = 86_400_000;

describe('generateDemoStore', () => {
  const store: DemoStore = generateDemoStore({ seed: 7, now: NOW });

  it('is deterministic: same seed and now give identical output', () => {
    const a = generateDemoStore({ seed: 11, now: NOW, shoppers: 300, products: 120 });
    const b = generateDemoStore({ seed: 11, now: new Date(NOW), shoppers: 300, products: 120 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = generateDemoStore({ seed: 12, now: NOW, shoppers: 300, products: 120 });
    expect(JSON.stringify(c.messages)).not.toBe(JSON.stringify(a.messages));
  });

  it('keeps the catalog independent of the shopper count', () => {
    const a = generateDemoStore({ seed: 3, now: NOW, shoppers: 10, products: 50 });
    const b = generateDemoStore({ seed: 3, now: NOW, shoppers: 40, products: 50 });
    expect(b.products).toEqual(a.products);
    expect(b.stock).toEqual(a.stock);
  });

  it('has one online location and two stores with time zones', () => {
    expect(store.locations.map((l) => l.type)).toEqual(['online', 'store', 'store']);
    for (const l of store.locations) expect(l.timezone).toMatch(/^America\//);
  });

  it('builds a plausible catalog: variants, margins, sale prices, GTINs, stock', () => {
    expect(store.products).toHaveLength(300);
    const categories = new Set(store.products.map((p) => p.category.split(' > ')[0]));
    expect([...categories].sort()).toEqual(['Apparel & Accessories', 'Electronics', 'Health & Beauty', 'Home & Garden']);
    const variantIds = new Set<string>();
    const gtins = new Set<string>();
    let onSale = 0;
    for (const p of store.products) {
      expect(p.variants.length).toBeGreaterThanOrEqual(1);
      expect(p.variants.length).toBeLessThanOrEqual(4);
      expect(p.link).toMatch(/^https:\/\/shop\.example\.com\/products\//);
      expect(p.imageLink).toMatch(/^https:\/\/cdn\.example\.com\/.+\.jpg$/);
      expect(p.title).not.toMatch(/\b(\w+) \1\b/);
      for (const v of p.variants) {
        variantIds.add(v.id);
        gtins.add(v.gtin!);
        expect(v.gtin).toMatch(/^\d{13}$/);
        const digits = [...v.gtin!].map(Number);
        const sum = digits.slice(0, 12).reduce((s, d, i) => s + d * (i % 2 === 0 ? 1 : 3), 0);
        expect((10 - (sum % 10)) % 10).toBe(digits[12]);
        const margin = 1 - v.cost / v.price;
        expect(margin).toBeGreaterThan(0.29);
        expect(margin).toBeLessThan(0.71);
        if (v.salePrice !== undefined) {
          onSale++;
          expect(v.salePrice).toBeLessThan(v.price);
          expect(v.salePrice).toBeGreaterThan(v.cost);
        }
      }
    }
    const nVariants = store.products.reduce((n, p) => n + p.variants.length, 0);
    expect(variantIds.size).toBe(nVariants);
    expect(gtins.size).toBe(nVariants);
    expect(onSale).toBeGreaterThan(nVariants * 0.05);
    expect(store.stock).toHaveLength(nVariants * 3);
    const zero = store.stock.filter((s) => s.quantity === 0).length;
    expect(zero).toBeGreaterThan(0);
    expect(zero).toBeLessThan(store.stock.length / 2);
  });

  it('produces ~180 days of valid, time-ordered Segment messages with unique ids', () => {
    const { messages } = store;
    expect(messages.length).toBeGreaterThan(30_000);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(messages.length);
    let prev = 0;
    const bad: string[] = [];
    for (const m of messages) {
      const t = Date.parse(m.timestamp);
      if (m.timestamp !== new Date(t).toISOString() || t < prev || !(m.userId ?? m.anonymousId)) bad.push(m.messageId);
      prev = t;
    }
    expect(bad).toEqual([]);
    expect(Date.parse(messages[0]!.timestamp)).toBeGreaterThanOrEqual(NOW - 181 * DAY);
    expect(Date.parse(messages.at(-1)!.timestamp)).toBeLessThan(NOW);
    expect(Date.parse(messages.at(-1)!.timestamp)).toBeGreaterThan(NOW - 2 * DAY);
    const biggest = Math.max(...messages.map((m) => Buffer.byteLength(JSON.stringify(m))));
    expect(biggest).toBeLessThan(32 * 1024);
  });

  it('covers the E-commerce v2 events, with orders that reference the catalog', () => {
    const events = new Set(store.messages.filter((m) => m.type === 'track').map((m) => m.event));
    for (const e of ['Products Searched', 'Product List Viewed', 'Product Viewed', 'Product Added', 'Product Removed', 'Cart Viewed',
      'Checkout Started', 'Coupon Entered', 'Coupon Applied', 'Coupon Denied', 'Order Completed', 'Order Refunded', 'Product Added to Wishlist']) {
      expect(events, e).toContain(e);
    }
    const skus = new Set(store.products.flatMap((p) => p.variants.map((v) => v.id)));
    const orders = store.messages.filter((m) => m.event === 'Order Completed');
    expect(new Set(orders.map((o) => o.properties!.order_id)).size).toBe(orders.length);
    for (const o of orders) {
      const p = o.properties as { order_id: string; revenue: number; currency: string; products: Array<{ product_id: string; sku: string; price: number; quantity: number }> };
      expect(p.currency).toBe('USD');
      expect(p.products.length).toBeGreaterThan(0);
      for (const line of p.products) expect(skus.has(line.sku)).toBe(true);
      const sub = p.products.reduce((s, l) => s + l.price * l.quantity, 0);
      expect(p.revenue).toBeLessThanOrEqual(sub + 0.01);
    }
    expect(orders.some((o) => o.properties!.location_id !== 'online')).toBe(true);
    expect(orders.some((o) => typeof o.properties!.coupon === 'string')).toBe(true);
  });

  it('identifies shoppers after anonymous browsing, with consent, phones and loyalty ids', () => {
    const identifies = store.messages.filter((m) => m.type === 'identify');
    const users = new Set(identifies.map((m) => m.userId).filter(Boolean));
    expect(users.size).toBeGreaterThan(1800);
    const withConsent = identifies.filter((m) => m.traits?.consent !== undefined);
    const optedIn = withConsent.filter((m) => (m.traits!.consent as { email_marketing: boolean }).email_marketing).length;
    expect(optedIn / withConsent.length).toBeGreaterThan(0.3);
    expect(optedIn / withConsent.length).toBeLessThan(0.85);
    expect(identifies.some((m) => typeof m.traits?.phone === 'string')).toBe(true);
    expect(identifies.some((m) => typeof m.traits?.loyaltyId === 'string' && m.userId === undefined)).toBe(true); // in-store
    expect(identifies.some((m) => typeof m.traits?.email === 'string' && m.userId === undefined)).toBe(true); // guest checkout
    // An e-mail or phone belongs to exactly one user.
    const owner = new Map<string, string>();
    for (const m of identifies) {
      if (!m.userId) continue;
      for (const k of ['email', 'phone'] as const) {
        const v = m.traits?.[k];
        if (typeof v !== 'string') continue;
        expect(owner.get(v) ?? m.userId).toBe(m.userId);
        owner.set(v, m.userId);
      }
    }
    // Anonymous history that is later identified: the same anonymousId first without, then with a userId.
    const firstSeenAnon = new Set<string>();
    let merged = 0;
    for (const m of store.messages) {
      if (!m.anonymousId) continue;
      if (!m.userId) firstSeenAnon.add(m.anonymousId);
      else if (firstSeenAnon.delete(m.anonymousId)) merged++;
    }
    expect(merged).toBeGreaterThan(500);
    // Several devices for one user.
    const devices = new Map<string, Set<string>>();
    for (const m of store.messages) if (m.userId && m.anonymousId) devices.set(m.userId, (devices.get(m.userId) ?? new Set()).add(m.anonymousId));
    expect([...devices.values()].filter((s) => s.size > 1).length).toBeGreaterThan(100);
  });

  it('repurchases consumables on their cycle', () => {
    const lastBuy = new Map<string, number>();
    const gaps: number[] = [];
    for (const m of store.messages) {
      if (m.event !== 'Order Completed' || !m.userId) continue;
      for (const l of (m.properties!.products as Array<{ product_id: string }>)) {
        const key = `${m.userId}|${l.product_id}`;
        const t = Date.parse(m.timestamp);
        const prev = lastBuy.get(key);
        if (prev !== undefined) gaps.push((t - prev) / DAY);
        lastBuy.set(key, t);
      }
    }
    expect(gaps.length).toBeGreaterThan(100);
    const inCycle = gaps.filter((g) => g >= 20 && g <= 80).length;
    expect(inCycle / gaps.length).toBeGreaterThan(0.5);
  });
});
