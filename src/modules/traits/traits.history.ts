/**
 * The compact inputs traits are computed from, and their conversion from the profiles module's
 * rows. Pure, no I/O. Everything is plain JSON so it can be stored and cached as is.
 */
import type { OrderRow, ProfileState } from '../profiles/index.ts';
import type { Purchase } from './traits.summary.ts';

export interface HistoryItem { key: string; category?: string; brand?: string; name?: string; price?: number; quantity: number }

/** An order or refund, reduced to what traits use. `at` in epoch ms. */
export interface HistoryOrder {
  id: string;
  at: number;
  /** A refund without a known order (Order Refunded for an order Braid never saw). */
  refund: boolean;
  revenue: number;
  refunded: number;
  discount: number;
  coupon: boolean;
  items: HistoryItem[];
}

/** The few profile-state facts traits use (the projection keeps them current). */
export interface ProfileSnapshot {
  couponAttempts: number;
  productViews: number;
  views: Array<{ category?: string; price?: number; at: number }>;
}

/** At most this many orders per profile are kept (the most recent). */
export const MAX_HISTORY = 500;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function itemOf(raw: unknown): HistoryItem | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const key = str(r.productId) ?? str(r.variantId) ?? str(r.sku);
  if (!key) return undefined;
  const item: HistoryItem = { key, quantity: Math.max(1, num(r.quantity) ?? 1) };
  const category = str(r.category); if (category) item.category = category;
  const brand = str(r.brand); if (brand) item.brand = brand;
  const name = str(r.name); if (name) item.name = name;
  const price = num(r.price); if (price !== undefined) item.price = price;
  return item;
}

/** The profile's orders as history, oldest first, the most recent MAX_HISTORY. */
export function historyFromOrders(rows: readonly OrderRow[]): HistoryOrder[] {
  return rows.map((o): HistoryOrder => ({
    id: o.orderId, at: Date.parse(o.at), refund: o.kind === 'refund', revenue: Number(o.revenue), refunded: Number(o.refunded),
    discount: Number(o.discount), coupon: o.coupon !== null && o.coupon !== '',
    items: o.items.map(itemOf).filter((i): i is HistoryItem => i !== undefined),
  })).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1)).slice(-MAX_HISTORY);
}

export function snapshotOf(p: ProfileState): ProfileSnapshot {
  const t = p.signals.totals;
  return {
    couponAttempts: (t.couponsEntered ?? 0) + (t.couponsApplied ?? 0) + (t.couponsDenied ?? 0),
    productViews: t.productViews ?? 0,
    views: p.recentViews.map((v) => ({ ...(v.category ? { category: v.category } : {}), ...(v.price !== undefined ? { price: v.price } : {}), at: Date.parse(v.at) })),
  };
}

export const EMPTY_SNAPSHOT: ProfileSnapshot = { couponAttempts: 0, productViews: 0, views: [] };

/** A purchase is an order not fully refunded (a free order counts). Sorted oldest first. */
export function purchasesOf(history: readonly HistoryOrder[]): HistoryOrder[] {
  return history.filter((o) => !o.refund && (o.revenue <= 0 || o.refunded < o.revenue));
}

/** Purchases as (time, net amount) for the CLV summary. */
export function purchaseAmounts(history: readonly HistoryOrder[]): Purchase[] {
  return purchasesOf(history).map((o) => ({ at: o.at, amount: Math.max(0, o.revenue - o.refunded) }));
}

/** Orders (not standalone refunds) with something refunded, and standalone refunds. */
export function returnedOrders(history: readonly HistoryOrder[]): number {
  return history.filter((o) => o.refund || o.refunded > 0).length;
}
