import { describe, expect, it } from 'vitest';
import { identifiersOf, normalizeEmail, normalizeIdType, normalizePhone, parseRef } from './identity.normalize.ts';

const opts = { defaultPhoneRegion: 'US', externalIdTraits: { loyaltyId: 'loyalty_id' } };

describe('identity normalization', () => {
  it('normalizes emails and rejects non-emails', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
    expect(normalizeEmail('not-an-email')).toBeUndefined();
    expect(normalizeEmail(42)).toBeUndefined();
  });
  it('normalizes phones to E.164 using the default region for national numbers', () => {
    expect(normalizePhone('(415) 555-0132', 'US')).toBe('+14155550132');
    expect(normalizePhone('+44 20 7946 0958', 'US')).toBe('+442079460958');
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone('12', 'US')).toBeUndefined();
  });
  it('turns id type names into snake_case', () => {
    expect(normalizeIdType('Loyalty Card')).toBe('loyalty_card');
    expect(normalizeIdType('posCustomerId')).toBe('pos_customer_id');
  });
  it('collects every identifier a message carries, once each', () => {
    const ids = identifiersOf({
      type: 'identify', userId: 'u1', anonymousId: 'a1',
      traits: { email: 'A@B.co', phone: '415-555-0132', loyaltyId: 'L-9' },
      context: { externalIds: [{ id: 'P-1', type: 'posCustomerId', collection: 'users', encoding: 'none' }, { id: 'a@b.co', type: 'email' }] },
    }, opts);
    expect(ids).toEqual([
      { type: 'user_id', value: 'u1' }, { type: 'anonymous_id', value: 'a1' }, { type: 'email', value: 'a@b.co' },
      { type: 'phone', value: '+14155550132' }, { type: 'external:loyalty_id', value: 'L-9' }, { type: 'external:pos_customer_id', value: 'P-1' },
    ]);
  });
  it('reads context.traits on track calls', () => {
    expect(identifiersOf({ type: 'track', anonymousId: 'a', context: { traits: { email: 'x@y.io' } } }, opts)).toContainEqual({ type: 'email', value: 'x@y.io' });
  });
  it('parses every documented profile reference form', () => {
    expect(parseRef('prf_abc', 'US')).toEqual({ profileId: 'prf_abc' });
    expect(parseRef('userId:u1', 'US')).toEqual({ type: 'user_id', value: 'u1' });
    expect(parseRef('anonymousId:a:1', 'US')).toEqual({ type: 'anonymous_id', value: 'a:1' });
    expect(parseRef('email:Jane@X.io', 'US')).toEqual({ type: 'email', value: 'jane@x.io' });
    expect(parseRef('phone:4155550132', 'US')).toEqual({ type: 'phone', value: '+14155550132' });
    expect(parseRef('externalId:loyaltyId:L-9', 'US')).toEqual({ type: 'external:loyalty_id', value: 'L-9' });
    expect(parseRef('some-anon-id', 'US')).toEqual({ type: 'anonymous_id', value: 'some-anon-id' });
    expect(parseRef('email:nope', 'US')).toBeUndefined();
  });
});
