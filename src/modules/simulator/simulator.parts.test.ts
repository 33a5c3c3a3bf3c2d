import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeMailText, readMail, readMessageText } from './simulator.mail.ts';
import { Canvas, crc32 } from './simulator.png.ts';
import { rasterizeText } from './simulator.font.ts';
import { compare, meanCi, pairedTotalCi, type Books, type PolicyName } from './simulator.summary.ts';
import { parseSimConfig } from './simulator.config.ts';
import { createBaseline } from './simulator.policies.ts';
import { startReceiver } from './simulator.receiver.ts';
import { siteContentOf } from './simulator.driver.ts';
import type { SimEvent } from './simulator.types.ts';

describe('reading a message as a shopper', () => {
  it('decodes quoted-printable and base64 parts and finds the offer, reassurance, products and unsubscribe link', () => {
    const raw = [
      'To: <sim_u7@shoppers.sim.example>', 'List-Unsubscribe: <http://127.0.0.1:9/v1/unsubscribe?t=abc>', 'Content-Type: multipart/alternative; boundary="b1"', '',
      '--b1', 'Content-Transfer-Encoding: quoted-printable', '', 'Enjoy 15% off: https://shop.sim.example/p/sp_=', '12 and Free 30-day returns=2E', '',
      '--b1', 'Content-Transfer-Encoding: base64', '', Buffer.from('<a href="https://shop.sim.example/p/sp_3">x</a> 10 % off').toString('base64'), '--b1--',
    ].join('\r\n');
    expect(decodeMailText(raw)).toContain('sp_12 and Free 30-day returns.');
    const m = readMail(raw);
    expect(m).toMatchObject({ to: 'sim_u7@shoppers.sim.example', offerPct: 15, reassurance: true, unsubscribeUrl: 'http://127.0.0.1:9/v1/unsubscribe?t=abc' });
    expect(m.productIds.sort()).toEqual(['sp_12', 'sp_3']);
    expect(readMessageText('Your cart is saved', 'email', 'x')).toMatchObject({ offerPct: 0, reassurance: false, productIds: [] });
  });
});

describe('the comparison', () => {
  const books = (contribution: number, per: number[], extra: Partial<Books> = {}): Books => ({
    contribution, revenue: contribution * 2, discount: 0, messages: 0, unsubscribes: 0, shoppers: per.length, perShopper: per, cumContribution: [contribution], cumDiscount: [0], ...extra,
  });
  it('computes incremental contribution against no contact, ratios, and estimate coverage', () => {
    const seed = (s: number, none: number, braid: number, est: [number, number]) => ({
      seed: s,
      books: { none: books(none, [none]), blast: books(none + 10, [0]), rules: books(none + 20, [0], { discount: 50, messages: 2 }), braid: books(braid, [0], { discount: 25, messages: 2 }) } as Record<PolicyName, Books>,
      braidEstimate: { estimate: (est[0] + est[1]) / 2, ciLow: est[0], ciHigh: est[1], source: 'test' },
    });
    const c = compare([seed(1, 100, 140, [30, 50]), seed(2, 100, 140, [0, 10])]);
    expect(c.rows.find((r) => r.policy === 'braid')!.incremental.mean).toBe(40);
    expect(c.figures).toEqual({ braid_vs_rules: 2, braid_vs_blast: 4, discount_braid_vs_rules: 0.5, msgs_braid_vs_rules: 1, ci_coverage: 0.5 });
  });
  it('has t intervals over seeds and paired intervals over shoppers', () => {
    const ci = meanCi([1, 2, 3]);
    expect(ci.mean).toBe(2);
    expect(ci.ciLow!).toBeCloseTo(2 - 4.303 / Math.sqrt(3), 2);
    expect(meanCi([5]).ciLow).toBeNull();
    const p = pairedTotalCi([2, 3, 4, 5], [1, 1, 1, 1]);
    expect(p.mean).toBe(10);
    expect(p.ciLow!).toBeLessThan(10);
    expect(p.ciHigh!).toBeGreaterThan(10);
  });
});

describe('the PNG encoder', () => {
  it('writes a valid PNG whose pixels read back', () => {
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
    const c = new Canvas(4, 3);
    c.rect(1, 1, 2, 1, [255, 0, 0]);
    const png = c.png();
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect(raw.length).toBe(3 * (4 * 3 + 1));
    expect([...raw.subarray(13 + 1 + 3, 13 + 1 + 6)]).toEqual([255, 0, 0]); // row 1, x 1
    expect([...raw.subarray(1, 4)]).toEqual([255, 255, 255]);
  });

  it('labels plots in a 5x7 bitmap font: glyph pixels, case folding, alignment', () => {
    const i = rasterizeText('I');
    expect(i).toMatchObject({ width: 5, height: 7 });
    expect(i.pixels).toHaveLength(11); // a bar of 3, five stems, a bar of 3
    expect(i.pixels).toContainEqual([2, 3]);
    expect(rasterizeText('day 9')).toEqual(rasterizeText('DAY 9'));
    expect(rasterizeText('II', 2)).toMatchObject({ width: 22, height: 14 });
    expect(rasterizeText('II', 2).pixels).toHaveLength(88);
    expect(rasterizeText('~').pixels).toHaveLength(0); // unknown: a blank
    const c = new Canvas(20, 8);
    expect(c.text(19, 0, 'I', [0, 0, 0], { align: 'right' })).toBe(5);
    const at = (x: number, y: number) => [...c.px.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3)];
    expect(at(16, 3)).toEqual([0, 0, 0]); // the stem of an I that ends at x = 19 (starts at 14)
    expect(at(13, 3)).toEqual([255, 255, 255]);
  });
});

describe('settings and baselines', () => {
  it('parses the config and names bad fields', () => {
    expect(parseSimConfig({ shoppers: 50 }, { days: '10' })).toMatchObject({ shoppers: 50, days: 10 });
    expect(() => parseSimConfig({ shopers: 5 }, {})).toThrow(/shopers/);
    expect(() => parseSimConfig({}, { days: '0' })).toThrow(/days/);
    expect(() => parseSimConfig({ upliftMix: { sure_thing: 0.5, persuadable: 0.5, lost_cause: 0.5, sleeping_dog: 0 } }, {})).toThrow(/upliftMix/);
    expect(parseSimConfig({ appShare: 0.4 }, {}).appShare).toBe(0.4);
    expect(() => parseSimConfig({ appShare: 1.5 }, {})).toThrow(/appShare/);
  });
  it('rules: one 10% cart email an hour after an abandoned checkout, none after an order', () => {
    const rules = createBaseline('rules', { policyStartHour: 0, consumables: new Set() });
    const ev = (event: string, hour: number, order: string): SimEvent => ({ type: 'track', userId: 'u', event, shopper: 0, hour, timestamp: '', properties: { order_id: order, products: [{ product_id: 'sp_1' }] } });
    const all = { consented: () => true };
    expect(rules.observe([ev('Checkout Started', 5, 'o1'), ev('Checkout Started', 5, 'o2')], 5, all, 1)).toEqual([]);
    const out = rules.observe([ev('Order Completed', 6, 'o2')], 6, all, 1);
    expect(out).toHaveLength(1);
    expect(out[0]!.msg).toMatchObject({ offerPct: 10, productIds: ['sp_1'] });
    expect(rules.observe([], 7, all, 1)).toEqual([]);
  });
});

describe('the HTTP receiver and the checkout page', () => {
  it('answers as the push, SMS and webhook providers do and hands pushes to the shoppers as they read them', async () => {
    const r = await startReceiver();
    try {
      const post = (path: string, body: string, type = 'application/json') => fetch(r.url + path, { method: 'POST', headers: { 'content-type': type }, body }).then(async (res) => ({ status: res.status, body: await res.json().catch(() => null) as Record<string, unknown> | null }));
      const push = await post('/push', JSON.stringify({ message: { token: 'tok_1', notification: { title: 'Still thinking?', body: '10% off and free 30-day returns' }, data: { url: 'https://shop.sim.example/p/sp_4' } } }));
      expect(push.status).toBe(200);
      expect(typeof push.body!.name).toBe('string'); // FCM answers with the message name
      const sms = await post('/2010-04-01/Accounts/sim/Messages.json', new URLSearchParams({ To: '+15551234567', Body: 'Your cart' }).toString(), 'application/x-www-form-urlencoded');
      expect(typeof sms.body!.sid).toBe('string'); // Twilio answers with a sid
      expect((await post('/webhook', JSON.stringify({ messageId: 'm1', profileId: 'prf_1', content: { text: 'hi' } }))).status).toBe(200);
      expect((await post('/nowhere', '{}')).status).toBe(404);
      const got = r.take();
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ kind: 'push', address: 'tok_1', message: { channel: 'push', offerPct: 10, reassurance: true, productIds: ['sp_4'] } });
      expect(r.counts()).toEqual({ push: 1, sms: 1, webhook: 1 });
      expect(r.take()).toEqual([]);
    } finally { await r.close(); }
  });

  it("reads Braid's checkout decision as the page shows it: reassurance, the offer's depth, or nothing", () => {
    expect(siteContentOf({ actions: [{ type: 'reassure' }] })).toEqual({ offerPct: 0, reassurance: true });
    expect(siteContentOf({ actions: [{ type: 'incentivize', offerId: 'off15' }, { type: 'reassure' }] })).toEqual({ offerPct: 15, reassurance: true });
    expect(siteContentOf({ actions: [{ type: 'none' }] })).toBeUndefined();
    expect(siteContentOf(undefined)).toBeUndefined();
  });
});
