/**
 * Readers for the public data sets the recommenders are proven on (../shared/data, see each
 * folder's SOURCE.md). Used by `npm run eval:recs` and the data-backed tests, never by serving.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { PurchaseRecord } from './recommendations.train.ts';

/**
 * A real product: 5 digits and an optional letter suffix (85123A). Everything else in the file is
 * a service line, not merchandise: POST/DOTCOM postage, M/m manual, D discount, S samples, C2
 * carriage, BANK CHARGES, AMAZONFEE, CRUK commission, PADS, B (bad debt), gift vouchers, DCGS*.
 */
export const PRODUCT_STOCK_CODE = /^\d{5}[A-Za-z]{0,2}$/;

export interface OnlineRetailStats { rows: number; kept: number; cancellations: number; noCustomer: number; nonProduct: number; nonPositive: number }

/**
 * UCI Online Retail lines as purchases: drops cancellations (InvoiceNo starting with C), lines
 * without a CustomerID (no shopper to learn from), non-product stock codes, and lines with
 * Quantity <= 0 or UnitPrice <= 0 (adjustments). Times are the naive UK times read as UTC.
 * segment = Country. `maxRows` reads only the first rows (the smoke test).
 */
export async function readOnlineRetail(dir: string, opts: { maxRows?: number } = {}): Promise<{ purchases: PurchaseRecord[]; stats: OnlineRetailStats }> {
  const lines = createInterface({ input: createReadStream(join(dir, 'online_retail.csv.gz')).pipe(createGunzip()), crlfDelay: Infinity });
  const purchases: PurchaseRecord[] = [];
  const stats: OnlineRetailStats = { rows: 0, kept: 0, cancellations: 0, noCustomer: 0, nonProduct: 0, nonPositive: 0 };
  let header = true;
  for await (const line of lines) {
    if (header) { header = false; continue; }
    if (opts.maxRows !== undefined && stats.rows >= opts.maxRows) break;
    stats.rows++;
    const f = splitCsv(line);
    const [invoice, code, , qty, date, price, customer, country] = f;
    if (invoice!.startsWith('C')) { stats.cancellations++; continue; }
    if (!customer) { stats.noCustomer++; continue; }
    if (!PRODUCT_STOCK_CODE.test(code!)) { stats.nonProduct++; continue; }
    if (!(Number(qty) > 0) || !(Number(price) > 0)) { stats.nonPositive++; continue; }
    purchases.push({ user: customer, item: code!.toUpperCase(), at: Date.parse(`${date!.replace(' ', 'T')}Z`), order: invoice!, segment: country || undefined });
    stats.kept++;
  }
  return { purchases, stats };
}

/** R write.csv fields: quoted strings with "" escapes, bare numbers, empty = NA (''). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) { v += line.slice(i); i = line.length; break; }
        v += line.slice(i, q);
        if (line[q + 1] === '"') { v += '"'; i = q + 2; continue; }
        i = q + 1;
        break;
      }
      out.push(v);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** Groceries baskets (arules `Groceries`): one basket per line, items comma-joined, no header. */
export function readGroceries(dir: string): string[][] {
  return readFileSync(join(dir, 'groceries_baskets.csv'), 'utf8').split('\n').filter((l) => l.length > 0).map((l) => l.split(','));
}

export function hasFile(dir: string, file: string): boolean {
  return existsSync(join(dir, file));
}
