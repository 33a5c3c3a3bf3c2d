/**
 * The baseline policies, simulated inside the simulator (not through Braid, for speed: they need
 * no learning, and their rules are exactly what a retailer's ESP would run). Braid's policy is the
 * one that runs through Braid itself (simulator.driver.ts). Each policy sees only what a retailer
 * sees (the events), never the hidden traits.
 *
 * - none:  nobody is contacted (the ground-truth counterfactual).
 * - blast: a weekly 20%-off email to everyone who consented (and has not unsubscribed).
 * - rules: cart recovery one hour after an abandoned checkout with a fixed 10% code, and a fixed
 *          replenishment reminder 30 days after an order with a consumable.
 */
import type { SimEvent, SimMessage } from './simulator.types.ts';

export type BaselineName = 'none' | 'blast' | 'rules';
export const BASELINES: readonly BaselineName[] = ['none', 'blast', 'rules'];

export interface Planned { shopper: number; hour: number; msg: SimMessage }

/** What a retailer knows of a shopper: consent as given, unsubscribed after a click on the link. */
export interface Audience { consented(i: number): boolean }

export interface BaselinePolicy {
  name: BaselineName;
  /** Reads the hour's events; returns messages to send (at their hour, now or later). */
  observe(events: readonly SimEvent[], hour: number, audience: Audience, shoppers: number): Planned[];
}

const DAY_H = 24;

export function createBaseline(name: BaselineName, opts: { policyStartHour: number; consumables: ReadonlySet<string> }): BaselinePolicy {
  if (name === 'none') return { name, observe: () => [] };
  if (name === 'blast') {
    return {
      name,
      observe(_events, hour, audience, shoppers) {
        // Weekly from the policy's first day, at 10:00: one email, 20% off, to everyone consented.
        if (hour < opts.policyStartHour || (hour - opts.policyStartHour) % (7 * DAY_H) !== 10) return [];
        const out: Planned[] = [];
        for (let i = 0; i < shoppers; i++) {
          if (audience.consented(i)) out.push({ shopper: i, hour, msg: { channel: 'email', offerPct: 20, reassurance: false, productIds: [], source: 'blast' } });
        }
        return out;
      },
    };
  }
  // rules
  const openCarts = new Map<string, { shopper: number; hour: number; productIds: string[] }>();
  return {
    name,
    observe(events, hour, audience) {
      const out: Planned[] = [];
      for (const e of events) {
        const p = e.properties ?? {};
        if (e.event === 'Checkout Started') {
          const products = (p.products as Array<{ product_id: string }> | undefined) ?? [];
          openCarts.set(String(p.order_id), { shopper: e.shopper, hour: e.hour, productIds: products.map((x) => x.product_id) });
        } else if (e.event === 'Order Completed') {
          openCarts.delete(String(p.order_id));
          const products = (p.products as Array<{ product_id: string }> | undefined) ?? [];
          const consumable = products.find((x) => opts.consumables.has(x.product_id));
          if (consumable && e.hour >= opts.policyStartHour - 30 * DAY_H && audience.consented(e.shopper)) {
            out.push({ shopper: e.shopper, hour: Math.max(opts.policyStartHour, e.hour + 30 * DAY_H), msg: { channel: 'email', offerPct: 0, reassurance: false, productIds: [consumable.product_id], source: 'rules:replenishment' } });
          }
        }
      }
      // Carts abandoned for an hour: one email with the cart and a fixed 10% code.
      for (const [id, c] of openCarts) {
        if (hour - c.hour < 1) continue;
        openCarts.delete(id);
        if (hour >= opts.policyStartHour && audience.consented(c.shopper)) out.push({ shopper: c.shopper, hour, msg: { channel: 'email', offerPct: 10, reassurance: false, productIds: c.productIds, source: 'rules:cart_recovery' } });
      }
      return out;
    },
  };
}
