import { describe, expect, it } from 'vitest';
import { checkContent, DEFAULT_CLAIMS, DEFAULT_FORBIDDEN, type ContentRules } from './index.ts';
import { canonicalUnsubscribeUrl, checkContentMemo } from './content.qa-memo.ts';

const rules = (forbidden: string[] = DEFAULT_FORBIDDEN): ContentRules => ({
  forbidden, claims: DEFAULT_CLAIMS, allowedDomains: [], smsMaxSegments: 2, smsOptOut: true, pushTitleMax: 50, pushBodyMax: 178, subjectMax: 78, defaultLocale: 'en',
  store: { name: 'Shop', url: 'https://shop.example.com' },
});
const ADDRESS = '1 Market Street, San Francisco, CA 94105';
const ctx = (url: string, r = rules()) => ({
  channel: 'email' as const, purpose: 'marketing' as const, rules: r, allowedHosts: ['shop.example.com'], products: [], offers: [], currency: 'USD', postalAddress: ADDRESS, unsubscribeUrl: url,
});
const email = (url: string, extra = '') => ({
  subject: 'Picked for you', html: `<p>Hello${extra}</p><p>${ADDRESS}</p><a href="${url.replace(/&/g, '&amp;')}">Unsubscribe</a>`, text: `Hello${extra}\n${ADDRESS}\nUnsubscribe: ${url}`,
});

describe('remembered QA verdicts', () => {
  it('gives what checkContent gives, for messages that differ only in their unsubscribe token', () => {
    for (const token of ['aaa.bbb', 'ccc.ddd', 'eee.fff']) {
      const url = `https://shop.example.com/v1/unsubscribe?t=${token}`;
      expect(checkContentMemo(email(url), ctx(url))).toEqual(checkContent(email(url), ctx(url)));
      expect(checkContentMemo(email(url, ' guaranteed'), ctx(url))).toEqual(checkContent(email(url, ' guaranteed'), ctx(url)));
    }
    const url = 'https://shop.example.com/v1/unsubscribe?t=x1';
    expect(checkContentMemo(email(url), ctx(url)).ok).toBe(true);
    expect(checkContentMemo(email(url, ' guaranteed'), ctx(url)).reasons.map((r) => r.rule)).toEqual(['forbidden_word', 'forbidden_word']);
  });

  it('checks again when the rules change, and the missing link is still missing', () => {
    const url = 'https://shop.example.com/v1/unsubscribe?t=y1';
    expect(checkContentMemo(email(url, ' cozy'), ctx(url)).ok).toBe(true);
    expect(checkContentMemo(email(url, ' cozy'), ctx(url, rules([...DEFAULT_FORBIDDEN, 'cozy']))).reasons.map((r) => r.rule)).toEqual(['forbidden_word', 'forbidden_word']);
    const mine = 'https://shop.example.com/u?t=y1', other = 'https://shop.example.com/u?t=y2'; // no "unsubscribe" in the path: only the exact link counts
    expect(checkContentMemo(email(mine), ctx(mine)).ok).toBe(true);
    expect(checkContentMemo(email(mine), ctx(other)).reasons.map((r) => `${r.rule}:${r.field}`)).toEqual(['missing_unsubscribe:html', 'missing_unsubscribe:text']);
    expect(checkContentMemo(email(mine), ctx(other))).toEqual(checkContent(email(mine), ctx(other)));
  });

  it('quotes the message own link in its reasons, and keeps the query of a link with several parameters apart from the token', () => {
    const url = 'ftp://shop.example.com/v1/unsubscribe?t=z1&x=2';
    const r = checkContentMemo(email(url), ctx(url));
    expect(r).toEqual(checkContent(email(url), ctx(url)));
    expect(r.reasons.map((x) => x.message).join(' ')).toContain(url);
    expect(canonicalUnsubscribeUrl(url)).toBe('ftp://shop.example.com/v1/unsubscribe?t=0');
    expect(canonicalUnsubscribeUrl('https://shop.example.com/unsubscribe')).toBe('https://shop.example.com/unsubscribe');
  });

  it('counts a subject and an SMS body as sent (their lengths are checked)', () => {
    const url = 'https://shop.example.com/v1/unsubscribe?t=' + 'q'.repeat(60);
    const long = { ...email(url), subject: `Bye ${url}` };
    expect(checkContentMemo(long, ctx(url)).reasons.map((r) => r.rule)).toEqual(checkContent(long, ctx(url)).reasons.map((r) => r.rule));
    expect(checkContentMemo(long, ctx(url)).reasons.map((r) => r.rule)).toContain('subject_length');
    const sms = { body: `Hi ${url} Reply STOP to opt out ` + 'x'.repeat(200) };
    const smsCtx = { ...ctx(url), channel: 'sms' as const };
    expect(checkContentMemo(sms, smsCtx)).toEqual(checkContent(sms, smsCtx));
  });
});
