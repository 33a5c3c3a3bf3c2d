/**
 * npm run eval:recs — the recommenders on real data (UCI Online Retail, ../shared/data/online_retail):
 * temporal split with the last 30 days as the test, HR@10, NDCG@10 and catalog coverage for each
 * recommender next to a popularity baseline computed in the same run; then co-purchase association
 * rules on the Groceries baskets against the published 463 rules. Protocol: docs/recommendations.md.
 * Last line: {"hr10_best","hr10_popularity","ratio","ndcg10_best","coverage_best", ...}.
 */
import { join } from 'node:path';
import { SHARED_DATA_DIR } from '../src/testing/test.config.ts';
import { evaluate, hasFile, mineAssociationRules, readGroceries, readOnlineRetail } from '../src/modules/recommendations/index.ts';

const retailDir = join(SHARED_DATA_DIR, 'online_retail');
const groceriesDir = join(SHARED_DATA_DIR, 'groceries');
if (!hasFile(retailDir, 'online_retail.csv.gz')) {
  console.error(`eval:recs needs ${retailDir}/online_retail.csv.gz (the shared data sets); not found.`);
  process.exit(2);
}

const t0 = performance.now();
const { purchases, stats } = await readOnlineRetail(retailDir);
const loadMs = performance.now() - t0;
console.log(`Online Retail: ${stats.rows} lines read in ${(loadMs / 1000).toFixed(1)} s; kept ${stats.kept} purchase lines ` +
  `(dropped ${stats.cancellations} cancellation lines, ${stats.noCustomer} without CustomerID, ${stats.nonProduct} non-product codes, ${stats.nonPositive} with quantity or price <= 0)`);

const { report } = evaluate(purchases, { testDays: 30, perf: () => performance.now() });
console.log(`split at ${new Date(report.splitAt).toISOString()} (last 30 days = test); ${report.trainPurchases} training lines, ${report.items} items, ` +
  `model trained in ${(report.trainMs / 1000).toFixed(1)} s`);
console.log(`test shoppers: ${report.testShoppers} with history and a new item in the test period; ${report.coldShoppers} without training history (not scored)`);
console.log('');
console.log('recommender                  HR@10   NDCG@10  coverage  p50 ms  p99 ms (one call)');
for (const r of report.rows) {
  console.log(`${r.name.padEnd(27)} ${r.hr10.toFixed(4)}  ${r.ndcg10.toFixed(4)}   ${r.coverage.toFixed(4)}   ${r.p50Ms.toFixed(3)}   ${r.p99Ms.toFixed(3)}`);
}
const baseline = report.rows.find((r) => r.name.startsWith('popularity'))!;
const best = report.rows.filter((r) => r !== baseline).reduce((a, b) => (b.hr10 > a.hr10 ? b : a));
console.log(`best: ${best.name}, HR@10 ${best.hr10.toFixed(4)} = ${(best.hr10 / baseline.hr10).toFixed(2)}x popularity`);

let groceryRules: number | null = null;
if (hasFile(groceriesDir, 'groceries_baskets.csv')) {
  const baskets = readGroceries(groceriesDir);
  const t1 = performance.now();
  const rules = mineAssociationRules(baskets, { minSupport: 0.006, minConfidence: 0.25, minLen: 2 });
  groceryRules = rules.length;
  const top = rules[0]!;
  console.log('');
  console.log(`Groceries: ${baskets.length} baskets; ${rules.length} rules at support >= 0.006, confidence >= 0.25, minlen 2 (published: 463) in ${Math.round(performance.now() - t1)} ms; ` +
    `highest lift {${top.lhs.join(', ')}} => {${top.rhs}}: support ${top.support.toFixed(4)}, confidence ${top.confidence.toFixed(4)}, lift ${top.lift.toFixed(3)}`);
} else {
  console.log(`Groceries rules skipped: ${groceriesDir}/groceries_baskets.csv not found`);
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
console.log(JSON.stringify({
  hr10_best: r4(best.hr10), hr10_popularity: r4(baseline.hr10), ratio: r4(best.hr10 / baseline.hr10), ndcg10_best: r4(best.ndcg10), coverage_best: r4(best.coverage),
  best: best.name, test_shoppers: report.testShoppers, grocery_rules: groceryRules,
}));
