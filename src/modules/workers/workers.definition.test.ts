import { describe, expect, it } from 'vitest';
import { PLAYBOOKS } from './workers.playbooks.ts';
import { parseDuration, parseWorkerDefinition } from './workers.definition.ts';

const cart = {
  id: 'wkr_cart', name: 'Cart', trigger: { type: 'event', event: 'Checkout Started', key: 'order_id', unlessFollowedBy: { event: 'Order Completed', within: '1h' } },
  goal: { event: 'Order Completed', matchKey: true },
  steps: [{ id: 'pick', type: 'decide', placement: 'email_cart_recovery' }, { id: 'mail', type: 'send', channel: 'email', template: 'cart_recovery' }],
};

describe('worker definitions', () => {
  it('parses durations', () => {
    expect(parseDuration('1h30m', 'x')).toBe(90 * 60_000);
    expect(parseDuration('2w', 'x')).toBe(14 * 86_400_000);
    expect(() => parseDuration('soon', 'steps[0].duration')).toThrow(/steps\[0\]\.duration/);
  });
  it('turns "not followed by" into a leading wait that exits on the event, keyed like the trigger', () => {
    const d = parseWorkerDefinition(cart);
    expect(d.steps[0]).toEqual({ id: 'unless_followed', type: 'wait_for_event', event: 'Order Completed', timeoutMs: 3_600_000, match: 'order_id', onEvent: 'exit' });
    expect(d.holdoutPct).toBe(10);
    expect(d.entry.reentry).toBe('after_exit');
  });
  it('accepts YAML', () => {
    const d = parseWorkerDefinition(`id: wkr_yaml\nname: From YAML\ntrigger: { type: event, event: Signed Up }\nsteps:\n  - { id: hello, type: send, channel: email, template: welcome }\n`);
    expect(d.trigger).toMatchObject({ type: 'event', event: 'Signed Up' });
  });
  it('names the bad field', () => {
    const bad = (patch: Record<string, unknown>) => () => parseWorkerDefinition({ ...cart, ...patch });
    expect(bad({ id: 'cart' })).toThrow(/^id: /);
    expect(bad({ colour: 'red' })).toThrow(/colour/);
    expect(bad({ steps: [{ id: 'a', type: 'wait', duration: 'later' }] })).toThrow(/steps\[0\]\.duration/);
    expect(bad({ steps: [{ id: 'a', type: 'send', channel: 'fax', template: 't' }] })).toThrow(/steps\[0\]\.channel/);
    expect(bad({ steps: [{ id: 'a', type: 'branch', if: { path: 'traits.x', op: 'eq', value: 1 }, then: 'nowhere' }] })).toThrow(/steps\[0\]\.then/);
    expect(bad({ steps: [{ id: 'a', type: 'exit' }, { id: 'a', type: 'exit' }] })).toThrow(/steps\[1\]\.id/);
    expect(bad({ trigger: { type: 'event', event: 'X', where: { path: 'a', op: 'near' } } })).toThrow(/trigger\.where\.op/);
    expect(bad({ trigger: { type: 'schedule', every: '10s' } })).toThrow(/trigger\.every/);
    expect(bad({ holdoutPct: 80 })).toThrow(/holdoutPct/);
    expect(bad({ entry: { reentry: 'cooldown' } })).toThrow(/entry\.cooldown/);
    expect(bad({ entry: { reentry: 'after_purchase' } })).toThrow(/entry\.reentry/);
    expect(bad({ trigger: { type: 'event', event: 'X' } })).toThrow(/goal\.matchKey/);
  });
  it('parses uplift targeting with defaults, and names each bad field of it', () => {
    const d = parseWorkerDefinition({ ...cart, entry: { uplift: { minScore: 0.02 } } });
    expect(d.entry.uplift).toEqual({ minScore: 0.02, outcome: 'conversion', model: 'two_model', explorePct: 10, minUnits: 200, retrainMs: 86_400_000 });
    expect(parseWorkerDefinition({ ...cart, entry: { uplift: { minScore: 1.5, outcome: 'revenue', model: 'transformed_outcome', explorePct: 0, minUnits: 50, retrain: '6h' } } }).entry.uplift)
      .toEqual({ minScore: 1.5, outcome: 'revenue', model: 'transformed_outcome', explorePct: 0, minUnits: 50, retrainMs: 6 * 3_600_000 });
    expect(parseWorkerDefinition(cart).entry.uplift).toBeUndefined();
    const bad = (uplift: unknown, patch: Record<string, unknown> = {}) => () => parseWorkerDefinition({ ...cart, ...patch, entry: { uplift } });
    expect(bad({})).toThrow(/^entry\.uplift\.minScore: is required/);
    expect(bad(0.1)).toThrow(/^entry\.uplift: must be/);
    expect(bad({ minScore: 'high' })).toThrow(/^entry\.uplift\.minScore: must be a number/);
    expect(bad({ minScore: 0, outcome: 'clicks' })).toThrow(/^entry\.uplift\.outcome: must be one of conversion, revenue/);
    expect(bad({ minScore: 0, model: 'forest' })).toThrow(/^entry\.uplift\.model: must be one of two_model, transformed_outcome/);
    expect(bad({ minScore: 0, explorePct: 80 })).toThrow(/^entry\.uplift\.explorePct/);
    expect(bad({ minScore: 0, minUnits: 5 })).toThrow(/^entry\.uplift\.minUnits/);
    expect(bad({ minScore: 0, minUnits: 50.5 })).toThrow(/^entry\.uplift\.minUnits: must be a whole number/);
    expect(bad({ minScore: 0, retrain: '10m' })).toThrow(/^entry\.uplift\.retrain: must be at least 1h/);
    expect(bad({ minScore: 0, sensitive: true })).toThrow(/^entry\.uplift\.sensitive: is not a known setting/);
    expect(bad({ minScore: 0 }, { holdoutPct: 0 })).toThrow(/^entry\.uplift: needs a worker holdout/);
  });
  it('ships eight playbooks that all parse', () => {
    expect(PLAYBOOKS.map((p) => p.playbook).sort()).toEqual(['back_in_stock', 'browse_abandonment', 'cart_recovery', 'cross_sell', 'price_drop', 'replenishment', 'welcome', 'win_back']);
    for (const p of PLAYBOOKS) expect(() => parseWorkerDefinition(p), p.playbook).not.toThrow();
  });
});
