import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, entryHash } from './audit.chain.ts';

describe('canonicalJson', () => {
  it('sorts keys recursively and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('gives the same text whatever the key order', () => {
    const a = { seq: 1, data: { consent: { basis: 'opt_in', at: '2026-01-01' }, channel: 'email' } };
    const b = { data: { channel: 'email', consent: { at: '2026-01-01', basis: 'opt_in' } }, seq: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });
  it('matches JSON.stringify on scalars, escapes and empty containers', () => {
    for (const v of [null, true, false, 0, -1.5, 1e21, 'quote " backslash \\ newline \n tab \t é 😀', [], {}, [null]]) {
      expect(canonicalJson(v)).toBe(JSON.stringify(v));
    }
  });
  it('drops undefined in objects, writes null for undefined in arrays and for non-finite numbers', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, NaN, Infinity], c: () => 1 })).toBe('{"b":[null,null,null]}');
  });
  it('honours toJSON (Dates) and sorts keys by code unit', () => {
    expect(canonicalJson({ when: new Date(Date.UTC(2026, 0, 2)) })).toBe('{"when":"2026-01-02T00:00:00.000Z"}');
    expect(canonicalJson({ b: 1, B: 2, a: 3, _: 4, '10': 5, '9': 6 })).toBe('{"10":5,"9":6,"B":2,"_":4,"a":3,"b":1}');
  });
  it('refuses BigInt and values with no JSON form', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(/BigInt/);
    expect(() => canonicalJson(undefined)).toThrow(/no JSON form/);
  });
});

describe('entryHash', () => {
  const e = { seq: 1, id: 'aud_1', at: '2026-03-01T12:00:00.000Z', actor: 'api', action: 'offer.upsert', subjectType: 'offer', subjectId: 'o1', profileId: null, data: { a: 1, b: 2 } };
  it('is sha256 hex over prev hash + canonical JSON, independent of key order', () => {
    const h = entryHash(GENESIS_HASH, e);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash(GENESIS_HASH, { ...e, data: { b: 2, a: 1 } })).toBe(h);
  });
  it('changes with the previous hash and with any field', () => {
    const h = entryHash(GENESIS_HASH, e);
    expect(entryHash('1'.repeat(64), e)).not.toBe(h);
    expect(entryHash(GENESIS_HASH, { ...e, seq: 2 })).not.toBe(h);
    expect(entryHash(GENESIS_HASH, { ...e, profileId: 'prf_x' })).not.toBe(h);
    expect(entryHash(GENESIS_HASH, { ...e, data: { a: 1, b: 3 } })).not.toBe(h);
  });
});
