import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition } from './conditions.ts';

const now = Date.parse('2026-06-10T00:00:00Z');
const scope = { traits: { lifecycle: 'at_risk', tags: ['vip'] }, profile: { orders: { count: 3, lastOrderAt: '2026-05-01T00:00:00Z' } }, event: { properties: { total: 42 } } };

describe('conditions', () => {
  it('evaluates leaves, combinators and relative time', () => {
    expect(evaluateCondition({ path: 'traits.lifecycle', op: 'in', value: ['at_risk', 'lapsed'] }, scope, now)).toBe(true);
    expect(evaluateCondition({ path: 'traits.tags', op: 'contains', value: 'vip' }, scope, now)).toBe(true);
    expect(evaluateCondition({ all: [{ path: 'event.properties.total', op: 'gte', value: 40 }, { not: { path: 'profile.orders.count', op: 'eq', value: 0 } }] }, scope, now)).toBe(true);
    expect(evaluateCondition({ any: [{ path: 'event.properties.total', op: 'lt', value: 40 }, { path: 'traits.missing', op: 'exists' }] }, scope, now)).toBe(false);
    expect(evaluateCondition({ path: 'profile.orders.lastOrderAt', op: 'older_than_days', value: 30 }, scope, now)).toBe(true);
    expect(evaluateCondition({ path: 'profile.orders.lastOrderAt', op: 'within_days', value: 30 }, scope, now)).toBe(false);
  });
  it('treats missing data as not matching, never as an error', () => {
    expect(evaluateCondition({ path: 'traits.nope.deeper', op: 'neq', value: 'x' }, scope, now)).toBe(false);
    expect(evaluateCondition({ path: 'traits.nope', op: 'missing' }, scope, now)).toBe(true);
    expect(evaluateCondition({ path: 'traits.lifecycle', op: 'gt', value: 3 }, scope, now)).toBe(false);
  });
  it('names the bad field when parsing', () => {
    expect(() => parseCondition({ all: [{ path: 'a', op: 'eq', value: 1 }, { path: 'b', op: 'near' }] }, 'entry.where')).toThrow(/entry\.where\.all\[1\]\.op/);
    expect(() => parseCondition({ path: 'a', op: 'in', value: 3 }, 'w')).toThrow(/w\.value/);
    expect(() => parseCondition({ path: 'a', op: 'eq', value: 1, extra: 1 }, 'w')).toThrow(/w\.extra/);
    expect(parseCondition({ not: { path: 'a', op: 'exists' } }, 'w')).toEqual({ not: { path: 'a', op: 'exists' } });
  });
});
