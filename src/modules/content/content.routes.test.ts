import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, createManualClock, createMetrics, parseConfig, type CoreDeps, type HttpServer } from '../../core/index.ts';
import { openTestDb, type TestDb } from '../../testing/harness.ts';
import { createCatalog, createCatalogCache, type CatalogCache } from '../catalog/index.ts';
import { createContent, registerContentRoutes, type ContentService } from './index.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const clock = createManualClock(T0);
const auth = { authorization: 'Bearer ak_test_123456' };
let t: TestDb;
let app: HttpServer, bare: HttpServer;
let content: ContentService;
let cache: CatalogCache;
let llm: Server;
const llmRequests: Array<{ url: string; auth: string | undefined; body: any }> = [];
/** What the fake chat-completions server answers next. */
let llmAnswer = '{"variants": ["Hi {{ profile.first_name | default: \\"there\\" }}, your picks are ready.", "Fresh picks, just for you."]}';

async function readBody(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s;
}

async function server(deps: CoreDeps): Promise<HttpServer> {
  const h = await createHttpServer({ logger: deps.log, keys: { writeKey: 'wk_test_123456', adminKey: 'ak_test_123456' }, metrics: deps.metrics, version: 'test' });
  const c = createContent(deps, { catalog: cache });
  await c.start();
  registerContentRoutes(h, c);
  await h.ready();
  if (!content) content = c;
  return h;
}

beforeAll(async () => {
  llm = createServer((req, res) => {
    void readBody(req).then((body) => {
      llmRequests.push({ url: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(body) });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model: 'test-model', choices: [{ index: 0, message: { role: 'assistant', content: llmAnswer }, finish_reason: 'stop' }] }));
    });
  });
  await new Promise<void>((r) => llm.listen(0, '127.0.0.1', r));
  const port = (llm.address() as AddressInfo).port;
  t = await openTestDb(clock);
  const log = pino({ level: 'silent' }) as FastifyBaseLogger;
  const base = { db: t.db, clock, log, metrics: createMetrics() };
  const catalog = createCatalog({ ...base, config: parseConfig({}, { demo: false }) });
  cache = createCatalogCache(catalog);
  await cache.ready();
  app = await server({ ...base, config: parseConfig({ BRAID_LLM_URL: `http://127.0.0.1:${port}/v1`, BRAID_LLM_MODEL: 'test-model', BRAID_LLM_API_KEY: 'sk-test' }, { demo: false }) });
  bare = await server({ ...base, config: parseConfig({}, { demo: false }) });
});
afterAll(async () => { await app.close(); await bare.close(); cache.stop(); await new Promise((r) => llm.close(r)); await t.cleanup(); });

const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, h: HttpServer = app) =>
  h.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload: payload as string }) });

const block = (o: Record<string, unknown> = {}) => ({ id: 'blk_test', kind: 'hook', text: 'Hello {{ profile.first_name | default: "you" }}', tags: { channels: ['sms'] }, ...o });

describe('auth and validation', () => {
  it('refuses content routes without the admin key', async () => {
    for (const url of ['/v1/content/blocks', '/v1/content/templates', '/v1/content/rules']) expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
  });

  it('answers 400 naming the field', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/v1/content/blocks', block({ kind: 'banner' }), 'kind'],
      ['POST', '/v1/content/blocks', block({ tags: { channels: ['fax'] } }), 'tags.channels[0]'],
      ['POST', '/v1/content/blocks', block({ text: '{{ x | nope }}' }), 'text'],
      ['POST', '/v1/content/blocks', block({ variants: [{ id: 'base', text: 'x' }] }), 'variants[0].id'],
      ['POST', '/v1/content/blocks', block({ colour: 'red' }), 'colour'],
      ['PUT', '/v1/content/templates/t1', { id: 't1' }, 'email'],
      ['PUT', '/v1/content/templates/t1', { id: 't1', sms: { body: '{% if x %}' } }, 'sms.body'],
      ['PUT', '/v1/content/templates/t1', { id: 't2', sms: { body: 'x' } }, 'id'],
      ['PUT', '/v1/content/rules', { smsMaxSegments: 0 }, 'forbidden'],
      ['POST', '/v1/content/qa', {}, 'templateId'],
      ['POST', '/v1/content/qa', { templateId: 'nope' }, 'templateId'],
      ['POST', '/v1/content/render', { templateId: 'generic', channel: 'email', profile: { id: 'p' }, locale: 'xx yy' }, 'locale'],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await inject(method as 'POST', url, body);
      expect(res.statusCode, `${url} ${JSON.stringify(body)}: ${res.body}`).toBe(400);
      expect(res.json().error.field, res.body).toBe(field);
    }
  });
});

describe('blocks CRUD and activation', () => {
  it('creates, reads, lists, updates and deletes', async () => {
    const created = await inject('POST', '/v1/content/blocks', block());
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ id: 'blk_test', status: 'draft', tags: { channels: ['sms'], locale: 'en', speaksTo: [], funnelStages: [] }, createdAt: new Date(T0).toISOString() });
    expect((await inject('POST', '/v1/content/blocks', block())).statusCode).toBe(409);
    expect((await inject('GET', '/v1/content/blocks/blk_test')).json().text).toBe('Hello {{ profile.first_name | default: "you" }}');
    const list = (await inject('GET', '/v1/content/blocks?kind=hook&status=draft')).json().items;
    expect(list.map((b: { id: string }) => b.id)).toEqual(['blk_test']);
    const put = await inject('PUT', '/v1/content/blocks/blk_test', block({ text: 'Hey there', variants: [{ id: 'b', text: 'Hi there' }] }));
    expect(put.json()).toMatchObject({ text: 'Hey there', variants: [{ id: 'b', text: 'Hi there' }] });
    const active = await inject('PATCH', '/v1/content/blocks/blk_test', { status: 'active' });
    expect(active.statusCode, active.body).toBe(200);
    expect(content.getBlock('blk_test')!.status).toBe('active');
    expect((await inject('DELETE', '/v1/content/blocks/blk_test')).statusCode).toBe(204);
    expect((await inject('GET', '/v1/content/blocks/blk_test')).statusCode).toBe(404);
    expect((await inject('DELETE', '/v1/content/blocks/blk_test')).statusCode).toBe(404);
  });

  it('refuses to activate a block that fails QA, with the reasons', async () => {
    await inject('POST', '/v1/content/blocks', block({ id: 'blk_bad', text: 'Guaranteed results, 40% off!' }));
    const res = await inject('PATCH', '/v1/content/blocks/blk_bad', { status: 'active' });
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.field).toBe('status');
    expect(new Set(err.reasons.map((r: { rule: string }) => r.rule))).toEqual(new Set(['forbidden_word', 'discount_not_allowed']));
    expect(content.getBlock('blk_bad')!.status).toBe('draft');
    const direct = await inject('POST', '/v1/content/blocks', block({ id: 'blk_bad2', text: 'Free returns!', status: 'active', tags: { channels: ['sms'] } }));
    expect(direct.statusCode).toBe(400);
    expect(direct.json().error.reasons[0].rule).toBe('claim_disclosure');
  });
});

describe('templates, rules and QA', () => {
  it('creates, reads and deletes templates', async () => {
    const tpl = { id: 'promo', sms: { body: '{{ store.name }}: {{ blocks.hook }} {{ store.url }} Reply STOP to opt out' } };
    const res = await inject('PUT', '/v1/content/templates/promo', tpl);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: 'promo', purpose: 'marketing', status: 'active', themes: [] });
    expect((await inject('GET', '/v1/content/templates')).json().items.map((x: { id: string }) => x.id)).toContain('promo');
    const qa = (await inject('POST', '/v1/content/qa', { templateId: 'promo' })).json();
    expect(qa.ok).toBe(true);
    expect(qa.runs[0]).toMatchObject({ channel: 'sms', sms: { encoding: 'GSM-7', segments: 1 } });
    expect((await inject('DELETE', '/v1/content/templates/promo')).statusCode).toBe(204);
    expect((await inject('GET', '/v1/content/templates/promo')).statusCode).toBe(404);
  });

  it('reports missing variables, bad links and missing footer of an inline template', async () => {
    const template = { id: 'x', email: { subject: 'Hi {{ profile.nickname }}', preheader: '', html: '<a href="https://evil.example/">Go</a>', text: 'Go' } };
    const qa = (await inject('POST', '/v1/content/qa', { template, profiles: [{ id: 'p', traits: {}, preferences: {} }] })).json();
    expect(qa.ok).toBe(false);
    expect(qa.reasons.map((r: { rule: string }) => r.rule)).toEqual(['missing_variable', 'empty_field', 'link_domain', 'missing_unsubscribe', 'missing_unsubscribe', 'missing_postal_address', 'missing_postal_address']);
    expect(qa.reasons[0]).toMatchObject({ field: 'subject', profile: 'p', channel: 'email' });
  });

  it('replaces the rules: a new forbidden word fails QA', async () => {
    const rules = (await inject('GET', '/v1/content/rules')).json();
    expect(rules).toMatchObject({ smsMaxSegments: 2, pushTitleMax: 50, pushBodyMax: 178, subjectMax: 78, store: { name: 'Braid Demo Store' } });
    expect(rules.forbidden).toEqual(expect.arrayContaining(['guaranteed', 'cure', 'risk-free', 'miracle']));
    const put = await inject('PUT', '/v1/content/rules', { ...rules, forbidden: [...rules.forbidden, 'cheap'] });
    expect(put.statusCode, put.body).toBe(200);
    const qa = (await inject('POST', '/v1/content/qa', { block: block({ id: 'b', text: 'Cheap and cheerful' }) })).json();
    expect(qa.reasons[0]).toMatchObject({ rule: 'forbidden_word', channel: 'sms' });
    await inject('PUT', '/v1/content/rules', rules);
  });

  it('previews a render as a worker would', async () => {
    const res = await inject('POST', '/v1/content/render', { templateId: 'cart_recovery', channel: 'push', profile: { id: 'prf_1', traits: { first_name: 'Sam' }, preferences: {} } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ content: { title: 'Your cart is saved', url: 'http://127.0.0.1:8080/cart' }, qa: { ok: true } });
    expect(res.json().content.body).toMatch(/cart/i);
    const arm = res.json().arm;
    expect((await inject('POST', '/v1/content/outcomes', { arm, blockIds: [], reward: 1 })).statusCode).toBe(204);
    expect((await inject('POST', '/v1/content/outcomes', { arm, reward: 2 })).json().error.field).toBe('reward');
  });
});

describe('LLM drafting', () => {
  it('drafts variants through a chat-completions server, stores a draft block and runs QA', async () => {
    const res = await inject('POST', '/v1/content/blocks/draft', { brief: 'Welcome hook for new subscribers', kind: 'hook', tags: { channels: ['sms', 'email'], themes: ['welcome'] } });
    expect(res.statusCode, res.body).toBe(201);
    const { block: b, qa } = res.json();
    expect(b).toMatchObject({ kind: 'hook', status: 'draft', text: 'Hi {{ profile.first_name | default: "there" }}, your picks are ready.', variants: [{ id: 'v2', text: 'Fresh picks, just for you.' }] });
    expect(b.id).toMatch(/^blk_/);
    expect(qa.ok).toBe(true);
    expect(qa.runs.length).toBe(2 * 3 * 2); // variants x samples x channels
    const sent = llmRequests.at(-1)!;
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.auth).toBe('Bearer sk-test');
    expect(sent.body.model).toBe('test-model');
    expect(sent.body.messages[0].content).toContain('guaranteed');
    expect(sent.body.messages[1].content).toContain('Welcome hook for new subscribers');
    expect((await inject('PATCH', `/v1/content/blocks/${b.id}`, { status: 'active' })).statusCode).toBe(200);
  });

  it('keeps a failing draft a draft', async () => {
    llmAnswer = '```json\n{"variants": ["Miracle savings: 50% off everything!"]}\n```';
    const res = await inject('POST', '/v1/content/blocks/draft', { brief: 'Sale hook', kind: 'hook', tags: { channels: ['sms'] }, id: 'blk_llm_sale' });
    expect(res.statusCode).toBe(201);
    expect(res.json().qa.ok).toBe(false);
    expect(new Set(res.json().qa.reasons.map((r: { rule: string }) => r.rule))).toEqual(new Set(['forbidden_word', 'discount_not_allowed']));
    const act = await inject('PATCH', '/v1/content/blocks/blk_llm_sale', { status: 'active' });
    expect(act.statusCode).toBe(400);
    expect(act.json().error.reasons.length).toBeGreaterThan(0);
  });

  it('answers 503 with a clear message when no LLM is configured', async () => {
    const res = await inject('POST', '/v1/content/blocks/draft', { brief: 'Anything', kind: 'cta', tags: {} }, bare);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toMatch(/BRAID_LLM_URL/);
  });
});
