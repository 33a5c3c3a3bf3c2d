/**
 * A/B/n arms end to end on a real Braid: a cart worker with three arms of one experiment across
 * its decide and send steps (control: no offer; discount: a 10% offer and another template;
 * evening: no offer, sent at 19:00 in the shopper's time zone with another hook block), a 20%
 * worker holdout and a 10% global control group. Shoppers enter over /v1/batch; each journey's recorded arm is checked
 * against the versioned salted hash, every decision and message against its arm (the real SMTP
 * message, the delivery log, the decision log); orders follow, and the arms report's counts, means
 * and Welch interval are recomputed here by hand. Losing most of one arm's journeys (as a logging
 * bug would) is flagged by the SRM check; invalid arms are 400s naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { assignArm, assignGlobal, assignWorkerHoldout } from '../experiments/index.ts';
import { studentTQuantile } from '../stats/index.ts';
import type { TestServer } from '../../testing/server.ts';
import type { TestSmtp } from '../../testing/smtp.ts';
import { ingestAt, startJourneyServer, settleJourneys } from '../../testing/journeys.ts';
import { createWorkerReports } from './index.ts';

const T0 = Date.parse('2026-06-10T15:00:00Z');
const HOUR = 3_600_000;
const SALT = 'arms-test-salt';
const clock = createManualClock(T0);
let s: TestServer;
let smtp: TestSmtp;

const batch = (messages: unknown[]) => ingestAt(s, clock, messages);
const settle = () => settleJourneys(s);

const ARMS = [{ name: 'control', weight: 2 }, { name: 'discount', weight: 1 }, { name: 'evening', weight: 1 }];
const WORKER = {
  id: 'wkr_ab', name: 'Cart A/B/n', status: 'on', holdoutPct: 20, goal: { event: 'Order Completed' },
  trigger: { type: 'event', event: 'Checkout Started' }, entry: { reentry: 'never' },
  steps: [
    { id: 'pick', type: 'decide', placement: 'email_cart_recovery', experiment: 'promo', arms: [
      { name: 'control', weight: 2, offer: 'none' }, { name: 'discount', weight: 1, offer: 'off_10' }, { name: 'evening', weight: 1, offer: 'none' },
    ] },
    { id: 'mail', type: 'send', channel: 'email', template: 'cart_recovery', experiment: 'promo', arms: [
      { name: 'control', weight: 2 }, { name: 'discount', weight: 1, template: 'cart_urgent' }, { name: 'evening', weight: 1, sendHour: 19, blocks: ['blk_hook_generic'] },
    ] },
  ],
};
const N = 160;
const users = Array.from({ length: N }, (_, i) => `ab_${i}`);
const refOf = new Map<string, string>();
const armOf = new Map<string, string | null>(); // user → arm (null: held out)

/** Orders: discount-arm shoppers buy more often (every other one), the rest every fourth; 10% off on discount orders. */
const buys = (i: number, arm: string | null) => (arm === 'discount' ? i % 2 === 0 : i % 4 === 0);
const discountOf = (arm: string | null) => (arm === 'discount' ? 12 : 0);

beforeAll(async () => {
  ({ s, smtp } = await startJourneyServer({ clock, stock: 1000, env: { BRAID_MIN_GAP_MINUTES: '0', BRAID_DEFAULT_TIMEZONE: 'UTC' }, brain: { globalHoldoutPct: 10, holdoutSalt: SALT, attributionWindowHours: 48 } }));
  expect((await s.api('PUT', '/v1/offers/off_10', { id: 'off_10', name: '10% off', kind: 'percent_off', value: 10 })).status).toBe(200);
  const { createdAt: _c, updatedAt: _u, approval: _a, ...cart } = (await s.api('GET', '/v1/content/templates/cart_recovery')).body;
  const urgent = { ...cart, id: 'cart_urgent', name: 'Cart: last chance', email: { ...cart.email, subject: 'Last chance: your cart at {{ store.name }}' } };
  expect((await s.api('PUT', '/v1/content/templates/cart_urgent', urgent)).status).toBe(200);
  expect((await s.api('POST', '/v1/workers', WORKER)).status).toBe(201);
  await batch(users.flatMap((u) => [
    { type: 'identify', userId: u, traits: { email: `${u}@example.com`, consent: { email_marketing: true } } },
    { type: 'track', userId: u, event: 'Checkout Started', properties: { order_id: `c_${u}`, products: [{ product_id: 'p_boot', price: 120, quantity: 1 }] } },
  ]));
  await settle();
  await s.braid.workers.tick();
  for (const u of users) refOf.set(u, (await s.api('GET', `/v1/profiles/userId:${u}`)).body.id);
}, 180_000);
afterAll(async () => { await s?.close(); await smtp?.close(); });

interface Inst { id: string; profileId: string; holdout: string | null; arms: Record<string, string> | null; ctx: { trail: Array<{ step: string; outcome: string }> } }
const instances = async (): Promise<Inst[]> => (await s.api('GET', '/v1/workers/wkr_ab/instances?limit=1000')).body.items;

describe('A/B/n arms of a worker', () => {
  it('assigns each treated shopper the arm of the versioned salted hash, in weight proportion, and none to the held out', async () => {
    const inst = await instances();
    expect(inst).toHaveLength(N);
    const byProfile = new Map(inst.map((i) => [i.profileId, i]));
    for (const u of users) {
      const p = refOf.get(u)!;
      const i = byProfile.get(p)!;
      const global = assignGlobal(p, SALT, 10).group === 'control';
      const held = !global && assignWorkerHoldout(p, SALT, 'wkr_ab', 20).heldOut;
      expect(i.holdout).toBe(global ? 'global_control' : held ? 'worker_holdout' : null);
      if (i.holdout) { expect(i.arms).toBeNull(); armOf.set(u, null); continue; }
      const arm = assignArm(p, `${SALT}:worker:wkr_ab:arm:promo`, ARMS);
      expect(i.arms).toEqual({ promo: arm });
      expect(i.ctx.trail[0]).toMatchObject({ step: 'arms', outcome: `assigned promo=${arm} (v1)` });
      armOf.set(u, arm);
    }
    const count = (a: string) => users.filter((u) => armOf.get(u) === a).length;
    const treated = users.filter((u) => armOf.get(u)).length;
    // 2:1:1 within sampling error of this fixed draw.
    expect(count('control') / treated).toBeGreaterThan(0.38);
    expect(count('control') / treated).toBeLessThan(0.62);
    for (const a of ['discount', 'evening']) expect(count(a)).toBeGreaterThan(8);
  });

  it('sends each arm its content, offer and timing, and logs the arm with every decision and message', async () => {
    const now = users.filter((u) => armOf.get(u) === 'control' || armOf.get(u) === 'discount');
    const evening = users.filter((u) => armOf.get(u) === 'evening');
    await smtp.waitFor(now.length);
    // 15:00 UTC: the evening arm waits for 19:00 in the shopper's zone.
    expect(smtp.received.map((m) => m.to).sort()).toEqual(now.map((u) => `${u}@example.com`).sort());
    clock.set(T0 + 4 * HOUR);
    await s.braid.workers.tick();
    await smtp.waitFor(now.length + evening.length);
    expect(smtp.received).toHaveLength(now.length + evening.length);

    const mail = new Map(smtp.received.map((m) => [m.to.split('@')[0]!, m]));
    const msgs = (await s.api('GET', '/v1/messages?worker=wkr_ab&limit=500')).body.items as Array<{ profileId: string; createdAt: string; decisionId: string; provenance: { arms?: Record<string, string>; templateId: string; offer?: { offerId: string } } }>;
    expect(msgs).toHaveLength(now.length + evening.length);
    const msgOf = new Map(msgs.map((m) => [m.profileId, m]));
    for (const u of [...now, ...evening]) {
      const arm = armOf.get(u)!;
      const m = mail.get(u)!, d = msgOf.get(refOf.get(u)!)!;
      expect(d.provenance.arms).toEqual({ promo: arm });
      expect(d.provenance.templateId).toBe(arm === 'discount' ? 'cart_urgent' : 'cart_recovery');
      expect(m.subject.startsWith('Last chance')).toBe(arm === 'discount');
      expect(d.provenance.offer?.offerId).toBe(arm === 'discount' ? 'off_10' : undefined);
      expect(m.html.includes('10%')).toBe(arm === 'discount');
      expect(m.html.toLowerCase().includes('picked')).toBe(arm === 'evening'); // the arm's hook block (blk_hook_generic)
      expect(d.createdAt).toBe(new Date(arm === 'evening' ? T0 + 4 * HOUR : T0).toISOString());
      const dec = (await s.api('GET', `/v1/decisions/${d.decisionId}`)).body;
      expect(dec.explanation.context.source.arms).toEqual({ promo: arm });
      expect(dec.actions[0].offerId).toBe(arm === 'discount' ? 'off_10' : undefined);
    }
    const trail = (await instances()).find((i) => i.profileId === refOf.get(evening[0]!))!.ctx.trail.map((t) => t.outcome);
    expect(trail).toContain('deferred: send_hour');
    expect(trail.some((o) => o.endsWith('[arm promo=evening]'))).toBe(true);
  });

  it('reports every arm against the control arm and the holdout, computed by hand', async () => {
    clock.set(T0 + 6 * HOUR);
    await batch(users.flatMap((u, i) => (buys(i, armOf.get(u) ?? null) ? [{
      type: 'track', userId: u, event: 'Order Completed',
      properties: { order_id: `o_${u}`, revenue: 120 - discountOf(armOf.get(u) ?? null), discount: discountOf(armOf.get(u) ?? null), products: [{ product_id: 'p_boot', price: 120, quantity: 1 }] },
    }] : [])));
    await settle();
    clock.set(T0 + 72 * HOUR);

    const inst = await instances();
    const globalN = inst.filter((i) => i.holdout === 'global_control').length;
    const members = (arm: string | null) => users.filter((u) => armOf.get(u) === arm && inst.find((i) => i.profileId === refOf.get(u))!.holdout !== 'global_control');
    // contribution = revenue − COGS ($60) − discount − $0.001 per email.
    const contribution = (u: string) => {
      const i = users.indexOf(u), arm = armOf.get(u) ?? null;
      return (buys(i, arm) ? 120 - discountOf(arm) - 60 - discountOf(arm) : 0) - (arm ? 0.001 : 0);
    };
    const stats = (xs: number[]) => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; return { m, v: xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1), n: xs.length }; };
    const welch = (t: ReturnType<typeof stats>, c: ReturnType<typeof stats>) => {
      const se = Math.sqrt(t.v / t.n + c.v / c.n);
      const df = (t.v / t.n + c.v / c.n) ** 2 / ((t.v / t.n) ** 2 / (t.n - 1) + (c.v / c.n) ** 2 / (c.n - 1));
      return { d: t.m - c.m, half: studentTQuantile(0.975, df) * se };
    };

    const r = (await s.api('GET', '/v1/reports/workers/wkr_ab/arms')).body;
    expect(r.experiment).toEqual({ key: 'promo', steps: ['pick', 'mail'], arms: ARMS });
    expect(r.control).toBe('control');
    expect(r.globalControlExcluded).toBe(inst.filter((i) => i.holdout === 'global_control').length);
    expect(r.units).toEqual({ total: N - globalN, holdout: members(null).length, assigned: N - globalN - members(null).length, unassigned: 0 });
    expect(r.arms.map((a: { arm: string; n: number; expectedShare: number }) => [a.arm, a.n, a.expectedShare])).toEqual([
      ['control', members('control').length, 0.5], ['discount', members('discount').length, 0.25], ['evening', members('evening').length, 0.25],
    ]);
    expect(r.srm.mismatch).toBe(false);
    expect(r.srm.arms).toEqual(['control', 'discount', 'evening']);

    const metric = (name: string) => r.metrics.find((m: { metric: string }) => m.metric === name);
    const c = stats(members('control').map(contribution)), dsc = stats(members('discount').map(contribution));
    const means = Object.fromEntries(metric('contribution').arms.map((a: { arm: string; mean: number }) => [a.arm, a.mean]));
    expect(means.control).toBeCloseTo(c.m, 9);
    expect(means.discount).toBeCloseTo(dsc.m, 9);
    const cmp = metric('contribution').comparisons.find((x: { arm: string }) => x.arm === 'discount');
    const w = welch(dsc, c);
    expect(cmp.absolute.estimate).toBeCloseTo(w.d, 9);
    expect(cmp.absolute.ciLow).toBeCloseTo(w.d - w.half, 8);
    expect(cmp.absolute.ciHigh).toBeCloseTo(w.d + w.half, 8);
    expect(cmp.relative.estimate).toBeCloseTo(w.d / c.m, 9);
    expect(typeof cmp.absolute.pValue).toBe('number');
    // Conversion, AOV, discount spend, messages: per arm as sent.
    const conv = (arm: string) => members(arm).filter((u) => buys(users.indexOf(u), arm)).length / members(arm).length;
    expect(metric('converted').arms.find((a: { arm: string }) => a.arm === 'discount').mean).toBeCloseTo(conv('discount'), 12);
    expect(metric('aov').arms.find((a: { arm: string }) => a.arm === 'discount').mean).toBeCloseTo(108, 9);
    expect(metric('discount').arms.find((a: { arm: string }) => a.arm === 'discount').mean).toBeCloseTo(12 * conv('discount'), 9);
    expect(metric('messages').arms.map((a: { mean: number }) => a.mean)).toEqual([1, 1, 1]);
    for (const name of ['revenue', 'contribution', 'unsubscribed', 'orders']) expect(metric(name)).toBeTruthy();
    expect(r.vsControl.map((x: { arm: string }) => x.arm)).toEqual(['discount', 'evening']);
    expect(r.vsControl[0].contributionPerShopper.estimate).toBeCloseTo(w.d, 9);
    expect(r.vsControl[0].contributionTotal.estimate).toBeCloseTo(w.d * dsc.n, 7);

    // Against the worker holdout: a worker report per arm, its `treated` named as the arm.
    const h = stats(members(null).map(contribution));
    const vsH = r.vsHoldout.find((x: { arm: string }) => x.arm === 'discount');
    expect(vsH.units).toEqual({ total: dsc.n + h.n, treated: dsc.n, holdout: h.n });
    // Intended: 20% holdout vs 80% × 1/4 in the arm.
    expect(vsH.expectedHoldoutShare).toBeCloseTo(0.2 / (0.2 + 0.8 * 0.25), 12);
    const wh = welch(dsc, h);
    expect(vsH.incremental.contributionPerShopper.estimate).toBeCloseTo(wh.d, 9);
    expect(vsH.incremental.contributionPerShopper.ciLow).toBeCloseTo(wh.d - wh.half, 8);
    expect(vsH.metrics.find((m: { metric: string }) => m.metric === 'contribution').arms.map((a: { arm: string }) => a.arm)).toEqual(['holdout', 'discount']);
    expect(r.vsHoldout.map((x: { arm: string }) => x.arm)).toEqual(['control', 'discount', 'evening']);
  }, 60_000);

  it('flags a sample ratio mismatch when most of one arm\'s journeys go missing', async () => {
    const before = (await s.api('GET', '/v1/reports/workers/wkr_ab/arms')).body;
    const keep = 3;
    await s.db.db.query(`delete from worker_instances where id in (select id from worker_instances where worker_id = 'wkr_ab' and arms->>'promo' = 'evening' order by id offset ${keep})`);
    const bad = (await s.api('GET', '/v1/reports/workers/wkr_ab/arms?experiment=promo')).body;
    expect(bad.arms.find((a: { arm: string }) => a.arm === 'evening').n).toBe(keep);
    expect(bad.arms.find((a: { arm: string }) => a.arm === 'control').n).toBe(before.arms.find((a: { arm: string }) => a.arm === 'control').n);
    expect(bad.srm.mismatch).toBe(true);
    expect(bad.srm.pValue).toBeLessThan(0.001);
  });

  it('answers 400 naming the field for invalid arms and unknown experiments', async () => {
    const withArms = (arms: unknown[], step: Record<string, unknown> = WORKER.steps[1]!) => ({ ...WORKER, id: 'wkr_ab_bad', steps: [{ ...step, experiment: undefined, arms }] });
    const cases: Array<[unknown, string]> = [
      [withArms([{ name: 'a' }, { name: 'a' }]), 'steps[0].arms[1].name'],
      [withArms([{ name: 'a', weight: 0 }, { name: 'b' }]), 'steps[0].arms[0].weight'],
      [withArms([{ name: 'a' }]), 'steps[0].arms'],
      [withArms([{ name: 'a' }, { name: 'b', offer: 'off_10' }]), 'steps[0].arms[1].offer'],
      [withArms([{ name: 'a' }, { name: 'b', template: 'x' }], { id: 'w', type: 'wait', duration: '1d' }), 'steps[0].arms[1].template'],
      [withArms([{ name: 'a' }, { name: 'b', sendHour: 24 }]), 'steps[0].arms[1].sendHour'],
      [{ ...WORKER, id: 'wkr_ab_bad', steps: [WORKER.steps[0], { ...WORKER.steps[1], arms: ARMS.slice(0, 2) }] }, 'steps[1].arms'],
    ];
    for (const [doc, field] of cases) {
      const res = await s.api('POST', '/v1/workers', doc);
      expect(res.status, field).toBe(400);
      expect(res.body.error.field, JSON.stringify(res.body)).toBe(field);
    }
    const unknown = await s.api('GET', '/v1/reports/workers/wkr_ab/arms?experiment=nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('experiment');
    expect((await s.api('GET', '/v1/reports/workers/wkr_ab/arms?control=nope')).body.error.field).toBe('control');
    expect((await s.api('GET', '/v1/reports/workers/wkr_missing/arms')).status).toBe(404);
  });

  it('still reports an experiment a newer version dropped, from the journeys that ran it', async () => {
    const before = (await s.api('GET', '/v1/reports/workers/wkr_ab/arms')).body;
    const plain = { ...WORKER, steps: [{ id: 'pick', type: 'decide', placement: 'email_cart_recovery' }, { id: 'mail', type: 'send', channel: 'email', template: 'cart_recovery' }] };
    expect((await s.api('PUT', '/v1/workers/wkr_ab', plain)).status).toBe(200);
    const after = (await s.api('GET', '/v1/reports/workers/wkr_ab/arms')).body;
    expect(after.experiments).toEqual([]);
    expect(after.experiment.key).toBe('promo');
    expect(after.arms).toEqual(before.arms);
    expect((await s.api('GET', '/v1/reports/workers/wkr_ab/arms?experiment=promo')).body.units).toEqual(before.units);
  });

  it('reports the arms the same to the last digit in many slices of shoppers as in one statement', async () => {
    const deps = { db: s.braid.db, config: s.braid.config, clock, workers: s.braid.workers };
    const sliced = createWorkerReports({ ...deps, unitsPerSlice: 3 }), whole = createWorkerReports({ ...deps, unitsPerSlice: Infinity });
    const arms = await whole.arms('wkr_ab', { experiment: 'promo' });
    expect(arms.arms.length).toBeGreaterThan(1);
    expect(await sliced.arms('wkr_ab', { experiment: 'promo' })).toEqual(arms);
  });
});
