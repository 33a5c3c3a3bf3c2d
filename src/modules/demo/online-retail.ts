/**
 * Converter for the UCI Online Retail (I) data set (a UK gift retailer's invoice lines, 2010-12 to
 * 2011-12; see ../shared/data/online_retail/SOURCE.md): each invoice becomes ONE Segment track
 * message, `Order Completed`, or `Order Refunded` for `C`-prefixed cancellations.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { SegmentMessage } from './demo.types.ts';

export const ONLINE_RETAIL_COLUMNS = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'] as const;

/** Segment's per-message limit is 32 KB; stay a little under it. */
export const MAX_MESSAGE_BYTES = 32_000;

/**
 * One CSV record as written by R's write.csv: character fields double-quoted with `""` escapes,
 * numbers bare, NA as an empty unquoted field (returned as null, unlike a quoted "").
 * The file has no embedded newlines, so a record is a line.
 */
export function parseCsvLine(line: string): Array<string | null> {
  const out: Array<string | null> = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quoted field in: ${line.slice(0, 120)}`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') { value += '"'; i = q + 2; continue; }
        i = q + 1;
        break;
      }
      out.push(value);
    } else {
      const c = line.indexOf(',', i);
      const raw = c < 0 ? line.slice(i) : line.slice(i, c);
      out.push(raw === '' || raw === 'NA' ? null : raw);
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) break;
    if (line[i] !== ',') throw new Error(`expected a comma at column ${i + 1} in: ${line.slice(0, 120)}`);
    i++;
    if (i === line.length) { out.push(null); break; }
  }
  return out;
}

interface InvoiceLine { stockCode: string; description: string | null; quantity: number; unitPrice: number; date: string }
interface Invoice { invoiceNo: string; customerId: string | null; country: string | null; lines: InvoiceLine[] }

type Product = { product_id: string; sku?: string; name?: string; price: number; quantity: number };

/** Money in thousandths of a penny-unit, so summing half a million prices does not drift. */
const milli = (x: number) => Math.round(x * 1000);

function toMessage(inv: Invoice): SegmentMessage {
  const refund = inv.invoiceNo.startsWith('C');
  let revenue = 0;
  let date = inv.lines[0]!.date;
  for (const l of inv.lines) {
    revenue += milli(l.unitPrice) * l.quantity;
    if (l.date < date) date = l.date;
  }
  const msg: SegmentMessage = {
    type: 'track',
    event: refund ? 'Order Refunded' : 'Order Completed',
    messageId: `olr-${inv.invoiceNo}`,
    timestamp: `${date.replace(' ', 'T')}Z`, // naive UK time, treated as UTC (SOURCE.md)
    ...(inv.customerId ? { userId: inv.customerId } : { anonymousId: `guest-${inv.invoiceNo}` }),
    properties: { order_id: inv.invoiceNo, products: [] as Product[], revenue: revenue / 1000, currency: 'GBP' },
    ...(inv.country ? { context: { location: { country: inv.country } } } : {}),
  };
  fitProducts(msg, inv.lines);
  return msg;
}

/**
 * A few wholesale invoices have over 600 lines, more than fits in 32 KB. Rather than split an
 * invoice (and double-count the order), they degrade step by step: drop names and skus, then merge
 * repeated lines of one product at one price, then keep the first lines and record how many were
 * left out. Revenue always covers every line.
 */
function fitProducts(msg: SegmentMessage, lines: InvoiceLine[]): void {
  const props = msg.properties as { products: Product[]; products_omitted?: number };
  const full = lines.map((l): Product => ({ product_id: l.stockCode, sku: l.stockCode, ...(l.description !== null ? { name: l.description } : {}), price: l.unitPrice, quantity: l.quantity }));
  props.products = full;
  if (byteSize(msg) <= MAX_MESSAGE_BYTES) return;
  const merged = new Map<string, Product>();
  for (const l of lines) {
    const key = `${l.stockCode}\u0000${l.unitPrice}`;
    const m = merged.get(key);
    if (m) m.quantity += l.quantity; else merged.set(key, { product_id: l.stockCode, price: l.unitPrice, quantity: l.quantity });
  }
  props.products = [...merged.values()];
  let size = byteSize(msg);
  if (size <= MAX_MESSAGE_BYTES) return;
  const all = props.products;
  props.products_omitted = 0;
  // Each product costs about its JSON length plus a comma; cut that many, then tighten.
  let keep = all.length;
  while (size > MAX_MESSAGE_BYTES && keep > 0) {
    const avg = (size - 200) / keep;
    keep = Math.max(0, Math.min(keep - 1, keep - Math.ceil((size - MAX_MESSAGE_BYTES) / avg)));
    props.products = all.slice(0, keep);
    props.products_omitted = all.length - keep;
    size = byteSize(msg);
  }
}

function byteSize(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v));
}

/**
 * Turns CSV lines (header first) into messages, one per invoice. Invoices are contiguous in the
 * file except one (542806, interrupted by a few lines), so a small window of open invoices is
 * kept instead of assuming strict contiguity: a repeated messageId would drop its second half.
 */
export async function* onlineRetailMessages(lines: AsyncIterable<string> | Iterable<string>, opts: { window?: number } = {}): AsyncGenerator<SegmentMessage> {
  const window = opts.window ?? 16;
  const open = new Map<string, Invoice>();
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineNo === 1) {
      const header = parseCsvLine(line);
      if (header.join(',') !== ONLINE_RETAIL_COLUMNS.join(',')) throw new Error(`unexpected header: ${line}`);
      continue;
    }
    if (line === '') continue;
    const f = parseCsvLine(line);
    if (f.length !== 8) throw new Error(`line ${lineNo}: expected 8 fields, got ${f.length}`);
    const [invoiceNo, stockCode, description, quantity, date, unitPrice, customerId, country] = f;
    if (!invoiceNo || !stockCode || !date || quantity == null || unitPrice == null) throw new Error(`line ${lineNo}: missing InvoiceNo, StockCode, Quantity, InvoiceDate or UnitPrice`);
    const q = Number(quantity), p = Number(unitPrice);
    if (!Number.isInteger(q) || !Number.isFinite(p) || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(date)) throw new Error(`line ${lineNo}: bad Quantity, UnitPrice or InvoiceDate`);
    let inv = open.get(invoiceNo);
    if (!inv) {
      inv = { invoiceNo, customerId: customerId ?? null, country: country ?? null, lines: [] };
      open.set(invoiceNo, inv);
      if (open.size > window) {
        const [oldest] = open.keys();
        yield toMessage(open.get(oldest!)!);
        open.delete(oldest!);
      }
    }
    inv.lines.push({ stockCode, description: description ?? null, quantity: q, unitPrice: p, date });
  }
  for (const inv of open.values()) yield toMessage(inv);
}

/** Lines of a file, gunzipped when it ends in .gz. */
export function readLines(path: string): AsyncIterable<string> {
  const file = createReadStream(path);
  const input = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  file.on('error', (e) => input.destroy(e));
  return createInterface({ input, crlfDelay: Infinity });
}

export interface BatchLimits { maxMessages?: number; maxBytes?: number }

/** Groups messages into /v1/batch bodies: at most 500 messages and ~450 KB (Segment allows 500 KB). */
export async function* batchMessages(messages: AsyncIterable<SegmentMessage> | Iterable<SegmentMessage>, limits: BatchLimits = {}): AsyncGenerator<SegmentMessage[]> {
  const maxMessages = limits.maxMessages ?? 500;
  const maxBytes = limits.maxBytes ?? 450 * 1024;
  let batch: SegmentMessage[] = [];
  let bytes = 0;
  for await (const m of messages) {
    const size = byteSize(m) + 1;
    if (batch.length > 0 && (batch.length >= maxMessages || bytes + size > maxBytes)) { yield batch; batch = []; bytes = 0; }
    batch.push(m);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** The whole data set as ready-to-send batches. */
export function onlineRetailBatches(path: string, limits: BatchLimits = {}): AsyncGenerator<SegmentMessage[]> {
  return batchMessages(onlineRetailMessages(readLines(path)), limits);
}
