/**
 * Parsing and validation of what the content API and the render call accept. Every failure is a
 * 400 naming the field (`tags.channels[0]`, `email.html`, `locale`).
 */
import { compileValidator, invalid } from '../../core/index.ts';
import { checkSyntax, type Engines } from './content.liquid.ts';
import {
  BlockInputSchema, BlockPatchSchema, CONTENT_CHANNELS, ContentRulesSchema, QaRequestSchema, TemplateInputSchema,
} from './content.schemas.ts';
import type { BlockInput, BlockPatch, ContentRules, QaRequest, RenderInput, Template, TemplateInput } from './content.types.ts';

const validateBlock = compileValidator<BlockInput>(BlockInputSchema, '');
const validatePatch = compileValidator<BlockPatch>(BlockPatchSchema, '');
const validateTemplate = compileValidator<TemplateInput>(TemplateInputSchema, '');
const validateRules = compileValidator<ContentRules>(ContentRulesSchema, '');
const validateQa = compileValidator<QaRequest>(QaRequestSchema, '');

export const DEFAULT_FORBIDDEN = ['guaranteed', 'cure', 'cures', 'risk-free', 'miracle', 'no risk', '100% safe', 'act now or lose'];
export const DEFAULT_CLAIMS: ContentRules['claims'] = [
  { id: 'free_returns', match: 'free returns', disclosure: 'within 30 days of delivery' },
  { id: 'satisfaction_guarantee', match: 'satisfaction guarantee', disclosure: 'full refund within 30 days' },
  { id: 'warranty', match: '2-year warranty', disclosure: 'covers manufacturing defects' },
  { id: 'carbon_neutral', match: 'carbon neutral', disclosure: 'offset through certified projects' },
];

export function defaultRules(storeName: string, publicUrl: string): ContentRules {
  return {
    forbidden: [...DEFAULT_FORBIDDEN], claims: DEFAULT_CLAIMS.map((c) => ({ ...c })), allowedDomains: [],
    smsMaxSegments: 2, smsOptOut: true, pushTitleMax: 50, pushBodyMax: 178, subjectMax: 78, defaultLocale: 'en',
    store: { name: storeName, url: publicUrl },
  };
}

const hostOf = (url: string) => { try { return new URL(url).hostname.toLowerCase(); } catch { return undefined; } };

/** Link hosts allowed: the store URL's, publicUrl's, the sender address's domain, and the configured extras. */
export function allowedHosts(rules: ContentRules, publicUrl: string, smtpFrom: string): string[] {
  const sender = /@([a-z0-9.-]+)/i.exec(smtpFrom)?.[1]?.toLowerCase();
  const hosts = [hostOf(rules.store.url), hostOf(publicUrl), sender, ...rules.allowedDomains.map((d) => d.toLowerCase())];
  return [...new Set(hosts.filter((h): h is string => !!h))];
}

function syntax(engines: Engines | undefined, field: string, source: string): void {
  if (!engines) return;
  const err = checkSyntax(engines.text, source);
  if (err) throw invalid(field, `Liquid: ${err}`);
}

export function parseBlock(input: unknown, engines?: Engines): BlockInput {
  const b = validateBlock(input);
  syntax(engines, 'text', b.text);
  const seen = new Set<string>();
  b.variants.forEach((v, i) => {
    if (v.id === 'base') throw invalid(`variants[${i}].id`, '"base" is the block\'s own text; name variants otherwise');
    if (seen.has(v.id)) throw invalid(`variants[${i}].id`, `"${v.id}" is used twice`);
    seen.add(v.id);
    syntax(engines, `variants[${i}].text`, v.text);
  });
  return b;
}

export const parseBlockPatch = (input: unknown): BlockPatch => validatePatch(input);

export function parseTemplate(input: unknown, engines?: Engines): TemplateInput {
  const t = validateTemplate(input);
  if (!CONTENT_CHANNELS.some((c) => t[c])) throw invalid('email', 'a template needs at least one channel part: email, sms, push, in_app or webhook');
  for (const c of CONTENT_CHANNELS) {
    const part = t[c] as Record<string, string> | undefined;
    if (part) for (const [k, src] of Object.entries(part)) syntax(engines, `${c}.${k}`, src);
  }
  return t;
}

export const parseRules = (input: unknown): ContentRules => validateRules(input);

export function parseQaRequest(input: unknown, engines: Engines): QaRequest {
  const q = validateQa(input);
  const given = [q.templateId, q.template, q.blockId, q.block].filter((x) => x !== undefined).length;
  if (given !== 1) throw invalid('templateId', 'give exactly one of templateId, template, blockId or block');
  if (q.template) parseTemplate(q.template, engines);
  if (q.block) parseBlock(q.block, engines);
  return q;
}

// Asked on every render: building an Intl formatter to test a value costs ~50 µs, so answers are kept.
const known = new Map<string, boolean>();
function remember(key: string, test: () => boolean): boolean {
  let v = known.get(key);
  if (v === undefined) { v = test(); if (known.size < 10_000) known.set(key, v); }
  return v;
}
function isLocale(l: string): boolean {
  return remember(`l:${l}`, () => { try { return Intl.getCanonicalLocales(l).length === 1 && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(l); } catch { return false; } });
}
function isTimeZone(tz: string): boolean {
  return remember(`z:${tz}`, () => { try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; } });
}
function isCurrency(c: string): boolean {
  if (!/^[A-Z]{3}$/.test(c)) return false;
  return remember(`c:${c}`, () => { try { new Intl.NumberFormat('en-US', { style: 'currency', currency: c }); return true; } catch { return false; } });
}

/** Checks a worker's render call; returns the template and the effective locale and zone. */
export function validateRenderInput(input: RenderInput, templates: ReadonlyMap<string, Template>, defaultTimezone: string): { template: Template; locale: string; timezone: string } {
  const template = templates.get(input.templateId);
  if (!template) throw invalid('templateId', `no template "${input.templateId}"`);
  if (template.status !== 'active') throw invalid('templateId', `template "${input.templateId}" is archived`);
  if (!(CONTENT_CHANNELS as readonly string[]).includes(input.channel)) throw invalid('channel', `must be one of ${CONTENT_CHANNELS.join(', ')}`);
  if (!template[input.channel]) throw invalid('channel', `template "${template.id}" has no ${input.channel} part`);
  const locale = input.locale ?? 'en-US';
  if (!isLocale(locale)) throw invalid('locale', `"${locale}" is not a BCP 47 locale such as en-US`);
  if (input.currency !== undefined && !isCurrency(input.currency)) throw invalid('currency', `"${input.currency}" is not an ISO 4217 code such as USD`);
  const timezone = input.timezone ?? defaultTimezone;
  if (!isTimeZone(timezone)) throw invalid('timezone', `"${timezone}" is not an IANA time zone such as Europe/Paris`);
  if (!input.profile || typeof input.profile.id !== 'string' || input.profile.id === '') throw invalid('profile.id', 'is required');
  if (!input.profile.traits || typeof input.profile.traits !== 'object') throw invalid('profile.traits', 'must be an object (already filtered of sensitive traits)');
  if (!input.profile.preferences || typeof input.profile.preferences !== 'object') throw invalid('profile.preferences', 'must be an object of preference strengths');
  return { template, locale, timezone };
}
