/**
 * QA of templates and blocks against sample profiles (POST /v1/content/qa, and the gate every
 * block passes to become active). A template is rendered for each sample and channel part; a
 * block (each variant) is rendered alone in a minimal message for each of its channels, together
 * with the disclosure blocks assembly would pair it with, and checked by the same rules.
 */
import { parseOffer, type Offer } from '../offers/index.ts';
import { localeFit, requiresOffer } from './content.assemble.ts';
import type { MessageInput, ProductFacts } from './content.render.ts';
import { CONTENT_CHANNELS } from './content.schemas.ts';
import type { Block, BlockInput, ContentChannel, QaReason, RenderedContent, SampleProfile, SmsInfo, TemplateInput } from './content.types.ts';

export interface QaRun {
  profile: string; channel: ContentChannel; variant?: string | undefined;
  ok: boolean; reasons: QaReason[]; content: RenderedContent; blockIds: string[]; arm: string; sms?: SmsInfo | undefined;
}
export interface QaReport { ok: boolean; runs: QaRun[]; reasons: Array<QaReason & { profile: string; channel: string; variant?: string | undefined }> }

/** What the service lends QA: message building and rendering over its current state. */
export interface QaRuntime {
  renderMessage(m: MessageInput): { content: RenderedContent; blockIds: string[]; arm: string; qa: { ok: boolean; reasons: QaReason[]; sms?: SmsInfo | undefined } };
  buildMessage(a: {
    template: TemplateInput; channel: ContentChannel; sample: SampleProfile; products: ProductFacts[]; recommendations: ProductFacts[];
    offer?: Offer | undefined; library: Block[]; forcedIds?: string[];
  }): MessageInput;
  library(): Block[];
  storeUrl(): string;
}

export const DEFAULT_SAMPLES: SampleProfile[] = [
  { id: 'sample_us', locale: 'en-US', currency: 'USD', timezone: 'America/New_York', traits: { first_name: 'Alex' }, preferences: { returns_anxiety: 0.9 }, lifecycle: 'active', withOffer: true },
  { id: 'sample_de', locale: 'de-DE', currency: 'EUR', timezone: 'Europe/Berlin', traits: { first_name: 'Jürgen' }, preferences: { bundle_affinity: 0.9, deal_seeking: 0.8 }, lifecycle: 'lapsing', withOffer: false },
  { id: 'sample_anon', locale: 'en-GB', currency: 'GBP', timezone: 'Europe/London', traits: {}, preferences: {}, withOffer: true },
];

export function sampleOffer(): Offer {
  return { ...parseOffer({ id: 'sample_offer', name: 'Sample 10% off', kind: 'percent_off', value: 10 }), createdAt: '', updatedAt: '' };
}

/** Stand-in products in the sample's currency, when the catalog has none to show. */
export function sampleProducts(currency: string, storeUrl: string): ProductFacts[] {
  const p = (id: string, name: string, price: number, salePrice: number | null): ProductFacts => ({
    id, name, url: `${storeUrl}/products/${id}`, image: `${storeUrl}/images/${id}.jpg`, price, salePrice, currency, category: 'Sample', brand: null, inStock: true,
  });
  return [p('sample_1', 'Sample Product', 49, 39), p('sample_2', 'Sample Accessory', 12.99, null)];
}

function summarize(runs: QaRun[]): QaReport {
  const reasons = runs.flatMap((r) => r.reasons.map((x) => ({ ...x, profile: r.profile, channel: r.channel, ...(r.variant ? { variant: r.variant } : {}) })));
  return { ok: reasons.length === 0, runs, reasons };
}

/** Renders a template for every sample and channel part. */
export function qaTemplate(rt: QaRuntime, t: TemplateInput, opts: { samples: SampleProfile[]; channels?: ContentChannel[] | undefined; products: (s: SampleProfile) => ProductFacts[]; offer: Offer }): QaReport {
  const runs: QaRun[] = [];
  const channels = CONTENT_CHANNELS.filter((c) => t[c] && (!opts.channels || opts.channels.includes(c)));
  for (const sample of opts.samples) {
    const items = opts.products(sample);
    for (const channel of channels) {
      const r = rt.renderMessage(rt.buildMessage({
        template: t, channel, sample, products: items.slice(0, 1), recommendations: items.slice(1), offer: sample.withOffer ? opts.offer : undefined, library: rt.library(),
      }));
      runs.push({ profile: sample.id, channel, ok: r.qa.ok, reasons: r.qa.reasons, content: r.content, blockIds: r.blockIds, arm: r.arm, ...(r.qa.sms ? { sms: r.qa.sms } : {}) });
    }
  }
  return summarize(runs);
}

/** The minimal message a block is checked in, per channel (transactional: no footer rules). */
function probe(kind: string, channel: ContentChannel, themes: string[]): TemplateInput {
  const k = `{{ blocks.${kind} }}`;
  const d = kind === 'disclosure' ? '' : ' {{ blocks.disclosure }}';
  const t: TemplateInput = { id: '_qa', name: 'QA probe', purpose: 'transactional', themes, status: 'active' };
  if (channel === 'email') t.email = { subject: 'QA', preheader: '', html: `<p>${k}</p><p>${d}</p>`, text: `${k}\n${d}` };
  if (channel === 'sms') t.sms = { body: k };
  if (channel === 'push') t.push = { title: 'QA', body: k, url: '' };
  if (channel === 'in_app' || channel === 'webhook') t[channel] = { data: `{"text": {{ blocks.${kind} | json }}, "disclosure": {{ blocks.disclosure | json }}}` };
  return t;
}

/** Each variant of a block, for every channel it is tagged with, against every sample. */
export function qaBlock(rt: QaRuntime, input: BlockInput, opts: { samples: SampleProfile[]; products: (s: SampleProfile) => ProductFacts[]; offer: Offer }): QaReport {
  const runs: QaRun[] = [];
  const channels = input.tags.channels.length > 0 ? input.tags.channels : [...CONTENT_CHANNELS];
  const now = '';
  const variants = [{ id: 'base', text: input.text }, ...input.variants];
  const others = rt.library().filter((b) => b.id !== input.id);
  for (const v of variants) {
    const block: Block = { ...input, text: v.text, variants: [], status: 'active', createdAt: now, updatedAt: now };
    const needsOffer = requiresOffer(block);
    for (const s of opts.samples) {
      const locale = input.tags.locale !== '*' && localeFit(input.tags.locale, s.locale ?? 'en-US') < 0 ? input.tags.locale : s.locale;
      const sample = { ...s, locale, withOffer: s.withOffer || needsOffer };
      const items = opts.products(sample);
      for (const channel of channels) {
        const r = rt.renderMessage(rt.buildMessage({
          template: probe(input.kind, channel, input.tags.themes), channel, sample, products: items.slice(0, 1), recommendations: items.slice(1),
          offer: sample.withOffer ? opts.offer : undefined, library: [block, ...others], forcedIds: [block.id],
        }));
        runs.push({ profile: s.id, channel, variant: v.id, ok: r.qa.ok, reasons: r.qa.reasons, content: r.content, blockIds: r.blockIds, arm: r.arm, ...(r.qa.sms ? { sms: r.qa.sms } : {}) });
      }
    }
  }
  return summarize(runs);
}
