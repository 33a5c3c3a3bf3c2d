import { describe, expect, it } from 'vitest';
import { assignArm } from '../experiments/index.ts';
import { armedStep, assignArms, experimentsOf, nextLocalHour } from './workers.arms.ts';
import { parseWorkerDefinition, workerFacts } from './workers.definition.ts';
import { localHour } from './workers.guardrails.ts';
import type { SendStep, WaitStep } from './workers.types.ts';

const doc = (steps: unknown[]) => ({ id: 'wkr_ab', name: 'AB', trigger: { type: 'event', event: 'Checkout Started' }, steps });
const send = { id: 'mail', type: 'send', channel: 'email', template: 'cart_recovery' };

describe('worker arms', () => {
  it('parses arms as the step with each arm\'s overrides, and shares an experiment across steps', () => {
    const d = parseWorkerDefinition(doc([
      { id: 'pick', type: 'decide', placement: 'email_cart_recovery', experiment: 'promo', arms: [{ name: 'plain', weight: 2, offer: 'none' }, { name: 'ten', weight: 1, offer: 'off_10' }] },
      { id: 'pause', type: 'wait', duration: '1h', arms: [{ name: 'short' }, { name: 'long', duration: '1d' }] },
      { ...send, experiment: 'promo', arms: [{ name: 'plain', weight: 2 }, { name: 'ten', weight: 1, template: 'cart_urgent', sendHour: 19, blocks: ['blk_a'] }] },
    ]));
    expect(experimentsOf(d.steps)).toEqual([
      { key: 'promo', steps: ['pick', 'mail'], arms: [{ name: 'plain', weight: 2 }, { name: 'ten', weight: 1 }] },
      { key: 'pause', steps: ['pause'], arms: [{ name: 'short', weight: 1 }, { name: 'long', weight: 1 }] },
    ]);
    const mail = d.steps[2] as SendStep;
    expect(armedStep(mail, { promo: 'ten' })).toMatchObject({ template: 'cart_urgent', sendHour: 19, blocks: ['blk_a'], channel: 'email' });
    expect(armedStep(mail, { promo: 'plain' }).template).toBe('cart_recovery');
    expect(armedStep(mail, null)).toBe(mail); // held out: the step as written
    expect((armedStep(d.steps[1] as WaitStep, { pause: 'long' })).durationMs).toBe(86_400_000);
    expect(workerFacts(d).sendsIncentive).toBe(true); // an arm names an offer
  });

  it('assigns by the salted hash in weight proportion, the same on every call', () => {
    const d = parseWorkerDefinition(doc([{ ...send, arms: [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }] }]));
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 4000; i++) {
      const arms = assignArms(d, `prf_${i}`, 'salt')!;
      expect(arms).toEqual(assignArms(d, `prf_${i}`, 'salt'));
      expect(arms.mail).toBe(assignArm(`prf_${i}`, 'salt:worker:wkr_ab:arm:mail', [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }]));
      counts[arms.mail!]!++;
    }
    expect(counts.b! / 4000).toBeGreaterThan(0.72);
    expect(counts.b! / 4000).toBeLessThan(0.78);
    expect(assignArms(parseWorkerDefinition(doc([send])), 'prf_1', 'salt')).toBeNull();
  });

  it('names the bad field', () => {
    const bad = (step: Record<string, unknown>) => () => parseWorkerDefinition(doc([step]));
    expect(bad({ ...send, arms: [{ name: 'a' }] })).toThrow(/^steps\[0\]\.arms: must be a list of 2 to 10/);
    expect(bad({ ...send, arms: [{ name: 'a' }, { name: 'a' }] })).toThrow(/^steps\[0\]\.arms\[1\]\.name: "a" is used twice/);
    expect(bad({ ...send, arms: [{ name: 'A b' }, { name: 'c' }] })).toThrow(/^steps\[0\]\.arms\[0\]\.name/);
    expect(bad({ ...send, arms: [{ name: 'holdout' }, { name: 'c' }] })).toThrow(/^steps\[0\]\.arms\[0\]\.name: "holdout" is reserved/);
    expect(bad({ ...send, arms: [{ name: 'a', weight: 0 }, { name: 'b' }] })).toThrow(/^steps\[0\]\.arms\[0\]\.weight: must be a positive number/);
    expect(bad({ ...send, arms: [{ name: 'a', weight: -1 }, { name: 'b' }] })).toThrow(/^steps\[0\]\.arms\[0\]\.weight/);
    expect(bad({ ...send, arms: [{ name: 'a' }, { name: 'b', duration: '1h' }] })).toThrow(/^steps\[0\]\.arms\[1\]\.duration: cannot be varied by an arm of a send step/);
    expect(bad({ ...send, arms: [{ name: 'a' }, { name: 'b', offer: 'off_10' }] })).toThrow(/^steps\[0\]\.arms\[1\]\.offer/);
    expect(bad({ ...send, arms: [{ name: 'a' }, { name: 'b', sendHour: 25 }] })).toThrow(/^steps\[0\]\.arms\[1\]\.sendHour/);
    expect(bad({ ...send, arms: [{ name: 'a' }, { name: 'b', timing: 'later' }] })).toThrow(/^steps\[0\]\.arms\[1\]\.timing/);
    expect(bad({ id: 'w', type: 'wait', duration: '1h', arms: [{ name: 'a' }, { name: 'b', duration: 'soon' }] })).toThrow(/^steps\[0\]\.arms\[1\]\.duration/);
    expect(bad({ id: 'p', type: 'decide', placement: 'x', arms: [{ name: 'a', offer: 'none', maxDiscountPct: 10 }, { name: 'b' }] })).toThrow(/^steps\[0\]\.arms\[0\]\.maxDiscountPct/);
    expect(bad({ id: 'p', type: 'decide', placement: 'x', arms: [{ name: 'a', maxDiscountPct: 120 }, { name: 'b' }] })).toThrow(/^steps\[0\]\.arms\[0\]\.maxDiscountPct/);
    expect(bad({ id: 'x', type: 'exit', arms: [{ name: 'a' }, { name: 'b' }] })).toThrow(/^steps\[0\]\.arms: an exit step cannot have arms/);
    expect(bad({ ...send, experiment: 'promo' })).toThrow(/^steps\[0\]\.experiment/);
    expect(() => parseWorkerDefinition(doc([
      { id: 'w', type: 'wait', duration: '1h', experiment: 'e', arms: [{ name: 'a' }, { name: 'b' }] },
      { ...send, experiment: 'e', arms: [{ name: 'a' }, { name: 'c' }] },
    ]))).toThrow(/^steps\[1\]\.arms: must list the same arm names and weights, in the same order, as steps\[0\]\.arms/);
  });

  it('finds the next start of a local hour', () => {
    const now = Date.parse('2026-03-07T12:30:00Z');
    const nyc = (ms: number) => localHour(ms, 'America/New_York'); // 07:30 local (UTC−5)
    expect(nextLocalHour(now, 7, nyc)).toBeUndefined();
    expect(new Date(nextLocalHour(now, 19, nyc)!).toISOString()).toBe('2026-03-08T00:00:00.000Z');
    // Across the spring-forward night (8 March 2026): 06:00 local is then UTC−4.
    expect(new Date(nextLocalHour(now, 6, nyc)!).toISOString()).toBe('2026-03-08T10:00:00.000Z');
  });
});
