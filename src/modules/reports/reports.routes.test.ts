import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBraid, type Braid } from '../../app/app.ts';
import { createManualClock, parseConfig } from '../../core/index.ts';
import { openTestDb, type TestDb } from '../../testing/harness.ts';
import { parseRatiosParam, parseWeightsParam } from './index.ts';

const clock = createManualClock(Date.parse('2026-04-01T09:00:00Z'));
const auth = { authorization: 'Bearer ak_test_123' };
let t: TestDb;
let app: Braid;
beforeAll(async () => {
  t = await openTestDb(clock);
  app = await createBraid({ config: parseConfig({}, { demo: false, logLevel: 'silent' }), keys: { writeKey: 'wk_test_123', adminKey: 'ak_test_123' }, db: t.db, clock });
});
afterAll(async () => { await app.close(); await t.cleanup(); });

// 200 units: arm by parity; x a pre-period covariate; visit more likely when treated and x high.
function csv(): string {
  const lines = ['id,arm,visit,spend,x,tier'];
  for (let i = 0; i < 200; i++) {
    const treated = i % 2 === 0, x = i % 7;
    const visit = (treated && x >= 3) || i % 11 === 0 ? 1 : 0;
    lines.push(`u${i},${treated ? 'Email' : 'No Email'},${visit},${visit ? 10 + x : 0},${x},${i % 3 === 0 ? 'gold' : 'basic'}`);
  }
  return lines.join('\n');
}
const post = (url: string, body: string, headers: Record<string, string> = auth) =>
  app.http.inject({ method: 'POST', url, payload: body, headers: { ...headers, 'content-type': 'text/csv' } });
const get = (url: string, headers: Record<string, string> = auth) => app.http.inject({ method: 'GET', url, headers });

describe('experiment routes', () => {
  let id = '';
  it('imports a CSV body with the mapping in the query', async () => {
    const q = new URLSearchParams({ name: 'Welcome mail', arm: 'arm', unit: 'id', outcomes: 'visit,spend', covariates: 'x,tier', control: 'No Email', ratios: 'spend_per_visit:spend/visit' });
    const res = await post(`/v1/reports/experiments?${q}`, csv());
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ rows: 200, imported: 200, errorCount: 0, experiment: { units: 200, numericCovariates: ['x'] } });
    id = body.experiment.id;
  });
  it('reports per arm with Welch CIs, relative lift, SRM and CUPED', async () => {
    const res = await get(`/v1/reports/experiments/${id}?cuped=x&alpha=0.1`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.control).toBe('No Email');
    expect(r.alpha).toBe(0.1);
    expect(r.srm).toMatchObject({ chiSquare: 0, pValue: 1, mismatch: false });
    const visit = r.metrics.find((m: { metric: string }) => m.metric === 'visit');
    expect(visit.arms[0].arm).toBe('No Email');
    const cmp = visit.comparisons[0];
    expect(cmp.absolute.ciLow).toBeLessThan(cmp.absolute.estimate);
    expect(cmp.absolute.ciHigh).toBeGreaterThan(cmp.absolute.estimate);
    expect(cmp.cuped.covariate).toBe('x');
    expect(cmp.cuped.varianceReduction).toBeGreaterThan(0);
    expect(r.metrics.map((m: { metric: string }) => m.metric)).toEqual(['visit', 'spend', 'spend_per_visit']);
  });
  it('evaluates uplift targeting on held-out units', async () => {
    const res = await get(`/v1/reports/experiments/${id}/uplift?treatment=Email&control=No%20Email&outcome=visit&features=x`);
    expect(res.statusCode, res.body).toBe(200);
    const u = res.json();
    expect(u).toMatchObject({ kind: 'binary', features: ['x'], topFraction: 0.3 });
    expect(u.train.units + u.test.units).toBe(200);
    expect(u.curve).toHaveLength(11);
    expect(u.upliftAtTop).toBeGreaterThan(u.randomUpliftAtTop);
  });
  it('lists experiments', async () => {
    const res = await get('/v1/reports/experiments');
    expect(res.json().experiments[0].id).toBe(id);
  });
  it('answers 400 naming the field, 404 for an unknown experiment, 401 without the admin key', async () => {
    const bad = await post('/v1/reports/experiments?name=x&arm=arm&outcomes=visit,nope', csv());
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('outcomes[1]');
    const noArm = await post('/v1/reports/experiments?name=x&outcomes=visit', csv());
    expect(noArm.statusCode).toBe(400);
    expect(noArm.json().error.message).toMatch(/arm/);
    const cuped = await get(`/v1/reports/experiments/${id}?cuped=tier`);
    expect(cuped.statusCode).toBe(400);
    expect(cuped.json().error.field).toBe('cuped');
    const ratios = await get(`/v1/reports/experiments/${id}?ratios=oops`);
    expect(ratios.json().error.field).toBe('ratios');
    expect((await get('/v1/reports/experiments/rex_nope')).statusCode).toBe(404);
    expect((await get(`/v1/reports/experiments/${id}`, {})).statusCode).toBe(401);
    expect((await post('/v1/reports/experiments?name=x&arm=arm&outcomes=visit', csv(), { authorization: 'Bearer wk_test_123' })).statusCode).toBe(401);
  });
});

describe('query parameter parsing', () => {
  it('reads ratios and weights lists', () => {
    expect(parseRatiosParam('aov:spend/conversion, rpv:spend/visit')).toEqual({ aov: ['spend', 'conversion'], rpv: ['spend', 'visit'] });
    expect(parseWeightsParam('No E-Mail:1,Mens E-Mail:2')).toEqual({ 'No E-Mail': 1, 'Mens E-Mail': 2 });
    expect(() => parseWeightsParam('a:0')).toThrow(/weights/);
  });
});
