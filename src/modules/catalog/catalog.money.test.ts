import { describe, expect, it } from 'vitest';
import { centsToDecimal, centsToSql, decimalToCents, normalizeCurrency, parseMoney } from './catalog.money.ts';

describe('parseMoney (Merchant Center money values)', () => {
  it.each([
    ['19.99 USD', 1999, 'USD'],
    ['8.00 USD', 800, 'USD'],
    ['USD 19.99', 1999, 'USD'],
    ['19 usd', 1900, 'USD'],
    ['19.5 EUR', 1950, 'EUR'],
    ['1,299.00 USD', 129900, 'USD'],
    ['  0.99   GBP ', 99, 'GBP'],
    ['12USD', 1200, 'USD'],
  ])('%s', (text, cents, currency) => {
    expect(parseMoney(text)).toEqual({ ok: true, cents, currency });
  });

  it.each([
    ['', 'is empty'],
    ['19.99', 'currency'],
    ['USD', 'currency'],
    ['19,99 EUR', 'not a valid amount'],
    ['19.999 USD', 'more than two decimal places'],
    ['-5.00 USD', 'not a valid amount'],
    ['abc USD', 'not a valid amount'],
    ['99999999999.00 USD', 'too large'],
  ])('refuses %j', (text, msg) => {
    const r = parseMoney(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(msg);
  });
});

describe('decimal and cents', () => {
  it('converts exact decimals and refuses sub-cent or negative amounts', () => {
    expect(decimalToCents(19.99)).toBe(1999);
    expect(decimalToCents(0.1 + 0.2)).toBe(30);
    expect(decimalToCents(0)).toBe(0);
    expect(decimalToCents(0.125)).toBeUndefined();
    expect(decimalToCents(-1)).toBeUndefined();
    expect(decimalToCents(Number.NaN)).toBeUndefined();
    expect(decimalToCents(1e12)).toBeUndefined();
  });
  it('renders SQL numerics exactly', () => {
    expect(centsToSql(1999)).toBe('19.99');
    expect(centsToSql(5)).toBe('0.05');
    expect(centsToSql(100)).toBe('1.00');
    expect(centsToSql(999_999_999_999)).toBe('9999999999.99');
    expect(centsToDecimal(1199)).toBe(11.99);
  });
  it('normalizes currency codes', () => {
    expect(normalizeCurrency(' usd ')).toBe('USD');
    expect(normalizeCurrency('US')).toBeUndefined();
    expect(normalizeCurrency('US1')).toBeUndefined();
  });
});
