/**
 * Families: outcomes of one action teach its siblings at the same placement, each action keeps
 * its own level, and lone arms (silence) and other placements are untouched.
 */
import { describe, expect, it } from 'vitest';
import { DIM } from './decisioning.features.ts';
import { familyOf, ModelStore } from './decisioning.hierarchy.ts';
import { predict, sigmoid, updateModel, type ArmPrior } from './decisioning.model.ts';
import { seededRandom } from '../../testing/brain.ts';

const content: ArmPrior = { kind: 'content', lift: 0 };
const cand = (key: string, placement: string, type = 'reassure') => ({ arm: `${key}@${placement}`, type });
const x = (() => { const v = new Float64Array(DIM); v[0] = 1; v[1] = 1; v[3] = 0.6; v[17] = 1; return v; })();
const pOf = (s: ModelStore, c: { arm: string; type: string }, prior: ArmPrior = content) => sigmoid(predict(s.modelOf(c, () => prior), x, 0).z);

describe('action families', () => {
  it('are per action type and placement; silence and the recommender stand alone', () => {
    expect(familyOf(cand('action:rr_returns', 'checkout_assist'), content)).toBe('family:reassure@checkout_assist');
    expect(familyOf(cand('offer:o5', 'email_cart_recovery', 'incentivize'), { kind: 'incentive', lift: 0 })).toBe('family:incentivize@email_cart_recovery');
    expect(familyOf({ arm: 'none@checkout_assist', type: 'none' }, { kind: 'none', lift: 0 })).toBeUndefined();
    expect(familyOf({ arm: 'recommend', type: 'recommend' }, { kind: 'recommend', lift: 0 })).toBeUndefined();
  });

  it('share what one member learns with its siblings at the placement, not elsewhere', () => {
    const s = new ModelStore();
    const a = cand('action:rr_returns', 'checkout_assist'), b = cand('action:rr_warranty', 'checkout_assist');
    const elsewhere = cand('action:rr_returns', 'email_cart_recovery');
    const none = { arm: 'none@checkout_assist', type: 'none' };
    pOf(s, a);
    const before = { b: pOf(s, b), elsewhere: pOf(s, elsewhere), none: pOf(s, none, { kind: 'none', lift: 0 }) };
    for (let i = 0; i < 100; i++) expect(s.learn(a.arm, x, i % 10 < 8 ? 1 : 0, 0, updateModel)).toBe(true); // a converts 80%
    expect(pOf(s, a)).toBeGreaterThan(0.7);
    expect(pOf(s, b)).toBeGreaterThan(before.b + 0.1); // b never shown: learned through the family
    expect(pOf(s, elsewhere)).toBeCloseTo(before.elsewhere, 10);
    // the baseline (silence at the placement) learns how likely this shopper is to buy here anyway
    expect(pOf(s, none, { kind: 'none', lift: 0 })).toBeGreaterThan(before.none + 0.1);
    expect(s.learn('action:unknown@checkout_assist', x, 1, 0, updateModel)).toBe(false);
  });

  it('learn the increment over silence, shrunk toward none', () => {
    const s = new ModelStore();
    const a = cand('action:rr_returns', 'checkout_assist');
    const none = { arm: 'none@checkout_assist', type: 'none' };
    const noneP: ArmPrior = { kind: 'none', lift: 0 };
    pOf(s, a); pOf(s, none, noneP);
    const rng = seededRandom(9);
    // both convert 50%: the learned difference must end near zero, and the two predictions close
    for (let i = 0; i < 4000; i++) { const arm = i % 2 === 0 ? a.arm : none.arm; s.learn(arm, x, rng() < 0.5 ? 1 : 0, 0, updateModel); }
    expect(Math.abs(pOf(s, a) - pOf(s, none, noneP))).toBeLessThan(0.03);
  });

  it('keep each member\'s own level', () => {
    const s = new ModelStore();
    const a = cand('action:rr_returns', 'checkout_assist'), b = cand('action:rr_warranty', 'checkout_assist');
    pOf(s, a); pOf(s, b);
    const rng = seededRandom(5);
    for (let i = 0; i < 3000; i++) {
      const c = i % 2 === 0 ? a : b;
      s.learn(c.arm, x, rng() < (c === a ? 0.6 : 0.4) ? 1 : 0, 0, updateModel);
    }
    expect(pOf(s, a)).toBeGreaterThan(0.53); expect(pOf(s, a)).toBeLessThan(0.67);
    expect(pOf(s, b)).toBeGreaterThan(0.33); expect(pOf(s, b)).toBeLessThan(0.47);
  });
});
