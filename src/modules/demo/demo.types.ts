/**
 * Shapes produced by the demo generator. They mirror the catalog service's input (locations,
 * products with variants, stock levels) structurally, so the demo module needs no catalog import.
 */
export interface DemoLocation { id: string; name: string; type: 'online' | 'store'; timezone?: string }

export interface DemoVariant {
  id: string;
  price: number;
  salePrice?: number;
  cost: number;
  currency: string;
  gtin?: string;
  color?: string;
  size?: string;
  /** Other variant dimensions (scent, pack, device). */
  attributes?: Record<string, string>;
  /** When this price and cost came into force: before the simulated history, so orders can be costed. */
  effectiveAt?: string;
}

export interface DemoProduct {
  id: string;
  title: string;
  brand: string;
  category: string;
  productType: string;
  description: string;
  link: string;
  imageLink: string;
  /** `replenishment_days` on consumables: the typical repurchase cycle. */
  attributes?: Record<string, string | number>;
  variants: DemoVariant[];
}

export interface DemoStock { variantId: string; locationId: string; quantity: number }

/** A Segment-spec message (identify or track) as sent to POST /v1/batch. */
export interface SegmentMessage {
  type: 'identify' | 'track';
  messageId: string;
  timestamp: string;
  userId?: string;
  anonymousId?: string;
  event?: string;
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

export type Department = 'apparel' | 'footwear' | 'home' | 'beauty' | 'electronics';

/** What the shopper simulation knows about a product beyond the catalog record. */
export interface ProductMeta {
  department: Department;
  /** Days between repurchases for consumables; undefined for durable goods. */
  replenishDays?: number;
  popularity: number;
}

export interface DemoCatalog {
  locations: DemoLocation[];
  products: DemoProduct[];
  stock: DemoStock[];
  meta: ProductMeta[];
}

export interface DemoStore {
  locations: DemoLocation[];
  products: DemoProduct[];
  stock: DemoStock[];
  messages: SegmentMessage[];
}
