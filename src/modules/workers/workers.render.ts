/**
 * Content for a worker's send: the content module renders the step's template for the shopper
 * (their preferences pick the blocks, the brain's decision brings products and any offer) and
 * QA-checks it; a message that fails QA is not sent. Only filtered traits reach a template.
 */
import type { ContentService, FunnelStage } from '../content/index.ts';
import { preferenceStrengths } from '../decisioning/index.ts';
import type { OfferService } from '../offers/index.ts';
import type { TraitsService } from '../traits/index.ts';
import type { RenderInput, RenderOutput } from './workers.steps.ts';

const STAGE_BY_TEMPLATE: Record<string, FunnelStage> = {
  cart_recovery: 'cart', browse_abandonment: 'consideration', back_in_stock: 'consideration', price_drop: 'consideration',
  cross_sell: 'post_purchase', welcome: 'post_purchase', replenishment: 'retention', win_back: 'winback',
};

/** Product ids a trigger event names (Segment e-commerce: product_id, or products[].product_id). */
export function eventProducts(props: Record<string, unknown> | undefined): string[] {
  const ids: string[] = [];
  if (!props) return ids;
  if (typeof props.product_id === 'string') ids.push(props.product_id);
  if (Array.isArray(props.products)) for (const p of props.products as Array<Record<string, unknown>>) if (typeof p?.product_id === 'string' && !ids.includes(p.product_id)) ids.push(p.product_id);
  return ids.slice(0, 20);
}

export function createWorkerRenderer(c: { content: ContentService; traits?: TraitsService | undefined; offers?: OfferService | undefined }): (input: RenderInput) => Promise<RenderOutput> {
  return async (input) => {
    // A template that is not live (new and held for approval, rejected, archived or missing) sends
    // nothing: the journey exits at this step as a QA failure naming the template (docs/governance.md).
    if (c.content.getTemplate(input.templateId)?.status !== 'active') {
      return { content: {}, qa: { ok: false, reasons: [{ rule: 'template_not_live', message: `template ${input.templateId} is not live (held for approval, rejected, archived or missing)` }] } };
    }
    const computed = c.traits?.peek(input.profileId);
    const products = eventProducts(input.event?.properties);
    const decided = input.decision?.productIds ?? [];
    const offer = input.decision?.offerId ? c.offers?.get(input.decision.offerId) : undefined;
    const locale = typeof input.traits.locale === 'string' ? input.traits.locale : undefined;
    const currency = typeof input.traits.currency === 'string' ? input.traits.currency : undefined;
    const r = c.content.render({
      templateId: input.templateId, channel: input.channel, locale, currency,
      timezone: typeof input.traits.timezone === 'string' ? input.traits.timezone : undefined,
      profile: {
        id: input.profileId, traits: input.traits, preferences: preferenceStrengths(c.traits?.peekPreferences(input.profileId)),
        lifecycle: computed?.lifecycle, funnelStage: STAGE_BY_TEMPLATE[input.templateId],
      },
      action: input.decision || input.blockIds ? {
        type: (input.decision?.type ?? 'none') as never, theme: input.decision?.theme, productIds: decided, offerId: input.decision?.offerId,
        // The step's (or its arm's) blocks weigh as if the decision had named them.
        blockIds: [...(input.decision?.blockIds ?? []), ...(input.blockIds ?? [])],
      } : undefined,
      products: products.length > 0 ? products : decided.slice(0, 3),
      recommendations: decided.filter((id) => !products.includes(id)),
      offer,
      vars: input.vars,
    });
    return { content: r.content, blockIds: r.blockIds, qa: r.qa, provenance: r.provenance as Record<string, unknown> | undefined };
  };
}
