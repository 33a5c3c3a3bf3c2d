/**
 * Automatic QA as pure functions. Each rule returns the reasons it fails, `{ rule, field,
 * message }`, and nothing when the content passes; `checkContent` runs every rule that applies to
 * a channel. Numbers (see docs/content.md): SMS max segments (default 2) by GSM-7/UCS-2 encoding;
 * push title 50 and body 178 characters; email subject 78 characters.
 */
import { countSmsSegments, nonGsmCharacters } from './content.sms.ts';
import {
  hostAllowed, linksInHtml, linksInText, normalizeSpace, phraseRegex, statedAmounts, statedPercents, visibleText,
} from './content.text.ts';
import type { ContentChannel, ContentRules, QaReason, QaResult, RenderedContent } from './content.types.ts';

/** A product in the message, priced from the catalog. */
export interface PriceFact { productId: string; name: string; currency: string; price: number; salePrice: number | null }
/** An offer this shopper may be given (the decision's, or one on the menu). */
export interface OfferFact { id: string; kind: string; value: number; minBasket: number }

export interface QaContext {
  channel: ContentChannel;
  purpose: 'marketing' | 'transactional';
  rules: ContentRules;
  /** Hosts links may point to (subdomains included). */
  allowedHosts: string[];
  products: PriceFact[];
  offers: OfferFact[];
  /** The market's currency (amounts off are in it). */
  currency: string;
  unsubscribeUrl?: string | undefined;
  postalAddress: string;
}

export interface FieldText { field: string; text: string }

const EPS = 0.005;
const same = (a: number, b: number) => Math.abs(a - b) < EPS;

/** The readable text of each rendered field (html as visible text; data as its string leaves). */
export function fieldTexts(content: RenderedContent): FieldText[] {
  const out: FieldText[] = [];
  const add = (field: string, text: string | undefined) => { if (text) out.push({ field, text }); };
  add('subject', content.subject);
  if (content.html) add('html', visibleText(content.html));
  add('text', content.text);
  add('title', content.title);
  add('body', content.body);
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') add(path, v);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  if (content.data) walk(content.data, 'data');
  return out;
}

export function checkForbiddenWords(fields: readonly FieldText[], forbidden: readonly string[]): QaReason[] {
  const out: QaReason[] = [];
  for (const word of forbidden) {
    const re = phraseRegex(word);
    for (const f of fields) {
      const m = re.exec(f.text);
      if (m) out.push({ rule: 'forbidden_word', field: f.field, message: `uses the forbidden word or claim "${m[0]}"` });
    }
  }
  return out;
}

/** A claim anywhere in the message needs its disclosure somewhere in the same message. */
export function checkClaims(fields: readonly FieldText[], claims: ContentRules['claims']): QaReason[] {
  const out: QaReason[] = [];
  const whole = normalizeSpace(fields.map((f) => f.text).join(' \n '));
  for (const c of claims) {
    const re = phraseRegex(c.match);
    const f = fields.find((x) => re.test(x.text));
    if (f && !whole.includes(normalizeSpace(c.disclosure))) {
      out.push({ rule: 'claim_disclosure', field: f.field, message: `claims "${c.match}" (${c.id}) without its required disclosure "${c.disclosure}"` });
    }
  }
  return out;
}

/**
 * A stated price must be the current price or sale price of a product in the message, in its
 * currency; an amount equal to an offer's amount or minimum basket is also allowed ("$5 off
 * orders over $50"). Amounts stated as discounts are left to checkStatedDiscounts.
 */
export function checkStatedPrices(fields: readonly FieldText[], products: readonly PriceFact[], offers: readonly OfferFact[], currency: string): QaReason[] {
  const out: QaReason[] = [];
  for (const f of fields) {
    for (const a of statedAmounts(f.text)) {
      if (a.discount) continue;
      const product = products.some((p) => a.currencies.includes(p.currency) && (same(a.amount, p.price) || (p.salePrice !== null && same(a.amount, p.salePrice))));
      const offer = a.currencies.includes(currency) && offers.some((o) => same(a.amount, o.minBasket) || (o.kind === 'amount_off' && same(a.amount, o.value)));
      if (product || offer) continue;
      const known = products.map((p) => `${p.name}: ${p.price} ${p.currency}${p.salePrice !== null ? ` (sale ${p.salePrice})` : ''}`).join('; ');
      out.push({ rule: 'price_mismatch', field: f.field, message: `states "${a.raw}" but no product in the message has that current price in ${a.currencies.join('/')}${known ? ` (catalog: ${known})` : ' (no products in the message)'}` });
    }
  }
  return out;
}

/** A stated discount ("20% off", "$5 off") must be what an offer allowed to this shopper gives. */
export function checkStatedDiscounts(fields: readonly FieldText[], offers: readonly OfferFact[], currency: string): QaReason[] {
  const out: QaReason[] = [];
  const percents = offers.filter((o) => o.kind === 'percent_off' || o.kind === 'bundle').map((o) => o.value);
  const amounts = offers.filter((o) => o.kind === 'amount_off').map((o) => o.value);
  const allowed = [...percents.map((p) => `${p}% off`), ...amounts.map((a) => `${a} ${currency} off`)].join(', ') || 'none';
  for (const f of fields) {
    for (const p of statedPercents(f.text)) {
      if (!percents.some((v) => same(v, p.percent))) out.push({ rule: 'discount_not_allowed', field: f.field, message: `states "${p.raw}" but no offer allowed to this shopper gives it (allowed: ${allowed})` });
    }
    for (const a of statedAmounts(f.text)) {
      if (!a.discount) continue;
      if (!a.currencies.includes(currency) || !amounts.some((v) => same(v, a.amount))) out.push({ rule: 'discount_not_allowed', field: f.field, message: `states "${a.raw}" off but no offer allowed to this shopper gives it (allowed: ${allowed})` });
    }
  }
  return out;
}

export function checkSmsLength(body: string, maxSegments: number): { reasons: QaReason[]; info: ReturnType<typeof countSmsSegments> } {
  const info = countSmsSegments(body);
  if (info.segments <= maxSegments) return { reasons: [], info };
  const why = info.encoding === 'UCS-2' ? `; UCS-2 because of ${nonGsmCharacters(body).map((c) => JSON.stringify(c)).join(' ')}` : '';
  return { reasons: [{ rule: 'sms_length', field: 'body', message: `is ${info.segments} segments (${info.units} ${info.encoding} units), more than the ${maxSegments} allowed${why}` }], info };
}

export function checkSmsOptOut(body: string): QaReason[] {
  return /\bSTOP\b/.test(body) ? [] : [{ rule: 'sms_opt_out', field: 'body', message: 'marketing SMS must tell the shopper how to opt out (e.g. "Reply STOP to opt out")' }];
}

const chars = (s: string) => [...s].length;

export function checkPushLengths(title: string, body: string, maxTitle: number, maxBody: number): QaReason[] {
  const out: QaReason[] = [];
  if (chars(title) > maxTitle) out.push({ rule: 'push_title_length', field: 'title', message: `is ${chars(title)} characters, more than ${maxTitle}` });
  if (chars(body) > maxBody) out.push({ rule: 'push_body_length', field: 'body', message: `is ${chars(body)} characters, more than ${maxBody}` });
  return out;
}

export function checkSubjectLength(subject: string, max: number): QaReason[] {
  return chars(subject) > max ? [{ rule: 'subject_length', field: 'subject', message: `is ${chars(subject)} characters, more than ${max}` }] : [];
}

const UNSUB = /unsubscribe|opt-?out/i;

/** Marketing email: an unsubscribe link and the postal address, in the html and the text part. */
export function checkUnsubscribeAndAddress(html: string, text: string, unsubscribeUrl: string | undefined, postalAddress: string): QaReason[] {
  const out: QaReason[] = [];
  const ok = (url: string) => (unsubscribeUrl !== undefined && url === unsubscribeUrl) || UNSUB.test(url);
  if (!linksInHtml(html).some(ok)) out.push({ rule: 'missing_unsubscribe', field: 'html', message: 'marketing email must link to the unsubscribe URL ({{ unsubscribe_url }})' });
  if (!linksInText(text).some(ok)) out.push({ rule: 'missing_unsubscribe', field: 'text', message: 'the text part must include the unsubscribe URL ({{ unsubscribe_url }})' });
  const addr = normalizeSpace(postalAddress);
  if (!normalizeSpace(visibleText(html)).includes(addr)) out.push({ rule: 'missing_postal_address', field: 'html', message: `marketing email must show the postal address "${postalAddress}" ({{ postal_address }})` });
  if (!normalizeSpace(text).includes(addr)) out.push({ rule: 'missing_postal_address', field: 'text', message: `the text part must show the postal address "${postalAddress}" ({{ postal_address }})` });
  return out;
}

/** Links only to allowed hosts over http(s); mailto:/tel:/sms: pass; anything else (relative, javascript:) fails. */
export function checkLinkDomains(links: ReadonlyArray<{ field: string; url: string }>, hosts: readonly string[]): QaReason[] {
  const out: QaReason[] = [];
  for (const { field, url } of links) {
    if (/^(mailto|tel|sms):/i.test(url)) continue;
    let parsed: URL | undefined;
    try { parsed = new URL(url); } catch { /* reported below */ }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      out.push({ rule: 'link_domain', field, message: `links to "${url}", which is not an absolute http(s) URL` });
    } else if (!hostAllowed(parsed.hostname, hosts)) {
      out.push({ rule: 'link_domain', field, message: `links to ${parsed.hostname}, not an allowed domain (${hosts.join(', ')})` });
    }
  }
  return out;
}

/** Fields a channel cannot send without. */
export function checkRequiredFields(channel: ContentChannel, c: RenderedContent): QaReason[] {
  const need: Record<ContentChannel, Array<keyof RenderedContent>> = { email: ['subject', 'html', 'text'], sms: ['body'], push: ['title', 'body'], in_app: ['data'], webhook: ['data'] };
  return need[channel].filter((k) => {
    const v = c[k];
    return v === undefined || (typeof v === 'string' && v.trim() === '');
  }).map((k) => ({ rule: 'empty_field', field: k, message: `renders empty; ${channel} needs it` }));
}

export function collectLinks(c: RenderedContent): Array<{ field: string; url: string }> {
  const out: Array<{ field: string; url: string }> = [];
  if (c.html) for (const url of linksInHtml(c.html)) out.push({ field: 'html', url });
  for (const k of ['text', 'body', 'title', 'subject'] as const) { const v = c[k]; if (v) for (const url of linksInText(v)) out.push({ field: k, url }); }
  if (c.url) out.push({ field: 'url', url: c.url });
  if (c.data) for (const url of linksInText(JSON.stringify(c.data))) out.push({ field: 'data', url });
  return out;
}

/** Every rule that applies to the channel, over rendered content. */
export function checkContent(c: RenderedContent, ctx: QaContext): QaResult {
  const reasons: QaReason[] = [...checkRequiredFields(ctx.channel, c)];
  const fields = fieldTexts(c);
  reasons.push(...checkForbiddenWords(fields, ctx.rules.forbidden));
  reasons.push(...checkClaims(fields, ctx.rules.claims));
  reasons.push(...checkStatedPrices(fields, ctx.products, ctx.offers, ctx.currency));
  reasons.push(...checkStatedDiscounts(fields, ctx.offers, ctx.currency));
  reasons.push(...checkLinkDomains(collectLinks(c), ctx.allowedHosts));
  let sms: QaResult['sms'];
  if (ctx.channel === 'sms') {
    const r = checkSmsLength(c.body ?? '', ctx.rules.smsMaxSegments);
    reasons.push(...r.reasons);
    sms = r.info;
    if (ctx.purpose === 'marketing' && ctx.rules.smsOptOut) reasons.push(...checkSmsOptOut(c.body ?? ''));
  }
  if (ctx.channel === 'push') reasons.push(...checkPushLengths(c.title ?? '', c.body ?? '', ctx.rules.pushTitleMax, ctx.rules.pushBodyMax));
  if (ctx.channel === 'email') {
    reasons.push(...checkSubjectLength(c.subject ?? '', ctx.rules.subjectMax));
    if (ctx.purpose === 'marketing') reasons.push(...checkUnsubscribeAndAddress(c.html ?? '', c.text ?? '', ctx.unsubscribeUrl, ctx.postalAddress));
  }
  return { ok: reasons.length === 0, reasons, ...(sms ? { sms } : {}) };
}
