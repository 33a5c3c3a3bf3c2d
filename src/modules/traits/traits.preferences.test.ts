import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/index.ts';
import type { LoggedMessage } from '../events/index.ts';
import {
  capturePreferences, coerceValue, declaredConfidence, DEFAULT_PREFERENCES, inferredConfidence, resolvePreferences, resolveVariables, validateValues,
} from './traits.preferences.ts';

const NOW = Date.UTC(2026, 5, 30);
const D = 86_400_000;
const vars = resolveVariables(undefined);
const v = (name: string) => vars.find((x) => x.name === name)!;
let seq = 0;
const msg = (m: Partial<LoggedMessage>): LoggedMessage => ({ messageId: `m${++seq}`, seq, type: 'track', timestamp: new Date(NOW - D).toISOString(), receivedAt: new Date(NOW).toISOString(), ...m });

describe('variables', () => {
  it('has a default list of 14, overridable per retailer with built-ins and custom variables', () => {
    expect(DEFAULT_PREFERENCES).toHaveLength(14);
    const custom = resolveVariables([{ name: 'deal_seeking' }, { name: 'eco_score', kind: 'scale' }, { name: 'fit', kind: 'choice', options: ['slim', 'regular'] }]);
    expect(custom.map((x) => [x.name, x.kind])).toEqual([['deal_seeking', 'scale'], ['eco_score', 'scale'], ['fit', 'choice']]);
    expect(custom[2]!.options).toEqual(['slim', 'regular']);
    expect(() => resolveVariables([{ name: 'made_up' }])).toThrow(/not built in/);
  });

  it('reads the list from BRAID_PREFERENCES, naming the variable when malformed', () => {
    const c = parseConfig({ BRAID_PREFERENCES: 'deal_seeking, eco_packaging:scale,gift_wrap:boolean,fit:choice(slim|regular)' });
    expect(resolveVariables(c.preferences).map((x) => [x.name, x.kind, x.options])).toEqual([
      ['deal_seeking', 'scale', undefined], ['eco_packaging', 'scale', undefined], ['gift_wrap', 'boolean', undefined], ['fit', 'choice', ['slim', 'regular']],
    ]);
    expect(parseConfig({}).preferences).toBeUndefined();
    expect(() => parseConfig({ BRAID_PREFERENCES: 'Bad Name' })).toThrow(/BRAID_PREFERENCES/);
    expect(() => parseConfig({ BRAID_PREFERENCES: 'fit:choice()' })).toThrow(/BRAID_PREFERENCES/);
    expect(() => parseConfig({ BRAID_PREFERENCES: 'a1,a1' })).toThrow(/BRAID_PREFERENCES names a1 twice/);
  });

  it('coerces values by kind and says what is wrong', () => {
    expect(coerceValue(v('deal_seeking'), '0.7')).toEqual({ value: 0.7 });
    expect(coerceValue(v('deal_seeking'), true)).toEqual({ value: 1 });
    expect(coerceValue(v('deal_seeking'), 3)).toEqual({ error: 'must be a number from 0 to 1' });
    expect(coerceValue(v('gift_buyer'), 'yes')).toEqual({ value: true });
    expect(coerceValue(v('gift_buyer'), 'maybe')).toEqual({ error: 'must be true or false' });
    expect(coerceValue(v('shipping_speed'), 'Fastest')).toEqual({ value: 'fastest' });
    expect(coerceValue(v('shipping_speed'), 'warp')).toEqual({ error: 'must be one of fastest, standard, cheapest' });
  });

  it('rejects an unknown variable or bad value naming values.<name>', () => {
    expect(() => validateValues(vars, { telepathy: 1 })).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'values.telepathy' }) }));
    expect(() => validateValues(vars, { deal_seeking: 2 })).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'values.deal_seeking' }) }));
    expect(validateValues(vars, { deal_seeking: null, gift_buyer: 'no' })).toEqual({ deal_seeking: null, gift_buyer: false });
  });
});

describe('capture', () => {
  it('reads identify traits.preferences and pref_<name> traits', () => {
    const got = capturePreferences(msg({ type: 'identify', traits: { preferences: { deal_seeking: 0.9, bogus: 1 }, pref_gift_buyer: true, name: 'Ada' } }), vars);
    expect(got.map((g) => [g.variable, g.value, g.source])).toEqual([['deal_seeking', 0.9, 'identify'], ['gift_buyer', true, 'identify']]);
  });

  it('reads Preference Captured events with their source, skipping bad values', () => {
    const quiz = capturePreferences(msg({ event: 'Preference Captured', properties: { source: 'Quiz', preferences: { sustainability: 1, shipping_speed: 'never' } } }), vars);
    expect(quiz.map((g) => [g.variable, g.value, g.source])).toEqual([['sustainability', 1, 'quiz']]);
    const support = capturePreferences(msg({ event: 'Preference Captured', properties: { source: 'support', variable: 'fit_concerns', value: 0.8 } }), vars);
    expect(support[0]).toMatchObject({ variable: 'fit_concerns', value: 0.8, source: 'support', at: NOW - D });
    expect(capturePreferences(msg({ event: 'Product Viewed', properties: { variable: 'fit_concerns', value: 1 } }), vars)).toEqual([]);
  });
});

describe('resolution', () => {
  const inferred = [{ variable: 'deal_seeking', value: 0.2, rule: 'discount_sensitivity', evidence: 10, lastEvidenceAt: NOW }];

  it('the latest declared value wins over older declared ones and over any inference', () => {
    const declared = [
      { variable: 'deal_seeking', value: 0.9, source: 'quiz', at: NOW - 400 * D, evidence: {} },
      { variable: 'deal_seeking', value: 0.6, source: 'support', at: NOW - 10 * D, evidence: {} },
    ];
    const r = resolvePreferences(vars, declared, inferred, NOW).deal_seeking!;
    expect(r).toMatchObject({ value: 0.6, origin: 'declared' });
    expect(r.sources.map((s) => [s.origin, s.source, s.value])).toEqual([['declared', 'support', 0.6], ['declared', 'quiz', 0.9], ['inferred', 'discount_sensitivity', 0.2]]);
  });

  it('falls back to the inference, and to null with nothing known', () => {
    const r = resolvePreferences(vars, [], inferred, NOW);
    expect(r.deal_seeking).toMatchObject({ value: 0.2, origin: 'inferred', confidence: inferredConfidence(10, NOW, NOW) });
    expect(r.sustainability).toMatchObject({ value: null, origin: null, confidence: 0, sources: [] });
    expect(r.shipping_speed!.options).toEqual(['fastest', 'standard', 'cheapest']);
  });

  it('decays confidence: declared halves every 730 days, inferred every 180 and never exceeds 0.8', () => {
    expect(declaredConfidence(NOW - 730 * D, NOW)).toBe(0.5);
    expect(inferredConfidence(1000, NOW, NOW)).toBe(0.8);
    expect(inferredConfidence(1000, NOW - 180 * D, NOW)).toBe(0.4);
    expect(inferredConfidence(5, NOW, NOW)).toBeCloseTo(0.8 * (1 - Math.exp(-1)), 3);
  });
});
