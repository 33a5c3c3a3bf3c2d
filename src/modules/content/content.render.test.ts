import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, type CoreDeps } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { createCatalog, createCatalogCache, type CatalogCache } from '../catalog/index.ts';
import { createOffers, parseOffer, type Offer, type OfferService } from '../offers/index.ts';
import {
  createContent, DEFAULT_ACTION_BLOCKS, DEFAULT_BLOCKS, DEFAULT_SAMPLES, DEFAULT_TEMPLATES, formatDate, formatMoney,
  type ContentChannel, type ContentService, type RenderInput,
} from './index.ts';

const T0 = Date.parse('2026-03-01T23:30:00Z');
const clock = createManualClock(T0);
let t: TestDb;
let deps: CoreDeps;
let cache: CatalogCache;
let offers: OfferService;
let content: ContentService;
const offer = (o: Record<string, unknown>): Offer => ({ ...parseOffer({ name: 'x', ...o }), createdAt: '', updatedAt: '' });

beforeAll(async () => {
  t = await openTestDb(clock);
  deps = testDeps(t.db, clock);
  const catalog = createCatalog(deps);
  await catalog.upsertProducts([
    { id: 'mug', title: 'Stoneware Mug', price: 12.99, cost: 4, currency: 'USD', link: 'https://shop.braid.example/p/mug', imageLink: 'https://shop.braid.example/i/mug.jpg', productType: 'Kitchen > Mugs' },
    { id: 'kettle', title: 'Kettle', price: 49, salePrice: 39.5, cost: 20, currency: 'USD', link: 'https://shop.braid.example/p/kettle' },
    { id: 'tee', title: 'Organic Tee', price: 20, salePrice: 15, cost: 6, currency: 'EUR' },
  ]);
  cache = createCatalogCache(catalog);
  await cache.ready();
  offers = createOffers(deps);
  await offers.ready();
  await offers.upsert({ id: 'ten', name: 'Ten off', kind: 'percent_off', value: 10 });
  content = createContent(deps, { catalog: cache, offers });
  await content.start();
});
afterAll(async () => { await content.stop(); await offers.stop(); cache.stop(); await t.cleanup(); });

const profile = (preferences: RenderInput['profile']['preferences'] = {}, traits: Record<string, unknown> = { first_name: 'Alex' }) => ({ id: 'prf_1', traits, preferences });

describe('default templates', () => {
  it('ships every playbook for email, sms and push, and generic', () => {
    const ids = ['cart_recovery', 'browse_abandonment', 'replenishment', 'cross_sell', 'welcome', 'win_back', 'back_in_stock', 'price_drop', 'generic'];
    for (const id of ids) {
      const tpl = content.getTemplate(id);
      expect(tpl, id).toBeDefined();
      expect(tpl!.email && tpl!.sms && tpl!.push, id).toBeTruthy();
    }
    expect(content.listTemplates()).toHaveLength(DEFAULT_TEMPLATES.length);
    expect(content.listBlocks()).toHaveLength(DEFAULT_BLOCKS.length);
  });

  it('renders every default template on every channel for the sample profiles and passes QA', () => {
    for (const tpl of DEFAULT_TEMPLATES) {
      const report = content.qa({ templateId: tpl.id });
      expect(report.reasons, tpl.id).toEqual([]);
      const channels = new Set(report.runs.map((r) => r.channel));
      expect([...channels].sort(), tpl.id).toEqual(['email', 'push', 'sms', ...(tpl.in_app ? ['in_app', 'webhook'] : [])].sort());
      expect(report.runs.length).toBe(DEFAULT_SAMPLES.length * channels.size);
    }
  });

  it('renders through the worker API with catalog products, an offer and a filtered profile', () => {
    for (const channel of ['email', 'sms', 'push'] as ContentChannel[]) {
      for (const tpl of DEFAULT_TEMPLATES) {
        const r = content.render({
          templateId: tpl.id, channel, locale: 'en-US', timezone: 'America/New_York', profile: profile({ returns_anxiety: 0.9 }),
          action: { type: 'incentivize', theme: 'percent_off', productIds: ['kettle'], offerId: 'ten', blockIds: [] }, products: ['mug'], offer: offers.get('ten'),
          vars: { unsubscribe_url: 'http://127.0.0.1:8080/unsubscribe?t=abc' },
        });
        expect(r.qa.reasons, `${tpl.id} ${channel}`).toEqual([]);
        expect(r.blockIds.length).toBeGreaterThan(0);
      }
    }
    const email = content.render({ templateId: 'cart_recovery', channel: 'email', profile: profile(), products: ['mug', 'kettle'] });
    expect(email.content.subject).toBe('Alex, your cart at Braid Demo Store is saved');
    expect(email.content.html).toContain('$12.99');
    expect(email.content.html).toContain('<s>$49.00</s> <b>$39.50</b>');
    expect(email.content.text).toContain('Kettle: $39.50 (was $49.00) https://shop.braid.example/p/kettle');
    expect(email.content.html).toContain(deps.config.muscle.channels.postalAddress);
  });

  it('never exposes traits outside the allow-list', () => {
    const traits = { first_name: 'Alex', email: 'a@x.example', religion: 'x', health: 'y', city: 'Lyon' };
    const tpl = { id: 'leak', purpose: 'transactional', themes: [], status: 'active', sms: { body: '{{ profile.first_name }} {{ profile.city }} {{ profile.email }}' } };
    const r = content.qa({ template: tpl, profiles: [{ id: 'p', traits, preferences: {} }] });
    expect(r.reasons.map((x) => x.rule)).toEqual(['missing_variable', 'empty_field']);
    const ok = content.qa({ template: { ...tpl, sms: { body: '{{ profile.first_name }} in {{ profile.city }}' } }, profiles: [{ id: 'p', traits, preferences: {} }] });
    expect(ok.runs[0]!.content.body).toBe('Alex in Lyon');
  });
});

describe('assembly', () => {
  const generic = (preferences: Record<string, number>) => content.render({ templateId: 'generic', channel: 'email', profile: profile(preferences), products: ['mug'] });

  it('picks a returns reassurance for strong returns_anxiety, with its disclosure', () => {
    const r = generic({ returns_anxiety: 0.95, bundle_affinity: 0.2 });
    expect(r.blockIds).toContain('blk_reassure_returns');
    expect(r.blockIds).toContain('blk_disclose_returns');
    expect(r.content.text).toMatch(/free returns/i);
    expect(r.qa.ok).toBe(true);
  });

  it('picks bundle blocks for bundle_affinity', () => {
    const r = generic({ bundle_affinity: 0.9 });
    expect(r.blockIds).toContain('blk_hook_bundle');
    expect(r.blockIds).toContain('blk_proof_bundle');
    expect(r.blockIds).not.toContain('blk_reassure_returns');
  });

  it('prefers generic blocks to off-topic themed ones, with no offer disclosure without an offer', () => {
    const r = generic({});
    expect(r.blockIds).toEqual(expect.arrayContaining(['blk_hook_generic', 'blk_proof_generic', 'blk_reassure_generic', 'blk_cta_generic']));
    expect(r.blockIds.filter((id) => id.startsWith('blk_disclose'))).toEqual([]);
  });

  it('uses the blocks a decision names and its theme', () => {
    const r = content.render({ templateId: 'generic', channel: 'email', profile: profile(), products: ['mug'], action: { type: 'reassure', theme: 'warranty', productIds: [], blockIds: [] } });
    expect(r.blockIds).toEqual(expect.arrayContaining(['blk_reassure_warranty', 'blk_disclose_warranty']));
    const forced = content.render({ templateId: 'generic', channel: 'email', profile: profile({ returns_anxiety: 1 }), products: ['mug'], action: { type: 'reassure', productIds: [], blockIds: ['blk_reassure_shipping'] } });
    expect(forced.blockIds).toContain('blk_reassure_shipping');
  });

  it('has blocks for every default decisioning action (ids it references and its theme)', () => {
    const src = readFileSync(new URL('../decisioning/decisioning.defaults.ts', import.meta.url), 'utf8');
    const actions = [...src.matchAll(/action\(\{ id: '([a-z_]+)'.*?theme: '([a-z_]+)'(.*?)\}\)/g)];
    expect(actions.length).toBeGreaterThan(5);
    const ids = new Set(content.listBlocks().map((b) => b.id));
    const themes = new Set(content.listBlocks().flatMap((b) => b.tags.themes));
    for (const [, id, theme, rest] of actions) {
      for (const m of (/blockIds: \[([^\]]*)\]/.exec(rest!)?.[1] ?? '').matchAll(/'([^']+)'/g)) expect(ids.has(m[1]!), `${id} -> ${m[1]}`).toBe(true);
      expect(themes.has(theme!), `${id} theme ${theme}`).toBe(true);
      for (const b of DEFAULT_ACTION_BLOCKS[id!] ?? []) expect(ids.has(b), b).toBe(true);
      expect(DEFAULT_ACTION_BLOCKS[id!], id).toBeDefined();
    }
  });

  it('chooses variants by hashing without data, stably, and learns from outcomes', async () => {
    const arms = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = content.render({ templateId: 'cart_recovery', channel: 'sms', profile: { id: `prf_${i}`, traits: {}, preferences: {} }, products: ['mug'] });
      arms.add(r.arm.split('+')[0]!);
      const again = content.render({ templateId: 'cart_recovery', channel: 'sms', profile: { id: `prf_${i}`, traits: {}, preferences: {} }, products: ['mug'] });
      expect(again.arm).toBe(r.arm);
    }
    expect(arms).toEqual(new Set(['blk_hook_cart@base', 'blk_hook_cart@saved']));
    for (let i = 0; i < 60; i++) {
      await content.recordOutcome('blk_hook_cart@saved+blk_cta_cart@base', ['blk_hook_cart'], 1);
      await content.recordOutcome('blk_hook_cart@base+blk_cta_cart@base', ['blk_hook_cart'], 0);
    }
    expect(content.variantStats('blk_hook_cart')).toEqual({ saved: { trials: 60, reward: 60 }, base: { trials: 60, reward: 0 } });
    expect(content.variantStats('blk_cta_cart')).toEqual({});
    let saved = 0;
    for (let i = 0; i < 30; i++) {
      clock.advance(1000);
      if (content.render({ templateId: 'cart_recovery', channel: 'sms', profile: { id: `prf_${i}`, traits: {}, preferences: {} }, products: ['mug'] }).arm.startsWith('blk_hook_cart@saved')) saved++;
    }
    expect(saved).toBe(30);
    const other = createContent(deps, { catalog: cache, offers });
    await other.start();
    expect(other.variantStats('blk_hook_cart').saved).toEqual({ trials: 60, reward: 60 });
  });
});

describe('formatting', () => {
  it('formats money and dates in the shopper locale, currency and time zone', () => {
    expect(formatMoney(1234.5, 'en-US', 'USD')).toBe('$1,234.50');
    expect(formatMoney(1234.5, 'de-DE', 'EUR')).toBe('1.234,50\u00a0€');
    expect(formatDate(T0, 'en-US', 'America/New_York')).toBe('Mar 1, 2026');
    expect(formatDate(T0, 'de-DE', 'Europe/Berlin')).toBe('02.03.2026');
    expect(formatDate(T0, 'de-DE', 'Europe/Berlin', 'long')).toBe('2. März 2026');
  });

  it('exposes money and date filters to templates', () => {
    const tpl = { id: 'fmt', purpose: 'transactional', themes: [], status: 'active', sms: { body: '{{ 1234.5 | money }} {{ 5 | money: "GBP" }} {{ now | date }} {{ "2026-07-04T12:00:00Z" | date: "long" }}' } };
    const r = content.qa({ template: tpl, profiles: [
      { id: 'us', locale: 'en-US', currency: 'USD', timezone: 'America/New_York', traits: {}, preferences: {} },
      { id: 'de', locale: 'de-DE', currency: 'EUR', timezone: 'Europe/Berlin', traits: {}, preferences: {} },
    ] });
    expect(r.runs.map((x) => x.content.body)).toEqual(['$1,234.50 £5.00 Mar 1, 2026 July 4, 2026', '1.234,50 € 5,00 £ 02.03.2026 4. Juli 2026']);
  });

  it('renders catalog prices of a EUR product in de-DE and checks them', () => {
    const r = content.render({ templateId: 'price_drop', channel: 'sms', locale: 'de-DE', timezone: 'Europe/Berlin', profile: profile(), products: ['tee'] });
    expect(r.content.body).toContain('Organic Tee is now 15,00 €.'); // no-break space made GSM-7
    expect(r.qa).toMatchObject({ ok: true, sms: { encoding: 'GSM-7' } });
  });
});

describe('render input', () => {
  it('refuses bad input naming the field', () => {
    const base: RenderInput = { templateId: 'generic', channel: 'email', profile: profile() };
    expect(() => content.render({ ...base, templateId: 'nope' })).toThrow(/templateId/);
    expect(() => content.render({ ...base, locale: 'not a locale' })).toThrow(/locale/);
    expect(() => content.render({ ...base, currency: 'usd' })).toThrow(/currency/);
    expect(() => content.render({ ...base, timezone: 'Mars/Base' })).toThrow(/timezone/);
  });

  it('states a discount from the offer given, refuses one the shopper was not given', () => {
    const tpl = { id: 'disc', purpose: 'transactional', themes: [], status: 'active', sms: { body: 'Take {{ offer.formatted }} today' } };
    const passed = content.qa({ template: tpl, profiles: [{ id: 'p', traits: {}, preferences: {}, withOffer: true }], offerId: 'ten' });
    expect(passed.ok).toBe(true);
    const bad = content.qa({ template: { ...tpl, sms: { body: 'Take 25% off today' } }, profiles: [{ id: 'p', traits: {}, preferences: {} }] });
    expect(bad.reasons.map((x) => x.rule)).toEqual(['discount_not_allowed']);
    const menu = content.qa({ template: { ...tpl, sms: { body: 'Take 10% off today' } }, profiles: [{ id: 'p', traits: {}, preferences: {} }] });
    expect(menu.ok).toBe(true);
    expect(offer({ id: 'a', kind: 'amount_off', value: 5 }).value).toBe(5);
  });
});
