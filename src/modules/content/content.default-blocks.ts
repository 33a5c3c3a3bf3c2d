/**
 * The block library a fresh install starts with (seeded when the table is empty). It covers the
 * themes of every default decisioning action (returns, warranty, shipping, sizing, guarantee,
 * reviews, specs, faq, bundle, novelty), the offer kinds, and the playbooks' hooks and calls to
 * action, with a generic block of every kind so no template is left without one.
 *
 * Texts meant for SMS stay in the GSM-7 alphabet (straight apostrophes, no emoji), and claims
 * that need a disclosure ("free returns", "2-year warranty", "satisfaction guarantee") live only
 * in blocks for channels that carry the matching disclosure block (email, in_app, webhook).
 */
import type { BlockInput, BlockKind } from './content.types.ts';

type Tags = Partial<BlockInput['tags']>;
const MESSAGES = ['email', 'sms', 'push'] as const;
const LONG_FORM = ['email', 'in_app', 'webhook'] as const;
const ON_SITE = ['in_app', 'webhook'] as const;

const b = (id: string, kind: BlockKind, text: string, tags: Tags = {}, variants: Array<[string, string]> = []): BlockInput => ({
  id, kind, text, status: 'active', note: 'Braid default',
  tags: { funnelStages: [], channels: [], locale: 'en', speaksTo: [], themes: [], ...tags },
  variants: variants.map(([vid, vtext]) => ({ id: vid, text: vtext })),
});

const NAME = '{{ profile.first_name | default: "there" }}';
const OFFERS = ['percent_off', 'amount_off', 'free_shipping', 'bundle', 'gift'];

export const DEFAULT_BLOCKS: BlockInput[] = [
  // hooks: one per playbook (themed), preference-led ones, and a generic fallback
  b('blk_hook_generic', 'hook', `Hi ${NAME}, we picked a few things for you.`, {}, [['short', 'Picked for you']]),
  b('blk_hook_cart', 'hook', `Hi ${NAME}, you left something in your cart.`, { funnelStages: ['cart'], themes: ['cart_recovery'] }, [['saved', 'Still thinking it over? Your cart is saved.']]),
  b('blk_hook_browse', 'hook', 'Still looking? The things you viewed are waiting for you.', { funnelStages: ['consideration'], themes: ['browse_abandonment'] }, [['named', `${NAME}, take another look at what caught your eye.`]]),
  b('blk_hook_replenish', 'hook', 'Running low? Time to restock your favourites.', { funnelStages: ['retention'], themes: ['replenishment'] }, [['named', `${NAME}, it may be time to reorder.`]]),
  b('blk_hook_cross_sell', 'hook', 'Goes great with your recent order.', { funnelStages: ['post_purchase'], themes: ['cross_sell'] }, [['complete', 'Complete your look with these picks.']]),
  b('blk_hook_welcome', 'hook', 'Welcome to {{ store.name }}, {{ profile.first_name | default: "friend" }}!', { funnelStages: ['awareness'], themes: ['welcome'] }),
  b('blk_hook_winback', 'hook', `We miss you, ${NAME}. Here is what's new.`, { funnelStages: ['winback'], themes: ['win_back'] }, [['new', "It's been a while. Come see what's new."]]),
  b('blk_hook_back_in_stock', 'hook', "Good news: it's back in stock.", { themes: ['back_in_stock'] }, [['hurry', "It's back, and stock is limited."]]),
  b('blk_hook_price_drop', 'hook', 'Good news: a price you watched just dropped.', { themes: ['price_drop'] }),
  b('blk_hook_offer', 'hook', `${NAME}, enjoy {{ offer.formatted }} on your next order.`, { speaksTo: ['deal_seeking'], themes: OFFERS }),
  b('blk_hook_loyalty', 'hook', `${NAME}, a member perk is waiting for you.`, { themes: ['loyalty_points', 'loyalty_perk'] }),
  b('blk_hook_bundle', 'hook', 'Complete the set and get more from every piece.', { speaksTo: ['bundle_affinity'], themes: ['bundle'] }),
  b('blk_hook_new_arrivals', 'hook', 'New arrivals in the categories you love.', { speaksTo: ['novelty_seeking'], themes: ['novelty'] }),
  b('blk_hook_expert', 'hook', 'Expert picks, chosen with you in mind.', { speaksTo: ['trusts_experts'], themes: ['reviews', 'specs'] }),
  b('blk_hook_gift', 'hook', 'Looking for a gift? These are easy to love.', { speaksTo: ['gift_buyer'] }),

  // proof points
  b('blk_proof_generic', 'proof_point', 'Chosen by shoppers with tastes like yours.', { channels: [...LONG_FORM] }),
  b('blk_proof_reviews', 'proof_point', 'Read what customers who bought it say in their reviews.', { speaksTo: ['trusts_reviews', 'trusts_experts'], themes: ['reviews'], channels: [...LONG_FORM] }),
  b('blk_proof_specs', 'proof_point', 'Made from carefully chosen materials; every detail is in the full specifications.', { speaksTo: ['quality_over_price', 'research_depth'], themes: ['specs'], channels: [...LONG_FORM] }),
  b('blk_proof_bundle', 'proof_point', 'Pieces designed to work together: the set does more than any one item alone.', { speaksTo: ['bundle_affinity'], themes: ['bundle'], channels: [...LONG_FORM] }),
  b('blk_proof_sustainable', 'proof_point', 'Made with responsibly sourced materials.', { speaksTo: ['sustainability'], channels: [...LONG_FORM] }),
  b('blk_proof_loyalty', 'proof_point', 'Every order earns points toward your next reward.', { speaksTo: ['brand_loyalty'], themes: ['loyalty_points', 'loyalty_perk'], channels: [...LONG_FORM] }),
  b('blk_proof_routine', 'proof_point', 'Reorder in one click and never run out.', { speaksTo: ['routine_fit'], funnelStages: ['retention', 'post_purchase'], channels: [...LONG_FORM] }),

  // objection handlers
  b('blk_objection_generic', 'objection_handler', 'Questions? Reply to this message and our team will help.', { channels: ['email'] }),
  b('blk_objection_onsite', 'objection_handler', 'Questions? Our team is happy to help.', { channels: [...ON_SITE] }),
  b('blk_objection_faq', 'objection_handler', 'Answers to the most common questions are on the product page.', { speaksTo: ['research_depth', 'novelty_seeking'], themes: ['faq'], channels: [...LONG_FORM] }),
  b('blk_objection_fit', 'objection_handler', 'Not sure about the size? Our size guide shows how each piece fits.', { speaksTo: ['fit_concerns'], themes: ['sizing'], channels: [...LONG_FORM] }),
  b('blk_objection_advice', 'objection_handler', 'Want advice? Our team can help you choose.', { speaksTo: ['wants_advice'], channels: [...LONG_FORM] }),

  // reassurance (risk reducers)
  b('blk_reassure_generic', 'reassurance', 'Secure checkout, and friendly support if you need it.', { channels: [...LONG_FORM] }),
  b('blk_reassure_returns', 'reassurance', "Free returns: if it's not right, send it back.", { speaksTo: ['returns_anxiety'], themes: ['returns'], channels: [...LONG_FORM] }, [['easy', 'Changed your mind? Free returns make it easy.']]),
  b('blk_reassure_guarantee', 'reassurance', 'Covered by our satisfaction guarantee.', { speaksTo: ['returns_anxiety'], themes: ['guarantee'], channels: [...ON_SITE] }),
  b('blk_reassure_warranty', 'reassurance', 'Every purchase comes with a 2-year warranty.', { speaksTo: ['quality_over_price'], themes: ['warranty'], channels: [...LONG_FORM] }),
  b('blk_reassure_shipping', 'reassurance', "Order today and you'll see your delivery date before you pay.", { speaksTo: ['shipping_speed'], themes: ['shipping'], channels: [...LONG_FORM] }),
  b('blk_reassure_sizing', 'reassurance', 'Size advice from our team is one message away.', { speaksTo: ['fit_concerns'], themes: ['sizing'], channels: [...LONG_FORM] }),

  // calls to action
  b('blk_cta_generic', 'cta', 'Shop now', { channels: [...MESSAGES, ...ON_SITE] }, [['see', 'See the picks']]),
  b('blk_cta_cart', 'cta', 'Return to your cart', { funnelStages: ['cart'], themes: ['cart_recovery'] }, [['complete', 'Complete your order']]),
  b('blk_cta_browse', 'cta', 'Take another look', { funnelStages: ['consideration'], themes: ['browse_abandonment', 'back_in_stock', 'price_drop'] }),
  b('blk_cta_restock', 'cta', 'Reorder now', { funnelStages: ['retention'], themes: ['replenishment'] }),
  b('blk_cta_cross_sell', 'cta', 'Complete the set', { funnelStages: ['post_purchase'], themes: ['cross_sell', 'bundle'] }),
  b('blk_cta_welcome', 'cta', 'Start exploring', { funnelStages: ['awareness'], themes: ['welcome'] }),
  b('blk_cta_winback', 'cta', "See what's new", { funnelStages: ['winback'], themes: ['win_back', 'novelty'] }),
  b('blk_cta_offer', 'cta', 'Use your {{ offer.formatted }}', { speaksTo: ['deal_seeking'], themes: OFFERS }),

  // disclosures: assembled when a chosen block or the offer shares their theme
  b('blk_disclose_returns', 'disclosure', 'Free returns within 30 days of delivery; items must be unused and in their original packaging.', { themes: ['returns'], channels: [...LONG_FORM] }),
  b('blk_disclose_guarantee', 'disclosure', 'Satisfaction guarantee: a full refund within 30 days of delivery, as described in our returns policy.', { themes: ['guarantee'], channels: [...LONG_FORM] }),
  b('blk_disclose_warranty', 'disclosure', 'The 2-year warranty covers manufacturing defects; terms apply.', { themes: ['warranty'], channels: [...LONG_FORM] }),
  b('blk_disclose_offer', 'disclosure', '{{ offer.name }}: valid once per customer and not combinable with other offers.', { themes: OFFERS, channels: [...LONG_FORM] }),
  b('blk_disclose_loyalty', 'disclosure', 'Points are credited once your order ships.', { themes: ['loyalty_points', 'loyalty_perk'], channels: [...LONG_FORM] }),
];

/**
 * Block ids for decisioning's default actions (decisioning.defaults.ts leaves `blockIds` empty
 * today; the lead may copy these in). Assembly also matches an action's theme to block themes,
 * so the right blocks are chosen even while the ids are not set.
 */
export const DEFAULT_ACTION_BLOCKS: Record<string, string[]> = {
  mod_reviews: ['blk_proof_reviews'],
  mod_specs: ['blk_proof_specs'],
  mod_guarantee: ['blk_reassure_guarantee', 'blk_disclose_guarantee'],
  mod_faq: ['blk_objection_faq'],
  mod_fit: ['blk_objection_fit'],
  mod_bundle: ['blk_proof_bundle', 'blk_hook_bundle'],
  rr_free_returns: ['blk_reassure_returns', 'blk_disclose_returns'],
  rr_warranty: ['blk_reassure_warranty', 'blk_disclose_warranty'],
  rr_shipping: ['blk_reassure_shipping'],
  rr_sizing: ['blk_reassure_sizing'],
  assoc_new_arrivals: ['blk_hook_new_arrivals'],
};
