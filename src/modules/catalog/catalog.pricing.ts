/**
 * Price versioning and margin math, in cents. No I/O: the store loads the version in force and
 * the service asks these functions whether a new version is due.
 */

/** Price, sale price, cost and currency of a variant as in force over some interval. */
export interface PriceState {
  priceCents: number;
  saleCents: number | null;
  costCents: number | null;
  currency: string;
}

/**
 * A requested change. `undefined` leaves a field as it is; `null` clears sale price or cost.
 * Patch semantics because price and cost often come from different systems (storefront vs ERP):
 * a storefront sync that knows nothing about cost must not wipe it.
 */
export interface PricePatch {
  priceCents?: number;
  saleCents?: number | null;
  costCents?: number | null;
  currency?: string;
}

export function isEmptyPatch(p: PricePatch): boolean {
  return p.priceCents === undefined && p.saleCents === undefined && p.costCents === undefined && p.currency === undefined;
}

export type MergeResult = { ok: true; state: PriceState } | { ok: false; missing: 'price' | 'currency' };

/** Applies a patch to the state in force (if any). A first version needs a price and a currency. */
export function mergePrice(current: PriceState | undefined, patch: PricePatch): MergeResult {
  const priceCents = patch.priceCents ?? current?.priceCents;
  if (priceCents === undefined) return { ok: false, missing: 'price' };
  const currency = patch.currency ?? current?.currency;
  if (currency === undefined) return { ok: false, missing: 'currency' };
  return {
    ok: true,
    state: {
      priceCents,
      currency,
      saleCents: patch.saleCents !== undefined ? patch.saleCents : current?.saleCents ?? null,
      costCents: patch.costCents !== undefined ? patch.costCents : current?.costCents ?? null,
    },
  };
}

export function samePrice(a: PriceState, b: PriceState): boolean {
  return a.priceCents === b.priceCents && a.saleCents === b.saleCents && a.costCents === b.costCents && a.currency === b.currency;
}

/**
 * Whether applying `patch` at a moment whose state in force is `current` needs a new version:
 * never for identical values, so re-posting a feed leaves history untouched.
 */
export function needsVersion(current: PriceState | undefined, next: PriceState): boolean {
  return current === undefined || !samePrice(current, next);
}

/**
 * What the shopper pays: the sale price when there is one below the regular price. A sale price
 * at or above the price is ignored, as Merchant Center does, rather than raising the price.
 */
export function effectiveCents(s: PriceState): number {
  return s.saleCents !== null && s.saleCents < s.priceCents ? s.saleCents : s.priceCents;
}

export interface Margin {
  /** Effective price minus cost, in cents; null when the cost is unknown. */
  marginCents: number | null;
  /** Margin as a fraction of the effective price (0.4 = 40 %), 4 decimals; null when unknown or price 0. */
  marginRate: number | null;
}

export function marginOf(s: PriceState): Margin {
  if (s.costCents === null) return { marginCents: null, marginRate: null };
  const eff = effectiveCents(s);
  const marginCents = eff - s.costCents;
  return { marginCents, marginRate: eff === 0 ? null : Math.round((marginCents / eff) * 10_000) / 10_000 };
}

export interface Versioned<T> { validFrom: number; value: T }

/**
 * The version in force at `atMs`: the latest one starting at or before it. Input in any order.
 * The store answers this in SQL; this is the same rule for in-memory readers (a catalog cache).
 */
export function versionAt<T>(versions: readonly Versioned<T>[], atMs: number): Versioned<T> | undefined {
  let best: Versioned<T> | undefined;
  for (const v of versions) if (v.validFrom <= atMs && (!best || v.validFrom > best.validFrom)) best = v;
  return best;
}
