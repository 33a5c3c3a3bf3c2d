/**
 * The QA rules found by rendering (the other rules are unit-tested in content.qa.test.ts): a
 * Liquid runtime error, a data template that does not render JSON, a block kind nothing in the
 * library fits, and an unknown filter (refused when the template is written, naming the field).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BraidError, createManualClock } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { createCatalog, createCatalogCache, type CatalogCache } from '../catalog/index.ts';
import { createContent, type ContentService } from './index.ts';

const clock = createManualClock(Date.parse('2026-03-01T12:00:00Z'));
let t: TestDb;
let cache: CatalogCache;
let content: ContentService;

beforeAll(async () => {
  t = await openTestDb(clock);
  const deps = testDeps(t.db, clock);
  cache = createCatalogCache(createCatalog(deps));
  await cache.ready();
  content = createContent(deps, { catalog: cache });
  await content.start();
});
afterAll(async () => { cache.stop(); await t.cleanup(); });

const rules = (template: Record<string, unknown>) => new Set(content.qa({ template }).reasons.map((r) => `${r.rule} ${r.field}`));

describe('QA found by rendering', () => {
  it('liquid_error: a tag or filter failing at render time, per field', () => {
    expect(rules({ id: 't_include', sms: { body: '{% include "nope" %} Reply STOP' } })).toContain('liquid_error body');
    const r = content.qa({ template: { id: 't_date', sms: { body: 'Since {{ profile.first_name | date: "%Y" }}. Reply STOP' } } });
    expect(r.ok).toBe(false);
    expect(r.reasons.find((x) => x.rule === 'liquid_error')?.message).toContain('is not a date');
  });

  it('invalid_json: an on-site or webhook template must render a JSON object', () => {
    expect(rules({ id: 't_json', in_app: { data: '{"who": {{ profile.id }}}' } })).toContain('invalid_json data');
    expect(rules({ id: 't_json_ok', in_app: { data: '{"who": {{ profile.id | json }}}' } })).not.toContain('invalid_json data');
  });

  it('missing_block: a block kind the template uses that no active block fits (channel, locale, stage)', () => {
    const found = rules({ id: 't_blocks', funnelStage: 'winback', sms: { body: '{{ blocks.hook }} {{ blocks.proof_point }} Reply STOP' } });
    expect(found).toContain('missing_block blocks.proof_point'); // proof points are written for email and on-site only
    expect(found).not.toContain('missing_block blocks.hook');
  });

  it('unknown_filter: refused when written, naming the field', () => {
    let err: unknown;
    try { content.qa({ template: { id: 't_filter', sms: { body: '{{ profile.first_name | shout }} Reply STOP' } } }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(BraidError);
    expect((err as BraidError).details.field).toBe('sms.body');
    expect((err as BraidError).message).toMatch(/undefined filter: shout/);
  });
});
