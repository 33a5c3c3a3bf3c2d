/**
 * Risk tiers as pure code: what a template, block, offer or worker version says and does decides
 * whether it publishes on its own (low) or waits for an approver (medium, high). The declared tier
 * is a floor; the content can only raise it. See docs/governance.md for the table.
 */
import { createHash } from 'node:crypto';

export const RISK_TIERS = ['low', 'medium', 'high'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];
export const SUBJECT_KINDS = ['template', 'block', 'offer', 'worker'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** What the owning module knows about one version (everything optional: absent = not applicable). */
export interface RiskFacts {
  kind: SubjectKind;
  /** The tier its author declared (a worker's `riskTier`); the floor. */
  declared?: RiskTier | undefined;
  /** Copy to scan: every Liquid field of a template, a block's text and variants. */
  texts?: readonly string[] | undefined;
  /** Ids of the claims (content rules' claims library) the copy makes: each needs its disclosure. */
  claims?: readonly string[] | undefined;
  /** An offer's depth in percent (percent_off, bundle). */
  discountPct?: number | undefined;
  /** The offer does not exist yet. */
  newOffer?: boolean | undefined;
  /** Shoppers it may reach at once (a worker's segment, schedule or trigger audience), when known. */
  audience?: AudienceEstimate | undefined;
  /** A worker that enters everyone matching a condition on a schedule (a broadcast). */
  broadcast?: boolean | undefined;
  /** A worker whose decisions may carry an incentive (offer). */
  sendsIncentive?: boolean | undefined;
}

/**
 * How many shoppers a version may reach, counted from real data by its owner. `atLeast`: counting
 * stopped once above the threshold (the size is a lower bound). `basis` says what was counted.
 */
export interface AudienceEstimate { size: number; atLeast: boolean; basis: string }

export interface RiskThresholds { maxAutoDiscountPct: number; maxAutoAudience: number }

/** One reason a version is above low: a stable code, the tier it implies, and what triggered it. */
export interface RiskReason { code: string; tier: RiskTier; message: string }

export interface RiskAssessment { tier: RiskTier; declared: RiskTier; reasons: RiskReason[] }

const RANK: Record<RiskTier, number> = { low: 0, medium: 1, high: 2 };
export const maxTier = (a: RiskTier, b: RiskTier): RiskTier => (RANK[a] >= RANK[b] ? a : b);

/**
 * A literal amount of money: "$12.99", "US$ 1,299", "€12,99", "12,99 €", "£5", "EUR 12.99", "12.99 USD".
 * Amounts Liquid prints from the catalog ({{ p.price }}) are not claims the author made: QA checks
 * them against the catalog on every render (price_mismatch).
 */
const MONEY = /(?:(?:US|CA|AU|NZ|HK|S)?[$€£¥]\s?\d|\b(?:USD|EUR|GBP|CAD|AUD|CHF|JPY)\s?\d|\d(?:[.,]\d+)?\s?(?:€|£|\b(?:USD|EUR|GBP|CAD|AUD|CHF|JPY)\b))/;
/** Price comparisons and superlatives that are claims about price even without a number. */
const PRICE_PHRASES = /\b(lowest price|best price|cheapest|price match|price guarantee|half price|was\s+\S+\s+now|compare at|rrp|msrp|never been cheaper|below cost|clearance price)\b/i;
/** "20% off", "save 15%", "-20 %", "20 % Rabatt", "up to 50% off". */
const PERCENT = /(?:-\s?(\d{1,3}(?:[.,]\d+)?)\s?%|(\d{1,3}(?:[.,]\d+)?)\s?%\s?(?:off|rabatt|discount|de réduction|descuento)|save\s+(?:up to\s+)?(\d{1,3}(?:[.,]\d+)?)\s?%)/gi;
/** Claims regulators police (health, safety, environment, efficacy) beyond the disclosure library. */
const REGULATED = /\b(clinically (?:proven|tested)|doctor recommended|dermatologist (?:approved|tested)|fda[- ]approved|hypoallergenic|organic|non[- ]toxic|eco[- ]friendly|biodegradable|sustainable|cures?|weight loss|anti[- ]aging|made in (?:the )?usa)\b/i;

/** Liquid tags and output removed: `{{ x | money }}` is a variable, not a literal amount. */
const literal = (t: string) => t.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, ' ');

export function statedDiscounts(text: string): number[] {
  const out: number[] = [];
  for (const m of literal(text).matchAll(PERCENT)) {
    const raw = m[1] ?? m[2] ?? m[3];
    if (raw !== undefined) out.push(Number(raw.replace(',', '.')));
  }
  return out;
}

export function assessRisk(f: RiskFacts, t: RiskThresholds): RiskAssessment {
  const declared = f.declared ?? 'low';
  const reasons: RiskReason[] = [];
  const add = (code: string, tier: RiskTier, message: string) => { if (!reasons.some((r) => r.code === code)) reasons.push({ code, tier, message }); };
  if (declared !== 'low') add('declared', declared, `declared ${declared} risk by its author`);
  for (const text of f.texts ?? []) {
    const lit = literal(text);
    const money = MONEY.exec(lit);
    if (money) add('price_claim', 'high', `states a price ("${snippet(lit, money.index)}")`);
    const phrase = PRICE_PHRASES.exec(lit);
    if (phrase) add('price_claim', 'high', `makes a price claim ("${phrase[0]}")`);
    const reg = REGULATED.exec(lit);
    if (reg) add('regulated_claim', 'high', `makes a regulated claim ("${reg[0]}")`);
    for (const pct of statedDiscounts(text)) {
      if (pct > t.maxAutoDiscountPct) add('discount_over_depth', 'high', `states a ${pct}% discount, deeper than ${t.maxAutoDiscountPct}%`);
      else add('discount_claim', 'medium', `states a ${pct}% discount`);
    }
  }
  if (f.claims && f.claims.length > 0) add('disclosed_claim', 'medium', `makes claims that need disclosures: ${[...new Set(f.claims)].join(', ')}`);
  if (f.discountPct !== undefined && f.discountPct > t.maxAutoDiscountPct) add('discount_over_depth', 'high', `offers ${f.discountPct}%, deeper than ${t.maxAutoDiscountPct}%`);
  if (f.newOffer) add('new_offer', 'medium', 'a new offer on the menu');
  const a = f.audience;
  if (a && a.size > t.maxAutoAudience) {
    add('audience_size', 'medium', `reaches ${a.atLeast ? 'at least ' : ''}${a.size} shoppers, more than ${t.maxAutoAudience} (${a.basis})`);
  }
  if (f.broadcast) add('broadcast', 'medium', 'enters everyone matching a condition on a schedule');
  if (f.sendsIncentive) add('incentive', 'medium', 'its messages may carry an incentive');
  const tier = reasons.reduce<RiskTier>((acc, r) => maxTier(acc, r.tier), declared);
  return { tier, declared, reasons };
}

function snippet(text: string, at: number): string {
  return text.slice(Math.max(0, at - 10), at + 20).replace(/\s+/g, ' ').trim();
}

/**
 * Whether a low-risk version is drawn for after-the-fact review: a deterministic hash of
 * (kind, subject, version), so every process agrees and a re-submission does not re-draw.
 */
export function sampledForReview(kind: string, subjectId: string, version: number, pct: number): boolean {
  if (pct <= 0) return false;
  if (pct >= 100) return true;
  const h = createHash('sha256').update(`${kind}\u0000${subjectId}\u0000${version}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < pct / 100;
}
