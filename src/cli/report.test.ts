import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBraid, type Braid } from '../app/app.ts';
import { createManualClock, parseConfig } from '../core/index.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { parseArgs } from './args.ts';
import type { BraidClient } from './client.ts';
import { experimentQuery, importExperiment } from './import-experiment.ts';
import type { CliIo } from './io.ts';
import { formatExperimentReport, reportExperiment, type ReportBody } from './report.ts';

const dir = mkdtempSync(join(tmpdir(), 'braid-cli-experiment-'));
const clock = createManualClock(Date.parse('2026-04-01T09:00:00Z'));
let t: TestDb;
let app: Braid;
let client: BraidClient & { paths: string[] };
beforeAll(async () => {
  t = await openTestDb(clock);
  app = await createBraid({ config: parseConfig({}, { demo: false, logLevel: 'silent' }), keys: { writeKey: 'wk_test_123', adminKey: 'ak_test_123' }, db: t.db, clock });
  const paths: string[] = [];
  // The real router, in process: the same requests the CLI sends over HTTP.
  client = {
    transport: 'in-process', where: 'test', paths,
    async request(req) {
      paths.push(req.path);
      const res = await app.http.inject({ method: req.method, url: req.path, payload: req.text ?? (req.json === undefined ? undefined : JSON.stringify(req.json)), headers: { authorization: 'Bearer ak_test_123', 'content-type': req.contentType ?? 'application/json' } });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    },
    settle: async () => undefined, close: async () => undefined,
  };
});
afterAll(async () => { await app.close(); await t.cleanup(); rmSync(dir, { recursive: true, force: true }); });

function captureIo(): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [], err: string[] = [];
  return {
    stdout: { write: (s: string) => { out.push(s); return true; } },
    stderr: { isTTY: false, write: (s: string) => { err.push(s); return true; } },
    clock, sleep: async () => undefined, out: () => out.join(''), err: () => err.join(''),
  };
}

describe('braid import experiment / report experiment', () => {
  it('needs --arm and --outcomes, and defaults the name to the file name', () => {
    expect(experimentQuery(parseArgs(['--outcomes', 'y']), 'a.csv')).toMatch(/--arm/);
    expect(experimentQuery(parseArgs(['--arm', 'g']), 'a.csv')).toMatch(/--outcomes/);
    expect(String(experimentQuery(parseArgs(['--arm', 'g', '--outcomes', 'y,z', '--cuped', 'x', '--control', 'A B']), '/d/test.csv'))).toBe('name=test.csv&arm=g&outcomes=y%2Cz&control=A+B');
  });

  it('imports in chunks (quoted multi-line fields stay whole), numbers units across chunks, reports bad rows by file line', async () => {
    const lines = ['id,arm,visit,spend,note,pre'];
    for (let i = 0; i < 25; i++) lines.push(`,${i % 2 ? 'B' : 'A'},${i % 3 === 0 ? 1 : 0},${i},"a, ${i === 4 ? 'two\nlines' : 'one'}",${i % 5}`);
    lines.push(',A,x,1,bad,1');
    const file = join(dir, 'exp.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const io = captureIo();
    const code = await importExperiment(client, file, parseArgs(['--arm', 'arm', '--outcomes', 'visit,spend', '--covariates', 'pre,note', '--control', 'A', '--name', 'cli test']), io, { rows: 10, bytes: 1 << 20 });
    expect(code).toBe(1);
    expect(io.err()).toContain('line 28: visit: is not a number');
    expect(io.err()).toContain('Imported 25 of 26 rows');
    expect(client.paths.filter((p) => p.includes('/rows?firstUnit='))).toHaveLength(2);
    expect(client.paths.some((p) => p.endsWith('firstUnit=11'))).toBe(true);
    const id = io.out().split('\t')[0]!;
    expect(io.out()).toContain('25 units');

    const r = captureIo();
    expect(await reportExperiment(client, id, parseArgs(['--cuped', 'pre']), r)).toBe(0);
    expect(r.out()).toContain('Sample ratio check');
    expect(r.out()).toMatch(/visit\s+A\s+13/);
    expect(r.out()).toContain('CUPED(pre)');

    const u = captureIo();
    expect(await reportExperiment(client, id, parseArgs(['--uplift', 'B', '--control', 'A', '--outcome', 'spend', '--features', 'pre']), u)).toBe(0);
    expect(u.out()).toContain('Uplift of B vs A on spend');
    const missing = captureIo();
    expect(await reportExperiment(client, 'rex_nope', parseArgs([]), missing)).toBe(1);
    expect(missing.err()).toContain('No experiment rex_nope');
  });

  it('formats the table with intervals, p-values and an SRM warning', () => {
    const est = { estimate: 0.0766, ciLow: 0.07, ciHigh: 0.0832, pValue: 1e-9 };
    const body: ReportBody = {
      experiment: { id: 'rex_1', name: 'H', units: 30 }, control: 'No', alpha: 0.05,
      arms: [{ arm: 'No', n: 10, share: 1 / 3 }, { arm: 'Yes', n: 20, share: 2 / 3 }],
      srm: { chiSquare: 3.3, pValue: 0.0001, mismatch: true },
      metrics: [{ metric: 'visit', kind: 'mean', arms: [{ arm: 'No', n: 10, mean: 0.1 }, { arm: 'Yes', n: 20, mean: 0.18 }], comparisons: [{ arm: 'Yes', absolute: est, relative: { ...est, estimate: 0.72, ciLow: 0.6, ciHigh: null } }] }],
    };
    const text = formatExperimentReport(body);
    expect(text).toContain('SAMPLE RATIO MISMATCH');
    expect(text).toMatch(/visit\s+No\s+10\s+0\.100000/);
    expect(text).toMatch(/Yes\s+20\s+0\.180000\s+\+0\.076600\s+\[\+0\.070000, \+0\.083200\]\s+\+72\.0%\s+\[\+60\.0%, –\]\s+<0\.0001/);
  });
});
