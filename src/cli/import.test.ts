import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../core/index.ts';
import type { ApiRequest, ApiResponse, BraidClient } from './client.ts';
import { endsInsideQuotes, importCatalog, splitRecord } from './import-catalog.ts';
import { importEvents, MAX_BATCH_BYTES } from './import-events.ts';
import type { CliIo } from './io.ts';

const dir = mkdtempSync(join(tmpdir(), 'braid-cli-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeClient(handle: (req: ApiRequest) => ApiResponse): BraidClient & { requests: ApiRequest[] } {
  const requests: ApiRequest[] = [];
  return {
    transport: 'http', where: 'http://fake', requests,
    request: async (req) => { requests.push(req); return handle(req); },
    settle: async () => undefined, close: async () => undefined,
  };
}

function captureIo(): CliIo & { err: () => string } {
  const err: string[] = [];
  const clock = createManualClock(0);
  return {
    stdout: { write: () => true },
    stderr: { isTTY: false, write: (s: string) => { err.push(s); clock.advance(1); return true; } },
    clock, sleep: async () => undefined, err: () => err.join(''),
  };
}

describe('import events', () => {
  it('batches by count and bytes, keeps order, reports bad lines by number and goes on', async () => {
    const lines: string[] = [];
    const good: string[] = [];
    for (let i = 0; i < 1300; i++) {
      const m = { type: 'track', event: 'Product Viewed', userId: `u${i % 40}`, messageId: `m${i}`, properties: { pad: 'x'.repeat(i % 50 === 0 ? 20_000 : 40) } };
      if (i === 700) { lines.push('{"type":"track","userId":"u1","event":"Rejected by server","messageId":"bad-1"}'); }
      lines.push(JSON.stringify(m));
      good.push(`m${i}`);
      if (i === 10) lines.push('{not json');
      if (i === 20) lines.push('[1,2,3]');
      if (i === 30) lines.push('');
      if (i === 40) lines.push(JSON.stringify({ type: 'track', userId: 'u', event: 'Big', properties: { pad: 'y'.repeat(40_000) } }));
    }
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, lines.join('\n') + '\n');
    const client = fakeClient((req) => {
      const batch = (JSON.parse(req.text!) as { batch: Array<{ messageId: string }> }).batch;
      const i = batch.findIndex((m) => m.messageId === 'bad-1');
      if (i >= 0) return { status: 400, body: { error: { code: 'invalid_request', message: `batch[${i}].event: is not allowed here`, field: `batch[${i}].event`, index: i } } };
      return { status: 200, body: { success: true } };
    });
    const io = captureIo();
    expect(await importEvents(client, file, io)).toBe(1);

    const accepted: string[] = [];
    for (const r of client.requests) {
      expect(r).toMatchObject({ method: 'POST', path: '/v1/batch', auth: 'write' });
      expect(Buffer.byteLength(r.text!)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
      const batch = (JSON.parse(r.text!) as { batch: Array<{ messageId: string }> }).batch;
      expect(batch.length).toBeLessThanOrEqual(500);
      if (!batch.some((m) => m.messageId === 'bad-1')) accepted.push(...batch.map((m) => m.messageId));
    }
    expect(accepted).toEqual(good);
    const err = io.err();
    expect(err).toContain('line 12: invalid JSON');
    expect(err).toContain('line 23: not a JSON object');
    expect(err).toMatch(/line 45: message is [\d,]+ bytes; the limit is 32 KB/);
    expect(err).toContain('line 705: event: is not allowed here');
    expect(err).toMatch(/Imported 1,300 messages .*; 4 bad lines skipped/);
  });

  it('stops on a refused write key', async () => {
    const file = join(dir, 'one.ndjson');
    writeFileSync(file, '{"type":"track","userId":"u","event":"E"}\n');
    const client = fakeClient(() => ({ status: 401, body: { error: { code: 'unauthorized', message: 'Invalid write key' } } }));
    await expect(importEvents(client, file, captureIo())).rejects.toThrow(/refused the write key/);
  });
});

describe('import catalog: Merchant Center feeds', () => {
  it('tracks quoted fields across lines and splits records', () => {
    expect(endsInsideQuotes('a,"b', ',', false)).toBe(true);
    expect(endsInsideQuotes('still "" quoted', ',', true)).toBe(true);
    expect(endsInsideQuotes('end" ,x', ',', true)).toBe(false);
    expect(endsInsideQuotes('12" TV\tx', '\t', false)).toBe(false); // a quote inside an unquoted field is literal
    expect(splitRecord('a,"b,""c""\nd",e', ',')).toEqual(['a', 'b,"c"\nd', 'e']);
    expect(splitRecord('x\t\ty', '\t')).toEqual(['x', '', 'y']);
  });

  it('sends whole rows in chunks with the header repeated, keeps variant groups together, maps error lines', async () => {
    const header = 'id\ttitle\tprice\titem_group_id';
    const rows: string[] = [];
    for (let i = 0; i < 4500; i++) rows.push(`SKU${i}\t${i === 3001 ? 'BADROW' : `Shirt ${Math.floor(i / 3)}`}\t${(10 + (i % 7)).toFixed(2)} USD\tG${Math.floor(i / 3)}`);
    const file = join(dir, 'feed.tsv');
    writeFileSync(file, [header, ...rows].join('\r\n') + '\r\n');
    const client = fakeClient((req) => {
      const lines = req.text!.split('\n');
      const bad = lines.findIndex((l) => l.includes('BADROW'));
      const n = lines.filter((l) => l !== '').length - 1;
      return { status: 200, body: { created: n, updated: 0, variantsCreated: n, variantsUpdated: 0, priceVersions: n, rows: n, errorCount: bad >= 0 ? 1 : 0, errors: bad >= 0 ? [{ line: bad + 1, field: 'title', message: 'looks wrong' }] : [] } };
    });
    const io = captureIo();
    expect(await importCatalog(client, file, io)).toBe(1);
    const sent: string[] = [];
    for (const r of client.requests) {
      expect(r).toMatchObject({ method: 'POST', path: '/v1/catalog/feeds/gmc', auth: 'admin' });
      const lines = r.text!.split('\n').filter((l) => l !== '');
      expect(lines[0]).toBe(header);
      expect(lines.length - 1).toBeLessThanOrEqual(2002);
      const groups = lines.slice(1).map((l) => l.split('\t')[3]);
      expect(groups.filter((g) => g === groups[0]).length % 3 === 0 || groups[0] === 'G0').toBe(true); // a chunk never starts mid-group
      sent.push(...lines.slice(1));
    }
    expect(client.requests.length).toBe(3);
    expect(sent).toEqual(rows);
    expect(io.err()).toContain('line 3003: title: looks wrong');
    expect(io.err()).toMatch(/Imported 4,500 feed rows .*; 1 errors/);
  });

  it('keeps a quoted multi-line CSV field in one record, and stops on a header error', async () => {
    const file = join(dir, 'feed.csv');
    writeFileSync(file, 'id,title,description\n1,Mug,"two\nlines, with ""quotes"""\n2,Cup,plain\n');
    const client = fakeClient((req) => ({ status: 200, body: { created: 0, updated: 0, variantsCreated: 0, variantsUpdated: 0, priceVersions: 0, rows: 2, errorCount: 1, errors: [{ line: 1, field: 'price', message: 'required column is missing from the header' }], echo: req.text } }));
    const io = captureIo();
    expect(await importCatalog(client, file, io)).toBe(1);
    expect(client.requests).toHaveLength(1);
    expect(client.requests[0]!.text).toBe('id,title,description\n1,Mug,"two\nlines, with ""quotes"""\n2,Cup,plain\n');
    expect(io.err()).toContain('line 1: price: required column is missing from the header');
  });
});

describe('import catalog: JSON products', () => {
  const products = Array.from({ length: 1203 }, (_, i) => ({ id: i === 777 ? 'bad' : `P${i}`, title: `Product ${i}`, price: 10 }));
  const handler = (req: ApiRequest): ApiResponse => {
    const list = (req.json as { products: Array<{ id: string }> }).products;
    const i = list.findIndex((p) => p.id === 'bad');
    if (i >= 0) return { status: 400, body: { error: { code: 'invalid_request', message: `products[${i}].price: must be positive`, field: `products[${i}].price` } } };
    return { status: 200, body: { created: list.length, updated: 0, variantsCreated: list.length, variantsUpdated: 0, priceVersions: list.length } };
  };

  it('sends a .json array in chunks of 500 and names a rejected product by its index', async () => {
    const file = join(dir, 'products.json');
    writeFileSync(file, JSON.stringify({ products }));
    const client = fakeClient(handler);
    const io = captureIo();
    expect(await importCatalog(client, file, io)).toBe(1);
    const ok = client.requests.filter((r) => handler(r).status === 200);
    expect(ok.map((r) => (r.json as { products: unknown[] }).products.length)).toEqual([500, 499, 203]);
    expect(io.err()).toContain('products[777]: price: must be positive');
    expect(io.err()).toMatch(/Imported 1,202 products .*1,202 created/);
  });

  it('streams .ndjson and names bad lines by number', async () => {
    const file = join(dir, 'products.ndjson');
    writeFileSync(file, products.map((p) => JSON.stringify(p)).join('\n') + '\n{oops\n');
    const client = fakeClient(handler);
    const io = captureIo();
    expect(await importCatalog(client, file, io)).toBe(1);
    expect(io.err()).toContain('line 778: price: must be positive');
    expect(io.err()).toContain('line 1204: invalid JSON');
  });

  it('refuses an unknown extension', async () => {
    const file = join(dir, 'products.xml');
    writeFileSync(file, '<x/>');
    await expect(importCatalog(fakeClient(handler), file, captureIo())).rejects.toThrow(/Cannot tell the format/);
  });
});
