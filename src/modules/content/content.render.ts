/**
 * Rendering one message: the variables a template sees, block assembly, Liquid per channel field,
 * and QA of the result. Pure given its inputs (catalog facts, offer, library, rules, clock value);
 * the service resolves those from memory.
 *
 * Privacy: `profile` is an allow-list copy of the (already filtered) traits: first_name,
 * last_name, name, city, country, loyalty_tier, loyalty_points, plus id, lifecycle and
 * funnel_stage. Nothing else in traits reaches a template, and a key named in the sensitive list
 * is dropped even if allow-listed.
 */
import type { Offer } from '../offers/index.ts';
import { armKey, chooseBlocks, chooseVariant, kindsOfPart, variantText, type VariantStats } from './content.assemble.ts';
import { formatMoney, renderField, type Engines } from './content.liquid.ts';
import type { OfferFact, PriceFact } from './content.qa.ts';
import { checkContentMemo } from './content.qa-memo.ts';
import { BLOCK_KINDS } from './content.schemas.ts';
import type { Block, ContentChannel, ContentRules, QaReason, RenderAction, RenderInput, RenderResult, RenderedContent, TemplateInput } from './content.types.ts';

export interface ProductFacts {
  id: string; name: string; url: string | null; image: string | null; price: number; salePrice: number | null;
  currency: string; category: string | null; brand: string | null; inStock: boolean;
}

export interface MessageInput {
  template: TemplateInput;
  channel: ContentChannel;
  locale: string;
  currency: string;
  timezone: string;
  nowMs: number;
  profile: RenderInput['profile'];
  action?: RenderAction | undefined;
  products: ProductFacts[];
  recommendations: ProductFacts[];
  offer?: Offer | undefined;
  vars: Record<string, unknown>;
  library: readonly Block[];
  rules: ContentRules;
  sensitive: readonly string[];
  postalAddress: string;
  defaultUnsubscribeUrl: string;
  allowedHosts: string[];
  /** Menu offers every shopper may be given (for the discount rule). */
  menuOffers: OfferFact[];
  stats: (blockId: string, variant: string) => VariantStats | undefined;
}

const PROFILE_FIELDS: Record<string, string[]> = {
  first_name: ['first_name', 'firstName', 'firstname'], last_name: ['last_name', 'lastName', 'lastname'], name: ['name'],
  city: ['city', 'address.city'], country: ['country', 'address.country'],
  loyalty_tier: ['loyalty_tier', 'loyaltyTier', 'tier'], loyalty_points: ['loyalty_points', 'loyaltyPoints', 'points'],
};
const RESERVED = new Set(['profile', 'products', 'recommendations', 'offer', 'blocks', 'action', 'postal_address', 'locale', 'currency', 'timezone', 'now']);

function lookup(traits: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = traits;
  for (const k of path) v = v && typeof v === 'object' && Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** Per sensitive list (the config's one array, never changed in place): each field's trait paths that are not denied, split once. */
const allowedPaths = new WeakMap<readonly string[], Array<[string, string[][]]>>();
function pathsFor(sensitive: readonly string[]): Array<[string, string[][]]> {
  let out = allowedPaths.get(sensitive);
  if (!out) {
    const deny = new Set(sensitive.map((s) => s.toLowerCase()));
    out = Object.entries(PROFILE_FIELDS).map(([field, keys]): [string, string[][]] => [field, deny.has(field) ? []
      : keys.filter((k) => !deny.has(k.toLowerCase()) && !deny.has(k.split('.')[0]!.toLowerCase())).map((k) => k.split('.'))]);
    allowedPaths.set(sensitive, out);
  }
  return out;
}

/** The allow-listed copy of a profile that templates may read. */
export function profileVars(p: RenderInput['profile'], sensitive: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: p.id, lifecycle: p.lifecycle ?? null, funnel_stage: p.funnelStage ?? null };
  for (const [field, paths] of pathsFor(sensitive)) {
    let value: unknown = null;
    for (const path of paths) {
      const v = lookup(p.traits, path);
      if (typeof v === 'string' && v.trim() !== '') { value = v.trim().slice(0, 100); break; }
      if (typeof v === 'number' && Number.isFinite(v)) { value = v; break; }
    }
    out[field] = value;
  }
  return out;
}

export function productVars(p: ProductFacts, locale: string, storeUrl: string): Record<string, unknown> {
  const onSale = p.salePrice !== null && p.salePrice < p.price;
  return {
    id: p.id, name: p.name, url: p.url ?? `${storeUrl}/products/${encodeURIComponent(p.id)}`, image: p.image,
    price: formatMoney(p.price, locale, p.currency), price_amount: p.price,
    sale_price: onSale ? formatMoney(p.salePrice!, locale, p.currency) : null, sale_price_amount: onSale ? p.salePrice : null,
    on_sale: onSale, currency: p.currency, category: p.category, brand: p.brand, in_stock: p.inStock,
  };
}

/** "10% off", "$5 off", "free shipping", "500 bonus points", "a free gift". */
export function formatOffer(o: Offer, locale: string, currency: string): string {
  switch (o.kind) {
    case 'percent_off': return `${o.value}% off`;
    case 'bundle': return `${o.value}% off the set`;
    case 'amount_off': return `${formatMoney(o.value, locale, currency, { whole: true })} off`;
    case 'free_shipping': return 'free shipping';
    case 'loyalty_points': return `${new Intl.NumberFormat(locale).format(o.value)} bonus points`;
    case 'gift': return 'a free gift';
  }
}

export function offerVars(o: Offer, locale: string, currency: string, code: unknown): Record<string, unknown> {
  const own = (o as unknown as { code?: unknown }).code;
  const c = typeof code === 'string' ? code : typeof own === 'string' ? own : null;
  return { id: o.id, name: o.name, kind: o.kind, value: o.value, min_basket: o.minBasket, code: c, formatted: formatOffer(o, locale, currency) };
}

export const offerFact = (o: Offer): OfferFact => ({ id: o.id, kind: o.kind, value: o.value, minBasket: o.minBasket });

/** The Liquid sources of one channel part, by field. */
export function channelSources(t: TemplateInput, channel: ContentChannel): Record<string, string> | undefined {
  const part = t[channel];
  return part ? { ...part } : undefined;
}

/**
 * SMS bodies get typographic characters that have a GSM-7 equivalent replaced (no-break spaces
 * Intl puts in de-DE/fr-FR amounts, curly quotes, dashes, ellipsis): one of them alone would
 * switch the whole message to UCS-2 and cut each segment from 153 to 67 characters.
 */
export function smsSafe(s: string): string {
  return s.replace(/[\u00a0\u2007\u2009\u202f]/g, ' ').replace(/[\u2018\u2019\u201b]/g, "'").replace(/[\u201c\u201d\u201e]/g, '"')
    .replace(/[\u2013\u2014]/g, '-').replace(/\u2026/g, '...');
}

function withPreheader(html: string, preheader: string): string {
  if (!preheader.trim()) return html;
  const div = `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${preheader}</div>`;
  const m = /<body[^>]*>/i.exec(html);
  return m ? html.slice(0, m.index + m[0].length) + div + html.slice(m.index + m[0].length) : div + html;
}

/** Assembles, renders and checks one message. Liquid failures become QA reasons, never throws. */
export function renderMessage(engines: Engines, m: MessageInput): RenderResult {
  const sources = channelSources(m.template, m.channel);
  if (!sources) throw new Error(`template ${m.template.id} has no ${m.channel} part`);
  const store = { name: m.rules.store.name, url: m.rules.store.url, ...(typeof m.vars.store === 'object' && m.vars.store ? m.vars.store as object : {}) } as { name: string; url: string };
  const products = m.products.map((p) => productVars(p, m.locale, store.url));
  const recommendations = m.recommendations.map((p) => productVars(p, m.locale, store.url));
  const offer = m.offer ? offerVars(m.offer, m.locale, m.currency, m.vars.offer_code) : null;
  const unsubscribeUrl = typeof m.vars.unsubscribe_url === 'string' ? m.vars.unsubscribe_url : m.defaultUnsubscribeUrl;

  const kinds = kindsOfPart(m.template[m.channel]!);
  const themes = [...m.template.themes, ...(m.action?.theme ? [m.action.theme] : []), ...(m.offer ? [m.offer.kind] : [])];
  const chosenByKind = chooseBlocks(m.library, kinds, {
    channel: m.channel, locale: m.locale, defaultLocale: m.rules.defaultLocale, stage: m.template.funnelStage ?? m.profile.funnelStage,
    themes, preferences: m.profile.preferences, forcedIds: m.action?.blockIds ?? [], hasOffer: !!m.offer, offerKind: m.offer?.kind,
    hasProducts: products.length + recommendations.length > 0,
  });

  const reasons: QaReason[] = [];
  const base: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m.vars)) if (!RESERVED.has(k)) base[k] = v;
  Object.assign(base, {
    profile: profileVars(m.profile, m.sensitive), products, recommendations, offer, store, unsubscribe_url: unsubscribeUrl,
    postal_address: m.postalAddress, action: m.action ? { type: m.action.type, theme: m.action.theme ?? null } : null,
    locale: m.locale, currency: m.currency, timezone: m.timezone, now: new Date(m.nowMs).toISOString(),
  });

  const chosen: Array<{ block: Block; variant: string }> = [];
  const blockTexts: Record<string, string> = Object.fromEntries(BLOCK_KINDS.map((k) => [k, '']));
  for (const kind of kinds) {
    const list = chosenByKind.get(kind);
    if (!list) {
      if (kind !== 'disclosure') reasons.push({ rule: 'missing_block', field: `blocks.${kind}`, message: `no active ${kind} block fits ${m.channel}, locale ${m.locale}${m.template.funnelStage ? `, stage ${m.template.funnelStage}` : ''}` });
      continue;
    }
    const parts: string[] = [];
    for (const block of list) {
      const variant = chooseVariant(block, m.stats, m.profile.id, m.nowMs);
      chosen.push({ block, variant });
      parts.push(renderField(engines.text, variantText(block, variant), base, `blocks.${kind}(${block.id}@${variant})`, reasons).trim());
    }
    blockTexts[kind] = parts.filter((p) => p !== '').join(' ');
  }
  const scope = { ...base, blocks: blockTexts };

  const content: RenderedContent = {};
  const field = (name: string, engine = engines.text) => renderField(engine, sources[name] ?? '', scope, name, reasons);
  switch (m.channel) {
    case 'email':
      content.subject = field('subject').replace(/[ \t\r\n]+/g, ' ').trim();
      content.html = withPreheader(field('html', engines.html), field('preheader', engines.html));
      content.text = field('text').replace(/\n{3,}/g, '\n\n').trim();
      break;
    case 'sms':
      content.body = smsSafe(field('body')).replace(/[ \t\r\n]+/g, ' ').trim();
      break;
    case 'push':
      content.title = field('title').replace(/[ \t\r\n]+/g, ' ').trim();
      content.body = field('body').replace(/[ \t\r\n]+/g, ' ').trim();
      content.url = field('url').trim() || undefined;
      break;
    case 'in_app': case 'webhook': {
      const raw = field('data');
      try {
        const data = JSON.parse(raw) as unknown;
        if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not a JSON object');
        content.data = data as Record<string, unknown>;
      } catch (e) {
        if (raw !== '') reasons.push({ rule: 'invalid_json', field: 'data', message: `does not render a JSON object: ${(e as Error).message}` });
      }
      break;
    }
  }

  const facts: PriceFact[] = [...m.products, ...m.recommendations].map((p) => ({ productId: p.id, name: p.name, currency: p.currency, price: p.price, salePrice: p.salePrice }));
  const offers = [...(m.offer ? [offerFact(m.offer)] : []), ...m.menuOffers];
  const qa = checkContentMemo(content, {
    channel: m.channel, purpose: m.template.purpose, rules: m.rules, allowedHosts: m.allowedHosts, products: facts, offers,
    currency: m.currency, unsubscribeUrl, postalAddress: m.postalAddress,
  });
  const all = [...reasons, ...qa.reasons];
  return { content, blockIds: chosen.map((c) => c.block.id), arm: armKey(chosen), qa: { ...qa, ok: all.length === 0, reasons: all } };
}

