import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA_DIR } from '../../testing/test.config.ts';
import { hasFile, readOnlineRetail, splitCsv } from './recommendations.datasets.ts';
import { evaluate, splitByTime } from './recommendations.evaluate.ts';
import type { PurchaseRecord } from './recommendations.train.ts';

const DAY = 86_400_000;

describe('the evaluation protocol on hand-made data', () => {
  it('splits by time and scores only shoppers with history who bought something new', () => {
    const p = (user: string, day: number, item: string): PurchaseRecord => ({ user, item, at: day * DAY, order: `${user}-${day}` });
    const data = [
      p('a', 1, 'x'), p('a', 1, 'y'), p('b', 2, 'x'), p('b', 2, 'y'), p('c', 3, 'x'), p('c', 3, 'z'), p('d', 4, 'y'), p('d', 4, 'z'),
      p('a', 95, 'z'),   // new for a: scored
      p('b', 96, 'x'),   // a rebuy only: b is not scored
      p('e', 97, 'x'),   // no history: cold, not scored
    ];
    const { splitAt, train, test } = splitByTime(data, 30);
    expect(splitAt).toBe(67 * DAY);
    expect([train.length, test.length]).toEqual([8, 3]);
    const { report } = evaluate(data, { testDays: 30, train: { rules: null } });
    expect(report).toMatchObject({ testShoppers: 1, coldShoppers: 1, items: 3 });
    const pop = report.rows[0]!;
    expect(pop.name).toMatch(/popularity/);
    expect(pop.hr10).toBe(1); // z is the only item a has not bought
    for (const r of report.rows) for (const v of [r.hr10, r.ndcg10, r.coverage]) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('reads R write.csv lines', () => {
    expect(splitCsv('"536365","85123A","A ""B"", C",6,"2010-12-01 08:26:00",2.55,,"United Kingdom"'))
      .toEqual(['536365', '85123A', 'A "B", C', '6', '2010-12-01 08:26:00', '2.55', '', 'United Kingdom']);
  });
});

const retail = join(SHARED_DATA_DIR, 'online_retail');
const haveRetail = hasFile(retail, 'online_retail.csv.gz');
if (!haveRetail) console.warn(`skipping the Online Retail smoke evaluation: ${retail}/online_retail.csv.gz not found (shared data sets absent)`);

describe.skipIf(!haveRetail)('Online Retail smoke evaluation (first 150,000 lines)', () => {
  it('cleans the data as documented and beats popularity with the personal models', async () => {
    const { purchases, stats } = await readOnlineRetail(retail, { maxRows: 150_000 });
    expect(stats.rows).toBe(150_000);
    expect(stats.kept + stats.cancellations + stats.noCustomer + stats.nonProduct + stats.nonPositive).toBe(stats.rows);
    expect(purchases.every((p) => /^\d{5}[A-Z]{0,2}$/.test(p.item) && !p.order.startsWith('C'))).toBe(true);
    const { report } = evaluate(purchases, { testDays: 30, train: { ease: { topN: 400 }, rules: null } });
    expect(report.testShoppers).toBeGreaterThan(200);
    const hr = Object.fromEntries(report.rows.map((r) => [r.name.split(' ')[0], r.hr10]));
    expect(hr.user!).toBeGreaterThan(hr.popularity! * 1.3);
    expect(hr.auto!).toBeGreaterThan(hr.popularity! * 1.3);
  });
});
