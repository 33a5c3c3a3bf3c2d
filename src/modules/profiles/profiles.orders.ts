import { isPlainObject } from '../../core/index.ts';
import type { LoggedMessage } from '../events/index.ts';
import { num, productsOf, round2 } from './profiles.state.ts';
import type { OrderRow } from './profiles.types.ts';

/**
 * An order from an Order Completed event (Segment E-commerce v2). Revenue is `revenue`, else
 * `total` less shipping and tax, else the sum of the products' price x quantity.
 */
export function orderFromEvent(m: LoggedMessage, profileId: string): OrderRow {
  const p = isPlainObject(m.properties) ? m.properties : {};
  const items = productsOf(p, m.timestamp);
  const shipping = num(p.shipping) ?? 0, tax = num(p.tax) ?? 0;
  const itemsTotal = items.reduce((s, i) => s + (i.price ?? 0) * i.quantity, 0);
  const total = num(p.total);
  const revenue = num(p.revenue) ?? (total !== undefined ? total - shipping - tax : itemsTotal);
  const orderId = typeof p.order_id === 'string' || typeof p.order_id === 'number' ? String(p.order_id) : m.messageId;
  return {
    orderId, profileId, kind: 'order', status: 'completed',
    revenue: round2(revenue), discount: round2(Math.abs(num(p.discount) ?? 0)), shipping: round2(shipping), tax: round2(tax), refunded: 0,
    currency: typeof p.currency === 'string' ? p.currency.toUpperCase() : 'USD',
    coupon: typeof p.coupon === 'string' ? p.coupon : null,
    items: items.map(({ addedAt: _a, key: _k, ...rest }) => rest),
    at: m.timestamp, messageId: m.messageId, seq: m.seq,
  };
}

/** A refund's amount: `total`, else `revenue`, else its products, else the whole order. */
export function refundAmount(m: LoggedMessage, order: OrderRow | undefined): number {
  const p = isPlainObject(m.properties) ? m.properties : {};
  const explicit = num(p.total) ?? num(p.revenue) ?? num(p.value);
  if (explicit !== undefined) return round2(Math.abs(explicit));
  const items = productsOf(p, m.timestamp);
  if (items.length > 0) return round2(Math.abs(items.reduce((s, i) => s + (i.price ?? 0) * i.quantity, 0)));
  return order ? order.revenue - order.refunded : 0;
}
