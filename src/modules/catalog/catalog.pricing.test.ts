import { describe, expect, it } from 'vitest';
import { effectiveCents, isEmptyPatch, marginOf, mergePrice, needsVersion, versionAt, type PriceState } from './catalog.pricing.ts';

const base: PriceState = { priceCents: 1999, saleCents: null, costCents: 800, currency: 'USD' };

describe('mergePrice', () => {
  it('needs a price and a currency for a first version', () => {
    expect(mergePrice(undefined, { currency: 'USD' })).toEqual({ ok: false, missing: 'price' });
    expect(mergePrice(undefined, { priceCents: 100 })).toEqual({ ok: false, missing: 'currency' });
    expect(mergePrice(undefined, { priceCents: 100, currency: 'EUR' })).toEqual({
      ok: true, state: { priceCents: 100, currency: 'EUR', saleCents: null, costCents: null },
    });
  });
  it('keeps omitted fields and clears null ones', () => {
    expect(mergePrice(base, { saleCents: 1500 })).toEqual({ ok: true, state: { ...base, saleCents: 1500 } });
    expect(mergePrice({ ...base, saleCents: 1500 }, { saleCents: null })).toEqual({ ok: true, state: base });
    expect(mergePrice(base, { costCents: null })).toEqual({ ok: true, state: { ...base, costCents: null } });
    expect(mergePrice(base, {})).toEqual({ ok: true, state: base });
  });
});

describe('needsVersion', () => {
  it('is false for identical values and true for any difference', () => {
    expect(needsVersion(base, { ...base })).toBe(false);
    expect(needsVersion(undefined, base)).toBe(true);
    expect(needsVersion(base, { ...base, costCents: 801 })).toBe(true);
    expect(needsVersion(base, { ...base, currency: 'EUR' })).toBe(true);
    expect(needsVersion(base, { ...base, saleCents: 1999 })).toBe(true);
  });
  it('recognizes an empty patch', () => {
    expect(isEmptyPatch({})).toBe(true);
    expect(isEmptyPatch({ saleCents: null })).toBe(false);
  });
});

describe('margin', () => {
  it('uses the sale price when below the price', () => {
    expect(effectiveCents(base)).toBe(1999);
    expect(effectiveCents({ ...base, saleCents: 1500 })).toBe(1500);
    expect(effectiveCents({ ...base, saleCents: 2500 })).toBe(1999);
    expect(marginOf(base)).toEqual({ marginCents: 1199, marginRate: 0.5998 });
    expect(marginOf({ ...base, saleCents: 1000 })).toEqual({ marginCents: 200, marginRate: 0.2 });
  });
  it('is unknown without a cost, and may be negative', () => {
    expect(marginOf({ ...base, costCents: null })).toEqual({ marginCents: null, marginRate: null });
    expect(marginOf({ ...base, saleCents: 500 })).toEqual({ marginCents: -300, marginRate: -0.6 });
    expect(marginOf({ ...base, priceCents: 0, costCents: 0 })).toEqual({ marginCents: 0, marginRate: null });
  });
});

describe('versionAt', () => {
  const vs = [{ validFrom: 300, value: 'c' }, { validFrom: 100, value: 'a' }, { validFrom: 200, value: 'b' }];
  it('picks the latest version starting at or before the time', () => {
    expect(versionAt(vs, 50)).toBeUndefined();
    expect(versionAt(vs, 100)?.value).toBe('a');
    expect(versionAt(vs, 299)?.value).toBe('b');
    expect(versionAt(vs, 10_000)?.value).toBe('c');
  });
});
