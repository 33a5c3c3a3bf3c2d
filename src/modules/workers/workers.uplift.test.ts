/** Uplift targeting's pure parts: features at entry, the admit decision, training and its evaluation. */
import { describe, expect, it } from 'vitest';
import type { ProfileState } from '../profiles/index.ts';
import type { UpliftSpec } from './workers.types.ts';
import { targetEntry, trainUpliftModel, UPLIFT_FEATURE_SET, UPLIFT_FEATURES, upliftFeatures, type TrainingRow } from './workers.uplift.ts';

const NOW = Date.parse('2026-06-10T00:00:00Z');
const DAY = 86_400_000;
const spec = (patch: Partial<UpliftSpec> = {}): UpliftSpec => ({ minScore: 0.1, outcome: 'conversion', model: 'two_model', explorePct: 10, minUnits: 40, retrainMs: DAY, ...patch });

/** Two segments told apart by `orders`: uplift +0.6 (persuadables) and −0.6 (sleeping dogs), as in the e2e test. */
function rows(n: number): TrainingRow[] {
  const out: TrainingRow[] = [];
  for (let i = 0; i < n; i++) {
    const dog = i % 2 === 1, treated = Math.floor(i / 2) % 2 === 0, likely = Math.floor(i / 4) % 5 !== 0;
    const buys = dog ? (treated ? !likely : likely) : (treated ? likely : !likely);
    const f = new Array<number>(UPLIFT_FEATURES.length).fill(0);
    f[0] = dog ? Math.log1p(3) : 0; f[2] = dog ? 0 : 1;
    out.push({ profileId: `prf_${i}`, treated, features: f, orders: buys ? 1 : 0, revenue: buys ? 50 : 0 });
  }
  return out;
}
const half = (id: string) => Number(id.slice(4)) % 8 < 4;

describe('uplift features', () => {
  it('measures behaviour only, and never reads traits', () => {
    const at = new Date(NOW - 10 * DAY).toISOString();
    const p: ProfileState = {
      id: 'prf_1', userId: null, createdAt: at, updatedAt: at, firstSeenAt: at, lastSeenAt: at, eventCount: 9, traits: {}, traitMeta: {},
      cart: { items: [{ key: 'a', price: 20, quantity: 2, addedAt: '' }] }, recentViews: [], wishlist: [], signals: { totals: {} },
      orders: { count: 3, revenue: 200, refunds: 50, firstOrderAt: null, lastOrderAt: new Date(NOW - 4 * DAY).toISOString() },
    };
    const f = upliftFeatures(p, NOW);
    expect(Object.fromEntries(UPLIFT_FEATURES.map((k, i) => [k, f[i]]))).toEqual({
      orders: 1.3863, net_revenue: 5.0173, never_ordered: 0, days_since_last_order: 4, days_since_first_seen: 10, events: 2.3026,
      cart_value: 3.7136, cart_items: 1, recent_views: 0, wishlist: 0, refund_share: 0.25,
    });
    p.traits = { ethnicity: 'x', health: 'y', tier: 'gold' };
    expect(upliftFeatures(p, NOW)).toEqual(f);
    expect(upliftFeatures(undefined, NOW)).toHaveLength(UPLIFT_FEATURES.length);
  });
});

describe('training and targeting', () => {
  it('trains on one half, measures on the other, and admits by the threshold (exploring below it)', () => {
    const out = trainUpliftModel('wkr_x', rows(400), spec(), NOW, half);
    if (!out.model) throw new Error(out.reason);
    const m = out.model;
    expect(m).toMatchObject({ workerId: 'wkr_x', trainedAt: NOW, featureSet: UPLIFT_FEATURE_SET, outcome: 'conversion' });
    expect(m.evaluation.train.units + m.evaluation.test.units).toBe(400);
    expect(m.evaluation.upliftAdmitted).toBeCloseTo(0.6, 1);
    expect(m.evaluation.upliftSkipped).toBeCloseTo(-0.6, 1);
    expect(m.evaluation.admittedShare).toBeCloseTo(0.5, 1);
    const persuadable = rows(4)[0]!.features, dog = rows(4)[1]!.features;
    expect(targetEntry(spec(), m, persuadable, 0.99)).toMatchObject({ admitted: 'score', modelAt: NOW });
    expect(targetEntry(spec(), m, dog, 0.99)).toBeNull();
    expect(targetEntry(spec(), m, dog, 0.05)).toMatchObject({ admitted: 'explore' }); // below explorePct 10%
    expect(targetEntry(spec({ explorePct: 0 }), m, dog, 0)).toBeNull();
    // No model, or one trained for another outcome or method: everyone enters, unscored.
    expect(targetEntry(spec(), undefined, dog, 0.99)).toMatchObject({ admitted: 'no_model', score: null });
    expect(targetEntry(spec({ outcome: 'revenue' }), m, dog, 0.99)).toMatchObject({ admitted: 'no_model' });
    expect(targetEntry(spec({ model: 'transformed_outcome' }), m, dog, 0.99)).toMatchObject({ admitted: 'no_model' });
  });
  it('fits the transformed outcome on revenue too', () => {
    const out = trainUpliftModel('wkr_x', rows(400), spec({ model: 'transformed_outcome', outcome: 'revenue', minScore: 5 }), NOW, half);
    if (!out.model) throw new Error(out.reason);
    expect(out.model.params.method).toBe('transformed_outcome');
    expect(out.model.evaluation.upliftAdmitted).toBeCloseTo(30, -1); // +0.6 × $50
    expect(targetEntry(spec({ model: 'transformed_outcome', outcome: 'revenue', minScore: 5 }), out.model, rows(4)[1]!.features, 0.99)).toBeNull();
  });
  it('does not train without enough closed journeys per arm in each half', () => {
    const out = trainUpliftModel('wkr_x', rows(60), spec({ minUnits: 40 }), NOW, half);
    expect(out.model).toBeNull();
    if (out.model === null) expect(out.reason).toMatch(/needs 20 closed journeys per arm in each half/);
  });
});
