import { describe, expect, it } from 'vitest';
import {
  checkClaims, checkContent, checkForbiddenWords, checkLinkDomains, checkPushLengths, checkSmsOptOut, checkStatedDiscounts, checkStatedPrices,
  checkSubjectLength, checkUnsubscribeAndAddress, DEFAULT_CLAIMS, DEFAULT_FORBIDDEN, fieldTexts, type ContentRules, type OfferFact, type PriceFact,
} from './index.ts';

const f = (text: string, field = 'body') => [{ field, text }];
const rules = (r: ContentRules['claims'] = DEFAULT_CLAIMS): ContentRules => ({
  forbidden: DEFAULT_FORBIDDEN, claims: r, allowedDomains: [], smsMaxSegments: 2, smsOptOut: true, pushTitleMax: 50, pushBodyMax: 178, subjectMax: 78, defaultLocale: 'en',
  store: { name: 'Shop', url: 'https://shop.example.com' },
});
const mug: PriceFact = { productId: 'mug', name: 'Mug', currency: 'USD', price: 12.99, salePrice: null };
const tee: PriceFact = { productId: 'tee', name: 'Tee', currency: 'EUR', price: 1299, salePrice: 12.99 };
const pct: OfferFact = { id: 'p20', kind: 'percent_off', value: 20, minBasket: 0 };
const amt: OfferFact = { id: 'a5', kind: 'amount_off', value: 5, minBasket: 50 };
const ADDRESS = '1 Market Street, San Francisco, CA 94105';

describe('forbidden words', () => {
  it('flags whole words and phrases case-insensitively, with hyphen/space variants', () => {
    expect(checkForbiddenWords(f('Results GUARANTEED!'), DEFAULT_FORBIDDEN)).toEqual([{ rule: 'forbidden_word', field: 'body', message: 'uses the forbidden word or claim "GUARANTEED"' }]);
    expect(checkForbiddenWords(f('Try it risk free'), DEFAULT_FORBIDDEN).map((r) => r.message)).toEqual(['uses the forbidden word or claim "risk free"']);
    expect(checkForbiddenWords(f('A miracle cream that cures'), DEFAULT_FORBIDDEN)).toHaveLength(2);
    expect(checkForbiddenWords(f('Secure checkout, procured with care, satisfaction guarantee'), DEFAULT_FORBIDDEN)).toEqual([]);
  });
});

describe('claims and disclosures', () => {
  it('requires the disclosure anywhere in the same message when the claim appears', () => {
    const fail = checkClaims(f('Free returns on everything'), DEFAULT_CLAIMS);
    expect(fail).toEqual([{ rule: 'claim_disclosure', field: 'body', message: 'claims "free returns" (free_returns) without its required disclosure "within 30 days of delivery"' }]);
    expect(checkClaims([...f('Free returns on everything'), ...f('Free returns within 30 days of delivery.', 'text')], DEFAULT_CLAIMS)).toEqual([]);
    expect(checkClaims(f('Returns are easy'), DEFAULT_CLAIMS)).toEqual([]);
    expect(checkClaims(f('Comes with a 2-year warranty'), DEFAULT_CLAIMS)[0]!.message).toContain('covers manufacturing defects');
  });
});

describe('stated prices', () => {
  it('must equal the current price or sale price of a product in the message, in its currency', () => {
    expect(checkStatedPrices(f('Mug, now $12.99'), [mug], [], 'USD')).toEqual([]);
    const wrong = checkStatedPrices(f('Mug, now $11.99'), [mug], [], 'USD');
    expect(wrong).toEqual([{ rule: 'price_mismatch', field: 'body', message: 'states "$11.99" but no product in the message has that current price in USD/CAD/AUD/NZD/HKD/SGD/MXN (catalog: Mug: 12.99 USD)' }]);
    expect(checkStatedPrices(f('Mug, now €12.99'), [mug], [], 'USD')).toHaveLength(1); // right amount, wrong currency
    expect(checkStatedPrices(f('Tee: 1.299,00 € or 12,99 € on sale, €12,99, EUR 1,299.00'), [tee], [], 'EUR')).toEqual([]);
    expect(checkStatedPrices(f('Tee: 13,99\u00a0€'), [tee], [], 'EUR')).toHaveLength(1);
    expect(checkStatedPrices(f('Just US$12.99 or 12.99 USD'), [mug], [], 'USD')).toEqual([]);
    expect(checkStatedPrices(f('$12.99'), [], [], 'USD')[0]!.message).toContain('no products in the message');
  });

  it('allows an offer\'s minimum basket and leaves amounts off to the discount rule', () => {
    expect(checkStatedPrices(f('$5 off orders over $50'), [], [amt], 'USD')).toEqual([]);
    expect(checkStatedPrices(f('Save $7 today'), [], [], 'USD')).toEqual([]);
  });
});

describe('stated discounts', () => {
  it('must match an offer allowed to the shopper', () => {
    expect(checkStatedDiscounts(f('Take 20% off'), [pct], 'USD')).toEqual([]);
    expect(checkStatedDiscounts(f('Take 25% off'), [pct], 'USD')).toEqual([{ rule: 'discount_not_allowed', field: 'body', message: 'states "25% off" but no offer allowed to this shopper gives it (allowed: 20% off)' }]);
    expect(checkStatedDiscounts(f('Save 20% now, or -20 % in store, 20 % Rabatt'), [pct], 'EUR')).toEqual([]);
    expect(checkStatedDiscounts(f('Save 30%'), [pct], 'USD')).toHaveLength(1);
    expect(checkStatedDiscounts(f('$5 off your order'), [amt], 'USD')).toEqual([]);
    expect(checkStatedDiscounts(f('$10 off your order'), [amt], 'USD')).toHaveLength(1);
    expect(checkStatedDiscounts(f('€5 off your order'), [amt], 'USD')).toHaveLength(1);
    expect(checkStatedDiscounts(f('20% off everything'), [], 'USD')[0]!.message).toContain('allowed: none');
    expect(checkStatedDiscounts(f('100% cotton, 20% more'), [], 'USD')).toEqual([]);
  });
});

describe('lengths', () => {
  it('push title at most 50 and body at most 178 characters', () => {
    expect(checkPushLengths('t'.repeat(50), 'b'.repeat(178), 50, 178)).toEqual([]);
    expect(checkPushLengths('t'.repeat(51), 'b'.repeat(179), 50, 178).map((r) => r.rule)).toEqual(['push_title_length', 'push_body_length']);
  });
  it('email subject at most 78 characters', () => {
    expect(checkSubjectLength('s'.repeat(78), 78)).toEqual([]);
    expect(checkSubjectLength('s'.repeat(79), 78)).toEqual([{ rule: 'subject_length', field: 'subject', message: 'is 79 characters, more than 78' }]);
  });
  it('marketing SMS says how to opt out', () => {
    expect(checkSmsOptOut('Hi! Reply STOP to opt out')).toEqual([]);
    expect(checkSmsOptOut('Hi!')).toHaveLength(1);
  });
});

describe('unsubscribe and postal address', () => {
  const html = `<p>Hi</p><p>${ADDRESS}<br><a href="https://shop.example.com/unsubscribe?t=1&amp;x=2">Unsubscribe</a></p>`;
  const text = `Hi\n${ADDRESS}\nUnsubscribe: https://shop.example.com/unsubscribe?t=1&x=2`;
  it('passes with both in html and text', () => {
    expect(checkUnsubscribeAndAddress(html, text, 'https://shop.example.com/unsubscribe?t=1&x=2', ADDRESS)).toEqual([]);
  });
  it('fails naming what is missing where', () => {
    expect(checkUnsubscribeAndAddress('<p>Hi</p>', text, undefined, ADDRESS).map((r) => `${r.rule}:${r.field}`)).toEqual(['missing_unsubscribe:html', 'missing_postal_address:html']);
    expect(checkUnsubscribeAndAddress(html, 'Hi', undefined, ADDRESS).map((r) => `${r.rule}:${r.field}`)).toEqual(['missing_unsubscribe:text', 'missing_postal_address:text']);
  });
});

describe('link domains', () => {
  const hosts = ['shop.example.com', 'braid.example'];
  it('allows the store domains and their subdomains, and mailto', () => {
    expect(checkLinkDomains([{ field: 'html', url: 'https://shop.example.com/p/1' }, { field: 'html', url: 'https://cdn.braid.example/i.png' }, { field: 'html', url: 'mailto:help@braid.example' }], hosts)).toEqual([]);
  });
  it('refuses other hosts, look-alikes, relative and javascript links', () => {
    const r = checkLinkDomains([
      { field: 'html', url: 'https://evil.example/p' }, { field: 'text', url: 'https://braid.example.evil.example/' }, { field: 'url', url: '/cart' }, { field: 'html', url: 'javascript:alert(1)' },
    ], hosts);
    expect(r.map((x) => `${x.rule}:${x.field}`)).toEqual(['link_domain:html', 'link_domain:text', 'link_domain:url', 'link_domain:html']);
    expect(r[0]!.message).toBe('links to evil.example, not an allowed domain (shop.example.com, braid.example)');
  });
});

describe('checkContent', () => {
  const ctx = { rules: rules(), allowedHosts: ['shop.example.com'], products: [mug], offers: [pct], currency: 'USD', postalAddress: ADDRESS, purpose: 'marketing' as const };
  it('runs the channel rules over rendered content', () => {
    const ok = checkContent({ body: 'Shop: Mug $12.99, 20% off https://shop.example.com/c Reply STOP to opt out' }, { ...ctx, channel: 'sms' });
    expect(ok).toMatchObject({ ok: true, reasons: [], sms: { encoding: 'GSM-7', segments: 1 } });
    const bad = checkContent({ body: 'Mug $9.99, 30% off, guaranteed https://evil.example/c ' + 'x'.repeat(300) }, { ...ctx, channel: 'sms' });
    expect(bad.reasons.map((r) => r.rule).sort()).toEqual(['discount_not_allowed', 'forbidden_word', 'link_domain', 'price_mismatch', 'sms_length', 'sms_opt_out']);
    const email = checkContent({ subject: 'x'.repeat(80), html: '<p>Hi</p>', text: '' }, { ...ctx, channel: 'email' });
    expect(email.reasons.map((r) => r.rule)).toEqual(['empty_field', 'subject_length', 'missing_unsubscribe', 'missing_unsubscribe', 'missing_postal_address', 'missing_postal_address']);
    const push = checkContent({ title: 'x'.repeat(51), body: 'Hi', url: 'https://evil.example/' }, { ...ctx, channel: 'push' });
    expect(push.reasons.map((r) => r.rule)).toEqual(['link_domain', 'push_title_length']);
    expect(checkContent({ subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' }, { ...ctx, channel: 'email', purpose: 'transactional' }).ok).toBe(true);
  });
  it('reads html as visible text and data as its string leaves', () => {
    expect(fieldTexts({ html: '<style>p{}</style><p>A &amp; B</p>', data: { a: ['x', { b: 'y' }] } })).toEqual([
      { field: 'html', text: 'A & B' }, { field: 'data.a[0]', text: 'x' }, { field: 'data.a[1].b', text: 'y' },
    ]);
  });
});

describe('links are not claims', () => {
  it('ignores currency-looking fragments inside URLs (unsubscribe tokens)', async () => {
    const { checkStatedPrices } = await import('./content.qa.ts');
    const fields = [{ field: 'text', text: 'Unsubscribe: https://shop.example/v1/unsubscribe?t=ab7kr1MXNzz and mailto:x@y.z?s=5kr' }];
    expect(checkStatedPrices(fields, [], [], 'USD')).toEqual([]);
    expect(checkStatedPrices([{ field: 'text', text: 'Now only 7kr!' }], [], [], 'SEK')).toHaveLength(1);
  });
});
