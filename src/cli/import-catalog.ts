/**
 * `braid import catalog FILE`: a Merchant Center feed (.tsv/.csv/.txt) goes to
 * POST /v1/catalog/feeds/gmc, cut into chunks of whole rows with the header repeated; a .json
 * (array, or {products:[...]}) or .ndjson file of products goes to POST /v1/catalog/products in
 * chunks of 500. Errors are reported against the line of FILE, not of the chunk.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { extname } from 'node:path';
import { isPlainObject } from '../core/index.ts';
import { errorText, type BraidClient } from './client.ts';
import { problemReporter, requestWithRetry, type CliIo } from './io.ts';
import { createProgress, formatCount, formatDuration } from './progress.ts';

export const FEED_CHUNK_ROWS = 2000;
export const FEED_CHUNK_BYTES = 2 * 1024 * 1024;
export const PRODUCT_CHUNK = 500;
/** Under the server's 4 MB JSON body cap. */
export const PRODUCT_CHUNK_BYTES = 3 * 1024 * 1024;

type Delimiter = ',' | '\t';

/**
 * Whether a physical line leaves a quoted field open, by the catalog parser's rule: a field is
 * quoted only when it starts with `"`, and `""` inside it is a literal quote.
 */
export function endsInsideQuotes(line: string, delimiter: Delimiter, inside: boolean): boolean {
  let fieldStart = !inside;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inside) {
      if (ch === '"') {
        if (line[i + 1] === '"') i++;
        else inside = false;
      }
    } else if (ch === delimiter) {
      fieldStart = true;
      continue;
    } else if (ch === '"' && fieldStart) {
      inside = true;
    }
    fieldStart = false;
  }
  return inside;
}

/** Field values of one (complete) record. */
export function splitRecord(record: string, delimiter: Delimiter): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let value = '';
    if (record[i] === '"') {
      i++;
      while (i < record.length) {
        if (record[i] === '"') {
          if (record[i + 1] === '"') { value += '"'; i += 2; continue; }
          i++;
          break;
        }
        value += record[i++];
      }
    }
    while (i < record.length && record[i] !== delimiter) value += record[i++];
    out.push(value);
    if (i >= record.length) return out;
    i++;
  }
}

/** Same rule as the server: tab-separated when the header has more tabs than commas. */
export function detectDelimiter(header: string): Delimiter {
  let tabs = 0, commas = 0;
  for (const ch of header) { if (ch === '\t') tabs++; else if (ch === ',') commas++; }
  return tabs > commas ? '\t' : ',';
}

function normalizeHeader(name: string): string {
  return name.trim().toLowerCase().replace(/^g:/, '').replace(/[\s-]+/g, '_');
}

interface FeedTotals { rows: number; created: number; updated: number; variantsCreated: number; variantsUpdated: number; priceVersions: number; errorCount: number }
interface FeedResult extends Partial<FeedTotals> { errors?: Array<{ line: number; field: string; message: string }> }

async function importFeed(client: BraidClient, file: string, io: CliIo): Promise<number> {
  const size = statSync(file).size;
  const started = io.clock.now();
  const stream = createReadStream(file);
  let bytesRead = 0;
  stream.on('data', (c) => { bytesRead += c.length; });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const progress = createProgress({ label: 'Importing catalog', unit: 'rows', bytesTotal: size, out: io.stderr, clock: io.clock });
  const problems = problemReporter((l) => progress.log(l));
  const totals: FeedTotals = { rows: 0, created: 0, updated: 0, variantsCreated: 0, variantsUpdated: 0, priceVersions: 0, errorCount: 0 };
  const contentType = extname(file).toLowerCase() === '.csv' ? 'text/csv; charset=utf-8' : 'text/tab-separated-values; charset=utf-8';

  let header: string[] = [];
  let headerText = '';
  let delimiter: Delimiter = '\t';
  let groupCol = -1;
  let chunk: string[] = [];
  let chunkBytes = 0, chunkRows = 0, chunkStart = 0;
  let lastGroup: string | undefined;
  let fatal = false;
  let unlisted = 0;

  const send = async () => {
    if (chunkRows === 0 || fatal) return;
    const body = `${headerText}\n${chunk.join('\n')}\n`;
    const res = await requestWithRetry(client, { method: 'POST', path: '/v1/catalog/feeds/gmc', auth: 'admin', text: body, contentType }, io);
    if (res.status < 200 || res.status >= 300) throw new Error(`Braid rejected the feed: ${errorText(res)}`);
    const r = res.body as FeedResult;
    for (const k of Object.keys(totals) as Array<keyof FeedTotals>) totals[k] += typeof r[k] === 'number' ? r[k] : 0;
    const headerLines = header.length;
    for (const e of r.errors ?? []) {
      if (e.line <= headerLines) {
        // A header problem fails every chunk alike: report it once and stop.
        problems.report(`line ${e.line}`, `${e.field}: ${e.message}`);
        fatal = true;
        continue;
      }
      problems.report(`line ${chunkStart + e.line - headerLines - 1}`, `${e.field}: ${e.message}`);
    }
    // The server lists the first 1000 errors of a request; the rest still count.
    unlisted += Math.max(0, (r.errorCount ?? 0) - (r.errors?.length ?? 0));
    progress.update(totals.rows, bytesRead);
    chunk = []; chunkBytes = 0; chunkRows = 0;
  };

  let lineNo = 0;
  let record: string[] = [];
  let recordStart = 1;
  let inside = false;
  for await (const line of lines) {
    lineNo++;
    if (record.length === 0) recordStart = lineNo;
    const clean = lineNo === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
    record.push(clean);
    if (headerText === '' && record.length === 1) delimiter = detectDelimiter(clean);
    inside = endsInsideQuotes(clean, delimiter, inside);
    if (inside) continue;
    const text = record.join('\n');
    const physical = record;
    record = [];
    if (headerText === '') {
      headerText = text;
      header = physical;
      groupCol = splitRecord(text, delimiter).map(normalizeHeader).indexOf('item_group_id');
      continue;
    }
    if (text.trim() === '') { if (chunkRows > 0) chunk.push(...physical); continue; }
    const group = groupCol >= 0 ? splitRecord(text, delimiter)[groupCol] || undefined : undefined;
    // Cut only between products: rows of one item_group_id stay in one request.
    const full = chunkRows >= FEED_CHUNK_ROWS || chunkBytes + text.length > FEED_CHUNK_BYTES;
    if (full && (group === undefined || group !== lastGroup)) await send();
    if (fatal) break;
    if (chunkRows === 0) chunkStart = recordStart;
    chunk.push(...physical);
    chunkBytes += text.length + 1;
    chunkRows++;
    lastGroup = group;
  }
  if (record.length > 0 && !fatal) {
    // An unclosed quote at the end: send it as is, the server reports the row.
    if (chunkRows === 0) chunkStart = recordStart;
    chunk.push(...record);
    chunkRows++;
  }
  await send();
  progress.finish();
  if (headerText === '') { io.stderr.write(`${file} is empty\n`); return 1; }
  const secs = (io.clock.now() - started) / 1000;
  const errors = problems.count + unlisted, hidden = problems.hidden + unlisted;
  io.stderr.write(`Imported ${formatCount(totals.rows)} feed rows from ${file} into ${client.where} in ${formatDuration(secs)}: ` +
    `${formatCount(totals.created)} products created, ${formatCount(totals.updated)} updated, ${formatCount(totals.variantsCreated + totals.variantsUpdated)} variants, ` +
    `${formatCount(totals.priceVersions)} price changes` + (errors > 0 ? `; ${formatCount(errors)} errors${hidden ? ` (${formatCount(hidden)} not shown)` : ''}` : '') + '\n');
  return errors > 0 ? 1 : 0;
}

interface ProductItem { where: string; product: unknown; bytes: number }

async function* jsonProducts(file: string, onBytes: (n: number) => void, report: (where: string, msg: string) => void): AsyncGenerator<ProductItem> {
  if (extname(file).toLowerCase() === '.json') {
    const text = readFileSync(file, 'utf8');
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch (e) { throw new Error(`${file} is not valid JSON: ${(e as Error).message}`); }
    const list = Array.isArray(parsed) ? parsed : isPlainObject(parsed) && Array.isArray(parsed.products) ? parsed.products : undefined;
    if (!list) throw new Error(`${file} must hold an array of products or {"products": [...]}`);
    const total = Buffer.byteLength(text);
    for (let i = 0; i < list.length; i++) {
      onBytes(Math.round((total * (i + 1)) / list.length));
      yield { where: `products[${i}]`, product: list[i], bytes: Buffer.byteLength(JSON.stringify(list[i])) };
    }
    return;
  }
  const stream = createReadStream(file);
  let read = 0;
  stream.on('data', (c) => { read += c.length; });
  let lineNo = 0;
  for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNo++;
    onBytes(read);
    const text = raw.trim();
    if (text === '') continue;
    let value: unknown;
    try { value = JSON.parse(text); } catch (e) { report(`line ${lineNo}`, `invalid JSON (${(e as Error).message})`); continue; }
    if (!isPlainObject(value)) { report(`line ${lineNo}`, 'not a JSON object'); continue; }
    yield { where: `line ${lineNo}`, product: value, bytes: Buffer.byteLength(text) };
  }
}

async function importProducts(client: BraidClient, file: string, io: CliIo): Promise<number> {
  const started = io.clock.now();
  const progress = createProgress({ label: 'Importing products', unit: 'products', bytesTotal: statSync(file).size, out: io.stderr, clock: io.clock });
  const problems = problemReporter((l) => progress.log(l));
  const totals = { created: 0, updated: 0, variants: 0, priceVersions: 0 };
  let done = 0, bytesRead = 0;
  let chunk: ProductItem[] = [];
  let chunkBytes = 0;

  const send = async () => {
    let rest = chunk;
    chunk = []; chunkBytes = 0;
    while (rest.length > 0) {
      const res = await requestWithRetry(client, { method: 'POST', path: '/v1/catalog/products', auth: 'admin', json: { products: rest.map((i) => i.product) } }, io);
      if (res.status >= 200 && res.status < 300) {
        const r = res.body as { created?: number; updated?: number; variantsCreated?: number; variantsUpdated?: number; priceVersions?: number };
        totals.created += r.created ?? 0; totals.updated += r.updated ?? 0;
        totals.variants += (r.variantsCreated ?? 0) + (r.variantsUpdated ?? 0); totals.priceVersions += r.priceVersions ?? 0;
        done += rest.length;
        progress.update(done, bytesRead);
        return;
      }
      if (res.status === 401 || res.status === 403) throw new Error(`Braid refused the admin key (${errorText(res)})`);
      const err = (res.body as { error?: { field?: unknown; message?: string } } | undefined)?.error;
      const m = typeof err?.field === 'string' ? /^products\[(\d+)\]/.exec(err.field) : null;
      const idx = m ? Number(m[1]) : -1;
      if (res.status === 400 && idx >= 0 && idx < rest.length) {
        // All-or-nothing per request: drop the product it names and send the others again.
        problems.report(rest[idx]!.where, (err?.message ?? errorText(res)).replace(/^products\[\d+\]\.?/, '').replace(/^:\s*/, ''));
        rest = rest.filter((_, i) => i !== idx);
        continue;
      }
      if (res.status >= 500) throw new Error(`Braid failed to store products after retries (${errorText(res)})`);
      for (const item of rest) problems.report(item.where, `request rejected: ${errorText(res)}`);
      return;
    }
  };

  for await (const item of jsonProducts(file, (n) => { bytesRead = n; }, (w, msg) => problems.report(w, msg))) {
    if (chunk.length >= PRODUCT_CHUNK || (chunk.length > 0 && chunkBytes + item.bytes > PRODUCT_CHUNK_BYTES)) await send();
    chunk.push(item);
    chunkBytes += item.bytes + 1;
  }
  await send();
  progress.finish();
  const secs = (io.clock.now() - started) / 1000;
  io.stderr.write(`Imported ${formatCount(done)} products from ${file} into ${client.where} in ${formatDuration(secs)}: ` +
    `${formatCount(totals.created)} created, ${formatCount(totals.updated)} updated, ${formatCount(totals.variants)} variants, ${formatCount(totals.priceVersions)} price changes` +
    (problems.count > 0 ? `; ${formatCount(problems.count)} rejected${problems.hidden ? ` (${formatCount(problems.hidden)} not shown)` : ''}` : '') + '\n');
  return problems.count > 0 ? 1 : 0;
}

export const FEED_EXTENSIONS = ['.tsv', '.csv', '.txt'];
export const PRODUCT_EXTENSIONS = ['.json', '.ndjson', '.jsonl'];

export async function importCatalog(client: BraidClient, file: string, io: CliIo): Promise<number> {
  const ext = extname(file).toLowerCase();
  if (FEED_EXTENSIONS.includes(ext)) return importFeed(client, file, io);
  if (PRODUCT_EXTENSIONS.includes(ext)) return importProducts(client, file, io);
  throw new Error(`Cannot tell the format of ${file}: use .tsv/.csv/.txt for a Merchant Center feed, .json/.ndjson for products`);
}
