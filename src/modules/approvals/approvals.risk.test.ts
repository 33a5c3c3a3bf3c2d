import { describe, expect, it } from 'vitest';
import { assessRisk, sampledForReview, statedDiscounts, type RiskFacts } from './index.ts';

const T = { maxAutoDiscountPct: 20, maxAutoAudience: 10_000 };
const tier = (f: Omit<RiskFacts, 'kind'>, kind: RiskFacts['kind'] = 'template') => assessRisk({ kind, ...f }, T);
const codes = (f: Omit<RiskFacts, 'kind'>) => tier(f).reasons.map((r) => r.code);

describe('risk tiers', () => {
  it('plain copy with catalog prices printed by Liquid is low', () => {
    expect(tier({ texts: ['Hi {{ profile.first_name }}, your {{ products[0].name }} is waiting at {{ products[0].price }}.', '{{ 12.5 | money }}'] })).toEqual({ tier: 'low', declared: 'low', reasons: [] });
  });

  it('a literal price is a high-risk price claim, in any currency form', () => {
    for (const text of ['Now only $19.99!', 'Jetzt 12,99 € statt mehr', 'From £5 a month', 'EUR 12.99 today', 'Only 49 USD', 'US$1,299.00']) {
      expect(tier({ texts: [text] }), text).toMatchObject({ tier: 'high', reasons: [{ code: 'price_claim', tier: 'high' }] });
    }
  });

  it('price superlatives are price claims without a number', () => {
    expect(tier({ texts: ['The lowest price in town'] }).tier).toBe('high');
    expect(tier({ texts: ['Was 100 now 80'] }).reasons[0]!.code).toBe('price_claim');
  });

  it('stated discounts: within the depth are medium, deeper are high', () => {
    expect(statedDiscounts('Take 15% off, save 10%, -25 %, 30 % Rabatt, {{ offer.value }}% off')).toEqual([15, 10, 25, 30]);
    expect(tier({ texts: ['Take 15% off today'] })).toMatchObject({ tier: 'medium', reasons: [{ code: 'discount_claim' }] });
    expect(tier({ texts: ['Take 35% off today'] })).toMatchObject({ tier: 'high', reasons: [{ code: 'discount_over_depth' }] });
    expect(assessRisk({ kind: 'template', texts: ['Take 35% off'] }, { ...T, maxAutoDiscountPct: 40 }).tier).toBe('medium');
  });

  it('regulated claims are high; claims from the disclosure library are medium', () => {
    expect(tier({ texts: ['Clinically proven comfort'] })).toMatchObject({ tier: 'high', reasons: [{ code: 'regulated_claim' }] });
    expect(tier({ texts: ['Free returns'], claims: ['free_returns'] })).toMatchObject({ tier: 'medium', reasons: [{ code: 'disclosed_claim' }] });
  });

  it('offers: new ones are medium, deep ones high, a shallow change to an existing one low', () => {
    expect(tier({ newOffer: true, discountPct: 10 }, 'offer')).toMatchObject({ tier: 'medium', reasons: [{ code: 'new_offer' }] });
    expect(tier({ newOffer: false, discountPct: 30 }, 'offer')).toMatchObject({ tier: 'high', reasons: [{ code: 'discount_over_depth' }] });
    expect(tier({ newOffer: false, discountPct: 10 }, 'offer').tier).toBe('low');
  });

  it('workers: audiences over the size, broadcasts and incentives are medium', () => {
    const seg = (size: number, atLeast = false) => ({ audience: { size, atLeast, basis: 'segment members' } });
    expect(tier(seg(10_001), 'worker').reasons).toEqual([{ code: 'audience_size', tier: 'medium', message: 'reaches 10001 shoppers, more than 10000 (segment members)' }]);
    expect(tier(seg(10_001, true), 'worker').reasons[0]!.message).toBe('reaches at least 10001 shoppers, more than 10000 (segment members)');
    expect(tier(seg(10_000), 'worker').tier).toBe('low');
    expect(tier({ broadcast: true, sendsIncentive: true }, 'worker')).toMatchObject({ tier: 'medium', reasons: [{ code: 'broadcast' }, { code: 'incentive' }] });
  });

  it('the declared tier is a floor: content can raise it, never lower it', () => {
    expect(tier({ declared: 'medium', texts: ['hello'] })).toMatchObject({ tier: 'medium', declared: 'medium', reasons: [{ code: 'declared' }] });
    expect(tier({ declared: 'medium', texts: ['$5 today'] }).tier).toBe('high');
    expect(tier({ declared: 'high' }).tier).toBe('high');
    expect(codes({ declared: 'low', texts: ['$5', '$6'] })).toEqual(['price_claim']); // one reason per code
  });
});

describe('sampling of low-risk versions', () => {
  it('is deterministic and close to the configured share', () => {
    expect(sampledForReview('template', 't1', 3, 5)).toBe(sampledForReview('template', 't1', 3, 5));
    let n = 0;
    for (let i = 0; i < 10_000; i++) if (sampledForReview('block', `blk_${i}`, 1, 5)) n++;
    expect(n).toBeGreaterThan(400);
    expect(n).toBeLessThan(600);
    expect(sampledForReview('block', 'x', 1, 0)).toBe(false);
    expect(sampledForReview('block', 'x', 1, 100)).toBe(true);
  });
});
