/**
 * Assembly: which block of each kind a message uses, and which variant of it.
 *
 * Block choice is a deterministic score over the active blocks that fit the channel, locale
 * (exact, then language, then the library's default locale) and funnel stage:
 *   10 if the decision named the block (action.blockIds), + 2 if it shares a theme with the
 *   template, the action or the offer, + Σ over its speaksTo of max(0, 2·(strength − 0.5)) (a
 *   neutral 0.5 preference adds nothing, a strong 0.9 adds 0.8), + 0.5 for an explicit stage
 *   match, + 0.3 exact / 0.2 language locale match, − 1 when off-topic (it has themes, none
 *   matches, and it speaks to no preference the shopper has); ties go to the lower id.
 * Disclosures are not scored: every fitting disclosure block sharing a theme with a chosen block
 * or the offer's kind is included, so a claim travels with its disclosure.
 *
 * Variant choice (the A/B part) is a bandit over recorded outcomes: with no outcome recorded
 * for a block yet, a deterministic hash of (profile, block) picks the variant, so a shopper sees
 * the same copy on every render; once outcomes exist, Thompson sampling draws θ ~ Beta(1 + reward,
 * 1 + trials − reward) per variant (rewards in [0, 1]) and takes the largest, seeded by
 * (profile, block, time) so a render is reproducible under a fixed clock.
 */
import { hashBucket } from '../experiments/index.ts';
import { createRng, sampleBeta } from '../stats/index.ts';
import { BLOCK_KINDS } from './content.schemas.ts';
import type { Block, BlockKind, ContentChannel, FunnelStage, PreferenceStrengths } from './content.types.ts';

export interface AssemblyContext {
  channel: ContentChannel;
  locale: string;
  defaultLocale: string;
  stage: FunnelStage | undefined;
  themes: string[];
  preferences: PreferenceStrengths;
  /** Blocks the decision named. */
  forcedIds: string[];
  hasOffer: boolean;
  offerKind: string | undefined;
  hasProducts: boolean;
}

export interface VariantStats { trials: number; reward: number }
export interface Chosen { block: Block; variant: string; text: string }

const KIND_RE = new RegExp(`\\bblocks(?:\\.(${BLOCK_KINDS.join('|')})\\b|\\[\\s*["'](${BLOCK_KINDS.join('|')})["']\\s*\\])`, 'g');

/** The block kinds a template's sources refer to, in library order. */
export function kindsUsed(sources: readonly string[]): BlockKind[] {
  const found = new Set<string>();
  for (const s of sources) for (const m of s.matchAll(KIND_RE)) found.add(m[1] ?? m[2]!);
  return BLOCK_KINDS.filter((k) => found.has(k));
}

const kindsByPart = new WeakMap<object, readonly BlockKind[]>();
/** kindsUsed of one channel part of a template (its field sources), scanned once per part object (templates are values too). */
export function kindsOfPart(part: Readonly<Record<string, string>>): readonly BlockKind[] {
  let k = kindsByPart.get(part);
  if (!k) kindsByPart.set(part, k = kindsUsed(Object.values(part)));
  return k;
}

const texts = (b: Block) => [b.text, ...b.variants.map((v) => v.text)];
/**
 * What a block's texts use, scanned once per block: assembly asks for every candidate of every
 * message. Blocks are values (a change replaces the object), so the answer never goes stale.
 */
const needsByBlock = new WeakMap<Block, { offer: boolean; products: boolean }>();
function needsOf(b: Block): { offer: boolean; products: boolean } {
  let n = needsByBlock.get(b);
  if (!n) {
    const t = texts(b);
    n = { offer: t.some((x) => /\boffer\s*\./.test(x)), products: t.some((x) => /\b(products|recommendations)\b/.test(x)) };
    needsByBlock.set(b, n);
  }
  return n;
}
/** A block whose text uses the offer (or products) is only assembled when there is one. */
export const requiresOffer = (b: Block) => needsOf(b).offer;
export const requiresProducts = (b: Block) => needsOf(b).products;

/** How strongly a speaksTo entry ("returns_anxiety", "shipping_speed=fastest") applies, 0..1. */
export function preferenceStrength(entry: string, prefs: PreferenceStrengths): number {
  const [name, want] = entry.split('=') as [string, string | undefined];
  const v = prefs[name];
  if (v === undefined) return 0;
  if (want !== undefined) return want.split('|').includes(String(v)) ? 1 : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Math.max(0, Math.min(1, v));
  return 0.75; // a declared choice: the dimension matters to them
}

export const preferenceScore = (b: Block, prefs: PreferenceStrengths) =>
  b.tags.speaksTo.reduce((s, e) => s + Math.max(0, 2 * (preferenceStrength(e, prefs) - 0.5)), 0);

/** 0.3 exact, 0.2 same language, 0.1 any-locale block, -1 no fit. */
export function localeFit(blockLocale: string, locale: string): number {
  if (blockLocale === '*') return 0.1;
  const b = blockLocale.toLowerCase(), l = locale.toLowerCase();
  if (b === l) return 0.3;
  if (l.startsWith(b + '-') || b.split('-')[0] === l.split('-')[0]) return 0.2;
  return -1;
}

function fits(b: Block, ctx: AssemblyContext, locale: string): number | undefined {
  if (b.status !== 'active') return undefined;
  if (b.tags.channels.length > 0 && !b.tags.channels.includes(ctx.channel)) return undefined;
  const lf = localeFit(b.tags.locale, locale);
  if (lf < 0) return undefined;
  if (requiresOffer(b) && !ctx.hasOffer) return undefined;
  if (requiresProducts(b) && !ctx.hasProducts) return undefined;
  const forced = ctx.forcedIds.includes(b.id);
  const themed = b.tags.themes.some((t) => ctx.themes.includes(t));
  const stages = b.tags.funnelStages;
  const stageMatch = ctx.stage !== undefined && stages.includes(ctx.stage);
  if (!forced && stages.length > 0 && !stageMatch && !(ctx.stage === undefined && themed)) return undefined;
  const pref = preferenceScore(b, ctx.preferences);
  // Off-topic: about a theme nobody asked for and speaking to no preference the shopper has.
  const offTopic = !forced && !themed && pref === 0 && b.tags.themes.length > 0;
  return (forced ? 10 : 0) + (themed ? 2 : 0) + pref + (stageMatch ? 0.5 : 0) + lf - (offTopic ? 1 : 0);
}

function candidates(blocks: readonly Block[], kind: BlockKind, ctx: AssemblyContext): Array<{ b: Block; score: number }> {
  for (const locale of [ctx.locale, ctx.defaultLocale]) {
    const out: Array<{ b: Block; score: number }> = [];
    for (const b of blocks) {
      if (b.kind !== kind) continue;
      const score = fits(b, ctx, locale);
      if (score !== undefined) out.push({ b, score });
    }
    if (out.length > 0) return out.sort((x, y) => y.score - x.score || (x.b.id < y.b.id ? -1 : 1));
  }
  return [];
}

/** The blocks for each kind used: one per kind, every fitting disclosure; a kind with none is absent. */
export function chooseBlocks(blocks: readonly Block[], kinds: readonly BlockKind[], ctx: AssemblyContext): Map<BlockKind, Block[]> {
  const out = new Map<BlockKind, Block[]>();
  for (const kind of kinds) {
    if (kind === 'disclosure') continue;
    const best = candidates(blocks, kind, ctx)[0];
    if (best) out.set(kind, [best.b]);
  }
  if (kinds.includes('disclosure')) {
    const themes = new Set([...[...out.values()].flat().flatMap((b) => b.tags.themes), ...(ctx.offerKind ? [ctx.offerKind] : [])]);
    const ds = candidates(blocks, 'disclosure', ctx).map((c) => c.b).filter((b) => ctx.forcedIds.includes(b.id) || b.tags.themes.some((t) => themes.has(t)));
    if (ds.length > 0) out.set('disclosure', ds.sort((a, b) => (a.id < b.id ? -1 : 1)));
  }
  return out;
}

export const VARIANT_SALT = 'content-variant-v1';

/** Picks a variant id of `block` (see the module comment). */
export function chooseVariant(block: Block, stats: (blockId: string, variant: string) => VariantStats | undefined, unit: string, seed: number): string {
  const ids = ['base', ...block.variants.map((v) => v.id)];
  if (ids.length === 1) return 'base';
  const s = ids.map((id) => stats(block.id, id) ?? { trials: 0, reward: 0 });
  if (s.every((x) => x.trials === 0)) return ids[Math.floor(hashBucket(`${unit}:${block.id}`, VARIANT_SALT) * ids.length)]!;
  const rng = createRng(`${unit}:${block.id}:${seed}`);
  let best = 0, bestDraw = -1;
  s.forEach((x, i) => {
    const draw = sampleBeta(rng, 1 + x.reward, 1 + Math.max(0, x.trials - x.reward));
    if (draw > bestDraw) { bestDraw = draw; best = i; }
  });
  return ids[best]!;
}

export const variantText = (b: Block, variant: string) => (variant === 'base' ? b.text : (b.variants.find((v) => v.id === variant)?.text ?? b.text));

/** "blk_a@base+blk_b@v2": stable, in kind order then id. */
export function armKey(chosen: ReadonlyArray<{ block: Block; variant: string }>): string {
  return chosen.map((c) => `${c.block.id}@${c.variant}`).join('+');
}

export function parseArm(arm: string): Array<{ blockId: string; variant: string }> {
  if (arm === '') return [];
  return arm.split('+').map((part) => {
    const i = part.lastIndexOf('@');
    return i < 0 ? { blockId: part, variant: 'base' } : { blockId: part.slice(0, i), variant: part.slice(i + 1) };
  });
}
