/**
 * Conversation starters for a store associate: short sentences grounded in what Braid knows of
 * the shopper, each naming the data behind it. Pure: the service passes the profile, traits,
 * preferences and an in-stock test for THIS store. Sensitive traits are never read: the only
 * profile trait used is the first name.
 */
import type { ProfileState } from '../profiles/index.ts';
import type { ComputedTraits, PreferenceView } from '../traits/index.ts';
import type { Starter } from './associates.types.ts';

const DAY = 86_400_000;
/** A refill counts as due from this many days before its predicted date. */
const DUE_AHEAD_DAYS = 7;
/** A declared or inferred preference this strong (0..1, after decay) is worth mentioning. */
const STRONG = 0.6;

export interface StarterInputs {
  profile: ProfileState;
  traits: ComputedTraits | undefined;
  preferences: Record<string, PreferenceView> | undefined;
  storeName: string;
  nowMs: number;
  inStockHere(productId: string): boolean;
  title(productId: string): string | undefined;
}

/** The shopper's first name from common identify traits, or null. */
export function firstNameOf(traits: Record<string, unknown>): string | null {
  for (const k of ['firstName', 'first_name', 'firstname', 'givenName']) {
    const v = traits[k];
    if (typeof v === 'string' && v.trim()) return v.trim().slice(0, 60);
  }
  const name = traits.name;
  if (typeof name === 'string' && name.trim()) return name.trim().split(/\s+/)[0]!.slice(0, 60);
  return null;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Preferences an associate can act on, with what to say. Only ones with a store-side answer. */
const PREFERENCE_STARTERS: Array<{ name: string; when: (v: PreferenceView) => boolean; text: (store: string) => string }> = [
  { name: 'returns_anxiety', when: (v) => typeof v.value === 'number' && v.value >= STRONG, text: (s) => `They worry about returns: mention that ${s} takes returns easily, in store or by post.` },
  { name: 'fit_concerns', when: (v) => typeof v.value === 'number' && v.value >= STRONG, text: () => 'They are often unsure about size and fit: offer to try items on or check sizes together.' },
  { name: 'wants_advice', when: (v) => typeof v.value === 'number' && v.value >= STRONG, text: () => 'They value personal advice: offer a quick consultation.' },
  { name: 'gift_buyer', when: (v) => v.value === true, text: () => 'They often buy gifts: mention gift wrapping and gift receipts.' },
  { name: 'sustainability', when: (v) => typeof v.value === 'number' && v.value >= STRONG, text: () => 'Sustainability matters to them: point out responsibly made options.' },
];

export function buildStarters(i: StarterInputs): Starter[] {
  const out: Starter[] = [];
  const seen = new Set<string>();
  const item = (basis: Starter['basis'], productId: string | undefined, name: string | undefined, text: (n: string) => string) => {
    if (!productId || seen.has(`${basis}:${productId}`) || !i.inStockHere(productId)) return;
    seen.add(`${basis}:${productId}`);
    out.push({ basis, productId, text: text(name ?? i.title(productId) ?? productId) });
  };
  for (const c of i.profile.cart.items) item('cart', c.productId, c.name, (n) => `${n} is in their online cart and in stock here at ${i.storeName}.`);
  for (const w of i.profile.wishlist) item('wishlist', w.productId, undefined, (n) => `${n} is on their wishlist and in stock here at ${i.storeName}.`);

  for (const r of i.traits?.replenishment ?? []) {
    if (!r.key.startsWith('product:')) continue;
    const productId = r.key.slice('product:'.length);
    const due = Date.parse(r.nextDueAt);
    if (!(due - i.nowMs <= DUE_AHEAD_DAYS * DAY)) continue;
    const name = i.title(productId) ?? productId;
    const when = due <= i.nowMs ? 'is due now' : `is due in ${Math.ceil((due - i.nowMs) / DAY)} days`;
    const stock = i.inStockHere(productId) ? ' It is in stock here.' : '';
    out.push({ basis: 'replenishment', productId, text: `They buy ${name} about every ${Math.round(r.intervalDays)} days; a refill ${when}.${stock}` });
  }

  const top = i.traits?.preferredCategories[0];
  if (top && top.share >= 0.25) out.push({ basis: 'category', text: `${top.category} is the category they buy most (${pct(top.share)} of their purchases).` });

  for (const p of PREFERENCE_STARTERS) {
    const v = i.preferences?.[p.name];
    if (v && v.value !== null && v.confidence >= 0.3 && p.when(v)) out.push({ basis: 'preference', preference: p.name, text: p.text(i.storeName) });
  }
  return out;
}
