import { describe, expect, it } from 'vitest';
import { BraidError } from '../../core/index.ts';
import { joinPath, normalizeProduct, normalizeProducts } from './catalog.normalize.ts';

function fieldOf(fn: () => unknown): string | undefined {
  try { fn(); } catch (e) { if (e instanceof BraidError) return e.details.field; throw e; }
  return undefined;
}

describe('normalizeProduct', () => {
  it('makes one variant with the product id from top-level fields when variants are omitted', () => {
    const p = normalizeProduct({ id: 'P', title: 'Thing', price: 19.99, cost: 8, currency: 'usd', gtin: '123', description: '' }, 'products[0]');
    expect(p.description).toBeNull();
    expect(p.variants).toEqual([expect.objectContaining({
      id: 'P', gtin: '123', availability: 'in_stock', price: { priceCents: 1999, costCents: 800, currency: 'USD' }, effectiveAt: undefined,
    })]);
  });
  it('lets variants inherit price fields they omit and keeps an explicit null', () => {
    const p = normalizeProduct({
      id: 'P', title: 'T', price: 10, salePrice: 8, currency: 'EUR', effectiveAt: '2024-01-01T00:00:00Z',
      variants: [{ id: 'a' }, { id: 'b', price: 12, salePrice: null }],
    }, '');
    expect(p.variants[0]!.price).toEqual({ priceCents: 1000, saleCents: 800, currency: 'EUR' });
    expect(p.variants[1]!.price).toEqual({ priceCents: 1200, saleCents: null, currency: 'EUR' });
    expect(p.variants[1]!.effectiveAt).toBe(Date.parse('2024-01-01T00:00:00Z'));
  });
  it('names the field where the bad value was written', () => {
    expect(fieldOf(() => normalizeProduct({ id: 'P', title: 'T', price: 1.234 }, 'products[3]'))).toBe('products[3].price');
    expect(fieldOf(() => normalizeProduct({ id: 'P', title: 'T', variants: [{ id: 'a', cost: 0.001 }] }, ''))).toBe('variants[0].cost');
    expect(fieldOf(() => normalizeProduct({ id: 'P', title: 'T', price: 1, variants: [{ id: 'a', salePrice: 2 }] }, 'products[0]'))).toBe('products[0].variants[0].salePrice');
    expect(fieldOf(() => normalizeProduct({ id: 'P', title: 'T', effectiveAt: 'yesterday', variants: [{ id: 'a' }] }, 'products[1]'))).toBe('products[1].effectiveAt');
    expect(fieldOf(() => normalizeProduct({ id: 'P', title: 'T', currency: 'E1R' }, ''))).toBe('currency');
    expect(fieldOf(() => normalizeProduct({ id: 'P', title: 'T', variants: [{ id: 'a' }, { id: 'a' }] }, ''))).toBe('variants[1].id');
    expect(fieldOf(() => normalizeProduct({ id: 'P', title: 'T', attributes: JSON.parse('{"__proto__":1}') }, ''))).toBe('attributes.__proto__');
  });
});

describe('normalizeProducts', () => {
  const path = (i: number) => `products[${i}]`;
  it('refuses the same product or variant twice in one batch', () => {
    expect(fieldOf(() => normalizeProducts([{ id: 'A', title: 'a' }, { id: 'A', title: 'b' }], path))).toBe('products[1].id');
    expect(fieldOf(() => normalizeProducts([
      { id: 'A', title: 'a', variants: [{ id: 'x' }] }, { id: 'B', title: 'b', variants: [{ id: 'x' }] },
    ], path))).toBe('products[1].variants[0].id');
  });
  it('joins paths', () => {
    expect(joinPath('', 'price')).toBe('price');
    expect(joinPath('products[1]', 'price')).toBe('products[1].price');
    expect(joinPath('products', '[1]')).toBe('products[1]');
  });
});
