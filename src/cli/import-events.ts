/**
 * `braid import events FILE.ndjson`: streams Segment messages, one JSON object per line, into
 * POST /v1/batch in order, in batches of at most 500 messages and 450 KB (Segment allows 500 KB;
 * the margin covers the envelope). Bad lines are reported with their line number and skipped;
 * everything else is imported. Batches are sent one at a time so the log keeps the file's order.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { isPlainObject } from '../core/index.ts';
import { errorText, type BraidClient } from './client.ts';
import { problemReporter, requestWithRetry, type CliIo } from './io.ts';
import { createProgress, formatCount, formatDuration, formatRate } from './progress.ts';

export const MAX_BATCH_MESSAGES = 500;
export const MAX_BATCH_BYTES = 450 * 1024;
export const MAX_MESSAGE_BYTES = 32 * 1024;
const ENVELOPE_BYTES = '{"batch":[]}'.length;

interface Item { line: number; text: string }

/** Which message of a batch a 400 blames: `error.index`, else the `batch[i]` in `error.field`. */
export function blamedIndex(body: unknown): number | undefined {
  const err = (body as { error?: { index?: unknown; field?: unknown } } | undefined)?.error;
  if (typeof err?.index === 'number' && Number.isInteger(err.index)) return err.index;
  const m = typeof err?.field === 'string' ? /^batch\[(\d+)\]/.exec(err.field) : null;
  return m ? Number(m[1]) : undefined;
}

/** `batch[3].userId: is required` → `userId: is required` (the line number replaces the index). */
export function withoutBatchPath(message: string): string {
  return message.replace(/^batch\[\d+\]\.?/, '').replace(/^:\s*/, '');
}

export async function importEvents(client: BraidClient, file: string, io: CliIo): Promise<number> {
  const size = statSync(file).size;
  const started = io.clock.now();
  const stream = createReadStream(file);
  let bytesRead = 0;
  stream.on('data', (chunk) => { bytesRead += chunk.length; });
  const input = file.endsWith('.gz') ? stream.pipe(createGunzip()) : stream;
  stream.on('error', (e) => input.destroy(e));
  const lines = createInterface({ input, crlfDelay: Infinity });
  const progress = createProgress({ label: 'Importing events', unit: 'events', bytesTotal: size, out: io.stderr, clock: io.clock });
  const problems = problemReporter((l) => progress.log(l));

  let imported = 0;
  let batch: Item[] = [];
  let batchBytes = ENVELOPE_BYTES;

  const send = async (items: Item[]) => {
    let rest = items;
    while (rest.length > 0) {
      const res = await requestWithRetry(client, { method: 'POST', path: '/v1/batch', auth: 'write', text: `{"batch":[${rest.map((i) => i.text).join(',')}]}`, contentType: 'application/json' }, io);
      if (res.status >= 200 && res.status < 300) { imported += rest.length; return; }
      if (res.status === 401 || res.status === 403) throw new Error(`Braid refused the write key (${errorText(res)})`);
      if (res.status >= 500) throw new Error(`Braid failed to store a batch after retries (${errorText(res)}); ${formatCount(imported)} messages were imported before it`);
      const idx = blamedIndex(res.body);
      const msg = (res.body as { error?: { message?: string } } | undefined)?.error?.message;
      if (res.status === 400 && idx !== undefined && idx < rest.length) {
        // The batch is all-or-nothing: drop the one bad message and send the others again.
        problems.report(`line ${rest[idx]!.line}`, msg ? withoutBatchPath(msg) : errorText(res));
        rest = rest.filter((_, i) => i !== idx);
        continue;
      }
      for (const item of rest) problems.report(`line ${item.line}`, `batch rejected: ${errorText(res)}`);
      return;
    }
  };

  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const text = raw.trim();
    if (text === '') continue;
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_MESSAGE_BYTES) { problems.report(`line ${lineNo}`, `message is ${formatCount(bytes)} bytes; the limit is 32 KB`); continue; }
    let value: unknown;
    try { value = JSON.parse(text); } catch (e) { problems.report(`line ${lineNo}`, `invalid JSON (${(e as Error).message})`); continue; }
    if (!isPlainObject(value)) { problems.report(`line ${lineNo}`, 'not a JSON object'); continue; }
    if (batch.length >= MAX_BATCH_MESSAGES || batchBytes + bytes + 1 > MAX_BATCH_BYTES) {
      await send(batch);
      batch = []; batchBytes = ENVELOPE_BYTES;
    }
    batch.push({ line: lineNo, text });
    batchBytes += bytes + 1;
    progress.update(imported + batch.length, bytesRead);
  }
  if (batch.length > 0) await send(batch);
  progress.finish();

  const secs = (io.clock.now() - started) / 1000;
  const more = problems.hidden > 0 ? ` (${formatCount(problems.hidden)} not shown)` : '';
  io.stderr.write(`Imported ${formatCount(imported)} messages from ${file} into ${client.where} in ${formatDuration(secs)} (${formatRate(secs > 0 ? imported / secs : imported)})` +
    (problems.count > 0 ? `; ${formatCount(problems.count)} bad lines skipped${more}` : '') + '\n');
  return problems.count > 0 ? 1 : 0;
}
