import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BraidError, createManualClock } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { buildExperimentReport, createReports, mapExperimentRows, summarizeUnitRows, type ReportsService } from './index.ts';

const clock = createManualClock(Date.parse('2026-04-01T09:00:00Z'));
let t: TestDb;
let reports: ReportsService;
beforeAll(async () => { t = await openTestDb(clock); reports = createReports(testDeps(t.db, clock)); });
afterAll(async () => { await t.cleanup(); });

const CSV = [
  'customer,group,converted,revenue,prior_spend,region',
  'c1,holdout,0,0,10,north', 'c2,holdout,1,30,55,south', 'c3,holdout,0,0,0,north', 'c4,holdout,1,12.5,20,north',
  'c5,treated,1,40,35,south', 'c6,treated,1,22,15,north', 'c7,treated,0,0,5,south', 'c8,treated,1,18,,north', 'c9,treated,0,0,0,north',
].join('\n');
const mapping = { name: 'Spring promo', arm: 'group', unit: 'customer', outcomes: ['converted', 'revenue'], covariates: ['prior_spend', 'region'], control: 'holdout', ratios: { aov: ['revenue', 'converted'] as [string, string] } };
const fieldOf = async (p: Promise<unknown>) => { try { await p; return undefined; } catch (e) { return (e as BraidError).details?.field ?? (e as BraidError).code; } };

describe('import and report', () => {
  it('imports a CSV, detects categorical covariates, and reports exactly as the pure path over the same rows', async () => {
    const res = await reports.importExperiment(mapping, CSV);
    expect(res).toMatchObject({ rows: 9, imported: 9, errorCount: 0 });
    expect(res.experiment).toMatchObject({ name: 'Spring promo', units: 9, arms: [{ arm: 'holdout', units: 4 }, { arm: 'treated', units: 5 }], numericCovariates: ['prior_spend'], control: 'holdout' });
    expect(res.experiment.id).toMatch(/^rex_/);
    const sqlReport = await reports.report(res.experiment.id, { cuped: 'prior_spend' });
    const rows = mapExperimentRows(CSV, mapping).rows;
    const pure = buildExperimentReport({ arms: summarizeUnitRows(rows, mapping.outcomes, { ratios: mapping.ratios, cupedCovariate: 'prior_spend' }), control: 'holdout', cupedCovariate: 'prior_spend' });
    expect(sqlReport.metrics.map((m) => m.metric)).toEqual(['converted', 'revenue', 'aov']);
    for (const m of pure.metrics) {
      const s = sqlReport.metrics.find((x) => x.metric === m.metric)!;
      expect(s.arms).toEqual(m.arms.map((a) => ({ ...a, mean: expect.closeTo(a.mean, 12), stdDev: expect.closeTo(a.stdDev, 12) })));
      expect(s.comparisons[0]!.absolute.ciLow).toBeCloseTo(m.comparisons[0]!.absolute.ciLow, 10);
      expect(s.comparisons[0]!.cuped?.varianceReduction ?? 0).toBeCloseTo(m.comparisons[0]!.cuped?.varianceReduction ?? 0, 10);
    }
    expect(sqlReport.srm.arms).toEqual(['holdout', 'treated']);
  });

  it('appends rows in chunks; a re-imported unit replaces its row; duplicates within a request are reported', async () => {
    const created = await reports.importExperiment({ ...mapping, name: 'chunked' }, CSV.split('\n').slice(0, 5).join('\n'));
    const header = CSV.split('\n')[0]!;
    const more = await reports.appendRows(created.experiment.id, [header, ...CSV.split('\n').slice(5), 'c1,holdout,1,99,10,north', 'c9,treated,0,0,0,north'].join('\n'));
    expect(more.imported).toBe(6);
    expect(more.errorCount).toBe(1);
    expect(more.experiment.units).toBe(9);
    const r = await reports.report(created.experiment.id);
    expect(r.metrics.find((m) => m.metric === 'revenue')!.arms[0]!.mean).toBeCloseTo((99 + 30 + 12.5) / 4, 12);
  });

  it('numbers units across chunks when there is no unit column', async () => {
    const m = { name: 'numbered', arm: 'group', outcomes: ['converted'] };
    const a = await reports.importExperiment(m, 'group,converted\nA,1\nB,0\n');
    const b = await reports.appendRows(a.experiment.id, 'group,converted\nA,0\nB,1\n', { firstUnit: 3 });
    expect(b.experiment.units).toBe(4);
  });

  it('refuses CUPED on a categorical or unknown covariate and an unknown experiment, naming the field', async () => {
    const { experiment } = await reports.importExperiment({ ...mapping, name: 'x' }, CSV);
    expect(await fieldOf(reports.report(experiment.id, { cuped: 'region' }))).toBe('cuped');
    expect(await fieldOf(reports.report(experiment.id, { cuped: 'nope' }))).toBe('cuped');
    expect(await fieldOf(reports.report(experiment.id, { control: 'nope' }))).toBe('control');
    expect(await fieldOf(reports.report(experiment.id, { ratios: { r: ['revenue', 'nope'] } }))).toBe('ratios.r');
    expect(await fieldOf(reports.report('rex_missing'))).toBe('not_found');
    expect(await fieldOf(reports.appendRows('rex_missing', CSV))).toBe('not_found');
  });

  it('lists experiments newest first', async () => {
    clock.advance(1000);
    await reports.importExperiment({ ...mapping, name: 'latest' }, CSV);
    expect((await reports.list())[0]!.name).toBe('latest');
  });
});
