/** Public types of the associates module: the store associate's next-best answer. */

/** A short sentence an associate can open with, and the data it rests on. */
export interface Starter {
  basis: 'cart' | 'wishlist' | 'replenishment' | 'category' | 'preference' | 'generic';
  text: string;
  productId?: string;
  preference?: string;
}

export interface CustomerSummary {
  profileId: string;
  firstName: string | null;
  valueTier: 'high' | 'low' | null;
  lifecycle: string | null;
  /** Predicted customer lifetime value over the traits horizon (traits.clv.expectedValue). */
  clv: number | null;
  lastOrder: { orderId: string; at: string; revenue: number; currency: string; items: number } | null;
}

export interface StoreRecommendation {
  productId: string;
  title: string | null;
  price: number;
  /** Why it is suggested (the recommender's reason), always in stock at this store. */
  why: string;
}

export interface NextBest {
  store: { id: string; name: string };
  /** False without `personalization` consent: then nothing personal is shown. */
  personalized: boolean;
  /** Why the answer is (not) personal, for the associate. */
  note: string;
  customer: CustomerSummary | null;
  conversationStarters: Starter[];
  recommendations: StoreRecommendation[];
}

export interface AssociatesService {
  /** 400 naming `store` for an unknown location; 404 naming the ref for an unknown shopper. */
  nextBest(ref: string, storeId: string, opts?: { count?: number }): Promise<NextBest>;
}
