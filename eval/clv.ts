/**
 * npm run eval:clv — fits Braid's BG/NBD and Gamma-Gamma on the CDNOW sample (Fader, Hardie &
 * Lee 2005; ../shared/data/cdnow, see its SOURCE.md) and compares with the published parameters:
 * BG/NBD on cdnow_customers_summary.csv (2,357 customers, 39-week calibration) within 1%,
 * Gamma-Gamma on the 946 repeat customers of cdnow_customers_summary_with_transactions.csv
 * within 2%. Also checks Braid's transaction-to-summary code on CDNOW_sample.txt against the
 * published summary. Exits 1 when a parameter is out of tolerance.
 *
 *   --data DIR   the shared data folder (default ../shared/data next to the project)
 *
 * Last line: {"r","alpha","a","b","p","q","v"} as fitted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../src/cli/args.ts';
import {
  discountedClv, expectedAverageSpend, expectedPurchases, fitBgNbd, fitGammaGamma, probabilityAlive, summarizeTransactions,
} from '../src/modules/traits/index.ts';

const flags = parseArgs(process.argv.slice(2)).flags;
const dataDir = typeof flags.data === 'string' ? flags.data : fileURLToPath(new URL('../../shared/data/', import.meta.url));
const dir = join(dataDir, 'cdnow');
const files = ['cdnow_customers_summary.csv', 'cdnow_customers_summary_with_transactions.csv', 'CDNOW_sample.txt'];
for (const f of files) {
  if (!existsSync(join(dir, f))) {
    console.error(`eval:clv needs ${join(dir, f)} (the public CDNOW files; see ../shared/data/README.md)`);
    process.exit(2);
  }
}
const csv = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',').map(Number));

const PUBLISHED = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752, p: 6.25, q: 3.74, v: 15.45 };
const TOLERANCE = { r: 0.01, alpha: 0.01, a: 0.01, b: 0.01, p: 0.02, q: 0.02, v: 0.02 };

let t0 = performance.now();
const summary = csv('cdnow_customers_summary.csv').map(([id, x, tx, T]) => ({ id: id!, x: x!, tx: tx!, T: T! }));
const bg = fitBgNbd(summary);
const bgMs = performance.now() - t0;
t0 = performance.now();
const spend = csv('cdnow_customers_summary_with_transactions.csv').map(([id, x, tx, T, m]) => ({ id: id!, x: x!, tx: tx!, T: T!, m: m! }));
const repeaters = spend.filter((s) => s.x > 0);
const gg = fitGammaGamma(repeaters);
const ggMs = performance.now() - t0;

const fitted = { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, p: gg.p, q: gg.q, v: gg.v };
console.log(`BG/NBD on ${summary.length} customers (Nelder-Mead, ${bg.iterations} iterations, ${bgMs.toFixed(0)} ms, log-likelihood ${bg.logLikelihood.toFixed(4)})`);
console.log(`Gamma-Gamma on ${repeaters.length} repeat customers (${gg.iterations} iterations, ${ggMs.toFixed(0)} ms, log-likelihood ${gg.logLikelihood.toFixed(4)})\n`);
console.log('param      fitted   published   diff     tolerance');
let ok = true;
for (const k of Object.keys(PUBLISHED) as Array<keyof typeof PUBLISHED>) {
  const diff = fitted[k] / PUBLISHED[k] - 1;
  const pass = Math.abs(diff) <= TOLERANCE[k];
  ok &&= pass;
  console.log(`${k.padEnd(6)} ${fitted[k].toFixed(6).padStart(10)} ${PUBLISHED[k].toFixed(6).padStart(11)} ${(diff * 100).toFixed(3).padStart(7)}%   ${(TOLERANCE[k] * 100).toFixed(0)}% ${pass ? 'ok' : 'OUT OF TOLERANCE'}`);
}

// Braid's summary code on the raw sample, against the published summary (files rounded to 2 decimals).
const tx = readFileSync(join(dir, 'CDNOW_sample.txt'), 'utf8').trim().split(/\r?\n/).map((l) => l.trim().split(/\s+/))
  .map(([, id, d, , dollars]) => ({ customer: Number(id), at: Date.UTC(Number(d!.slice(0, 4)), Number(d!.slice(4, 6)) - 1, Number(d!.slice(6, 8))), amount: Number(dollars) }));
const ours = summarizeTransactions(tx, Date.UTC(1997, 8, 30));
const close = (a: number, b: number) => Math.abs(a - b) <= 0.005 + 1e-9;
const mismatches = spend.filter((s) => { const o = ours.get(s.id); return !o || o.x !== s.x || !close(o.tx, s.tx) || !close(o.T, s.T) || !close(o.monetary, s.m); }).length;
console.log(`\nsummary from CDNOW_sample.txt (${tx.length} transactions, calibration to 1997-09-30): ${ours.size} customers, ${mismatches} mismatches with the published summary`);
ok &&= mismatches === 0;

console.log('\ncustomer   x   t_x      T     P(alive)  E[purchases 39 wk]  E[spend]  CLV 52 wk (1%/month)');
for (const s of spend.slice(0, 5)) {
  const c = { x: s.x, tx: s.tx, T: s.T };
  const m = expectedAverageSpend(gg, { x: s.x, m: s.m });
  console.log(`${String(s.id).padStart(8)} ${String(s.x).padStart(3)} ${s.tx.toFixed(2).padStart(6)} ${s.T.toFixed(2).padStart(6)} ${probabilityAlive(bg, c).toFixed(4).padStart(10)} ${expectedPurchases(bg, c, 39).toFixed(4).padStart(19)} ${m.toFixed(2).padStart(9)} ${discountedClv(bg, c, m).toFixed(2).padStart(10)}`);
}
console.log(`\nwithin tolerance: ${ok ? 'yes' : 'NO'}`);
console.log(JSON.stringify(Object.fromEntries(Object.entries(fitted).map(([k, v]) => [k, Number(v.toFixed(6))]))));
if (!ok) process.exitCode = 1;
