export interface TraitMeta { at: string; messageId: string; call: string; library?: string }

export interface CartItem {
  key: string; productId?: string; variantId?: string; sku?: string; name?: string;
  price?: number; quantity: number; category?: string; brand?: string; addedAt: string;
}

export interface ViewItem { productId: string; name?: string; price?: number; category?: string; at: string }

/** Counters of the current session (30 minutes of inactivity ends it): hesitation signals. */
export interface SessionSignals {
  startedAt: string; lastAt: string; cartEdits: number; couponAttempts: number; backtracks: number; views: string[];
}

export interface Signals {
  session?: SessionSignals;
  totals: Record<string, number>;
  lastSearch?: { query: string; at: string };
  checkout?: { checkoutId?: string; value?: number; at: string };
  groups?: string[];
}

export interface OrderSummary {
  count: number; revenue: number; refunds: number; firstOrderAt: string | null; lastOrderAt: string | null;
}

export interface ProfileState {
  id: string;
  userId: string | null;
  createdAt: string;
  updatedAt: string;
  firstSeenAt: string;
  lastSeenAt: string;
  eventCount: number;
  traits: Record<string, unknown>;
  traitMeta: Record<string, TraitMeta>;
  cart: { cartId?: string; items: CartItem[]; updatedAt?: string };
  recentViews: ViewItem[];
  wishlist: Array<{ productId: string; at: string }>;
  signals: Signals;
  orders: OrderSummary;
}

export interface OrderRow {
  orderId: string; profileId: string; kind: 'order' | 'refund'; status: string;
  revenue: number; discount: number; shipping: number; tax: number; refunded: number;
  currency: string; coupon: string | null; items: unknown[]; at: string; messageId: string; seq: number;
}

export function emptyProfile(id: string, at: string, createdAt: string): ProfileState {
  return {
    id, userId: null, createdAt, updatedAt: createdAt, firstSeenAt: at, lastSeenAt: at, eventCount: 0,
    traits: {}, traitMeta: {}, cart: { items: [] }, recentViews: [], wishlist: [],
    signals: { totals: {} }, orders: { count: 0, revenue: 0, refunds: 0, firstOrderAt: null, lastOrderAt: null },
  };
}
