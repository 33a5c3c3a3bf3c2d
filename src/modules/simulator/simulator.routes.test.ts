import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { writeLatestSimulation } from '../../testing/simulation.ts';

describe('GET /v1/simulations/latest', () => {
  let s: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'braid-sim-route-'));
    s = await startTestServer({ config: { dataDir }, background: false });
  });
  afterAll(async () => { await s?.close(); rmSync(dataDir, { recursive: true, force: true }); });

  it('answers 404 with how to run one while no simulation has run', async () => {
    const r = await s.api('GET', '/v1/simulations/latest');
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'not_found' });
    expect(r.body.error.message).toContain('braid simulate');
    expect((await fetch(s.url + '/v1/simulations/latest/report.png', { headers: { authorization: s.bearer } })).status).toBe(404);
  });

  it('serves the latest result as braid simulate writes it, and its plots as PNG', async () => {
    const sim = writeLatestSimulation(dataDir, Date.parse('2026-02-01T00:00:00Z'));
    const r = await s.api('GET', '/v1/simulations/latest');
    expect(r.status).toBe(200);
    expect(r.body.generatedAt).toBe('2026-02-01T00:00:00.000Z');
    expect(r.body.rows.map((x: { policy: string }) => x.policy)).toEqual(['none', 'blast', 'rules', 'braid']);
    const braid = r.body.rows.find((x: { policy: string }) => x.policy === 'braid');
    const want = sim.comparison.rows.find((x) => x.policy === 'braid')!;
    expect(braid.incremental.mean).toBeCloseTo(want.incremental.mean, 6);
    expect(braid.incremental.ciLow).toBeCloseTo(want.incremental.ciLow!, 6);
    expect(Object.keys(braid)).toEqual(expect.arrayContaining(['revenue', 'discount', 'messagesPerShopper', 'unsubscribes']));
    expect(r.body.estimates).toHaveLength(2);
    expect(r.body.estimates[0]).toMatchObject({ seed: 1, covered: true, estimate: { source: 'GET /v1/reports/workers/_all' } });
    expect(r.body.series.cumIncrementalContribution.braid).toHaveLength(5);
    expect(r.body.series.cumIncrementalContribution.none.every((v: number) => v === 0)).toBe(true);
    const png = await fetch(s.url + '/v1/simulations/latest/report.png', { headers: { authorization: s.bearer } });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('names the file when it is not a simulation result, and needs reports:read', async () => {
    mkdirSync(join(dataDir, 'simulations'), { recursive: true });
    writeFileSync(join(dataDir, 'simulations', 'latest.json'), JSON.stringify({ rows: 'nope' }));
    const r = await s.api('GET', '/v1/simulations/latest');
    expect(r.status).toBe(500);
    expect(r.body.error.message).toContain('latest.json');
    expect((await s.api('GET', '/v1/simulations/latest', undefined, '')).status).toBe(401);
  });
});
