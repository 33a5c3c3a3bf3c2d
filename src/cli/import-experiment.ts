/**
 * `braid import experiment FILE --arm COL --outcomes A,B [--covariates C,D] [--unit COL]
 * [--control ARM] [--name NAME] [--ratios name:num/den,...] [--weights arm:w,...]`: a past
 * randomized experiment, one row per unit. The first chunk creates the experiment
 * (POST /v1/reports/experiments), later chunks are appended (POST …/{id}/rows) with the header
 * repeated and the row number of their first row, so units keep one numbering. Rows are cut only
 * between complete CSV records (quoted fields may span lines).
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename } from 'node:path';
import type { ParsedArgs } from './args.ts';
import { errorText, type BraidClient } from './client.ts';
import { detectDelimiter, endsInsideQuotes } from './import-catalog.ts';
import { problemReporter, requestWithRetry, type CliIo } from './io.ts';
import { createProgress, formatCount, formatDuration } from './progress.ts';

export const EXPERIMENT_CHUNK_ROWS = 50_000;
export const EXPERIMENT_CHUNK_BYTES = 8 * 1024 * 1024;

const OPTIONAL = ['covariates', 'unit', 'control', 'ratios', 'weights'] as const;

/** The query string of the create request, from the command's flags; an error message when a required flag is missing. */
export function experimentQuery(args: ParsedArgs, file: string): URLSearchParams | string {
  const f = args.flags;
  const str = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
  if (!str('arm')) return 'Missing --arm COLUMN (the column naming each unit\'s arm).';
  if (!str('outcomes')) return 'Missing --outcomes A,B,... (numeric outcome columns).';
  const q = new URLSearchParams({ name: str('name') ?? basename(file), arm: str('arm')!, outcomes: str('outcomes')! });
  for (const k of OPTIONAL) { const v = str(k); if (v) q.set(k, v); }
  return q;
}

interface ImportBody {
  experiment?: { id: string; units: number; arms: Array<{ arm: string; units: number }> };
  rows?: number; imported?: number; errorCount?: number;
  errors?: Array<{ line: number; field: string; message: string }>;
}

export async function importExperiment(client: BraidClient, file: string, args: ParsedArgs, io: CliIo, limits = { rows: EXPERIMENT_CHUNK_ROWS, bytes: EXPERIMENT_CHUNK_BYTES }): Promise<number> {
  const query = experimentQuery(args, file);
  if (typeof query === 'string') { io.stderr.write(query + '\n'); return 2; }
  const started = io.clock.now();
  const stream = createReadStream(file);
  let bytesRead = 0;
  stream.on('data', (c) => { bytesRead += c.length; });
  const progress = createProgress({ label: 'Importing experiment', unit: 'rows', bytesTotal: statSync(file).size, out: io.stderr, clock: io.clock });
  const problems = problemReporter((l) => progress.log(l));

  let header = '', delimiter: ',' | '\t' = ',';
  let chunk: string[] = [], chunkBytes = 0, chunkRows = 0, chunkFirstRow = 1, chunkFirstLine = 2;
  let rowsSent = 0, imported = 0, unlisted = 0;
  let experiment: ImportBody['experiment'];

  const send = async () => {
    if (chunkRows === 0 && experiment) return;
    const text = `${header}\n${chunk.join('\n')}\n`;
    const path = experiment
      ? `/v1/reports/experiments/${encodeURIComponent(experiment.id)}/rows?firstUnit=${chunkFirstRow}`
      : `/v1/reports/experiments?${query.toString()}`;
    const res = await requestWithRetry(client, { method: 'POST', path, auth: 'admin', text, contentType: 'text/csv; charset=utf-8' }, io);
    if (res.status !== 200) throw new Error(`Braid rejected the experiment: ${errorText(res)}`);
    const body = res.body as ImportBody;
    experiment = body.experiment;
    imported += body.imported ?? 0;
    // The server counts lines from its chunk (header = line 1); map them back to the file.
    for (const e of body.errors ?? []) problems.report(e.line > 0 ? `line ${chunkFirstLine + e.line - 2}` : 'file', `${e.field}: ${e.message}`);
    unlisted += Math.max(0, (body.errorCount ?? 0) - (body.errors?.length ?? 0));
    rowsSent += chunkRows;
    progress.update(rowsSent, bytesRead);
    chunk = []; chunkBytes = 0; chunkRows = 0; chunkFirstRow = rowsSent + 1;
  };

  let record: string[] = [], inside = false, lineNo = 0, recordStart = 1;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNo++;
    if (record.length === 0) recordStart = lineNo;
    const clean = lineNo === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
    if (lineNo === 1) delimiter = detectDelimiter(clean);
    record.push(clean);
    inside = endsInsideQuotes(clean, delimiter, inside);
    if (inside) continue;
    const text = record.join('\n');
    record = [];
    if (header === '') { header = text; continue; }
    if (text.trim() === '') continue;
    if (chunkRows >= limits.rows || chunkBytes + text.length > limits.bytes) await send();
    if (chunkRows === 0) chunkFirstLine = recordStart;
    chunk.push(text);
    chunkBytes += text.length + 1;
    chunkRows++;
  }
  if (record.length > 0) { chunk.push(record.join('\n')); chunkRows++; }
  if (header === '') { progress.finish(); io.stderr.write(`${file} is empty\n`); return 1; }
  await send();
  progress.finish();
  const errors = problems.count + unlisted;
  const secs = (io.clock.now() - started) / 1000;
  io.stderr.write(`Imported ${formatCount(imported)} of ${formatCount(rowsSent)} rows from ${file} in ${formatDuration(secs)}` +
    (errors > 0 ? `; ${formatCount(errors)} rows rejected` : '') + '\n');
  io.stdout.write(`${experiment!.id}\t${formatCount(experiment!.units)} units\t${experiment!.arms.map((a) => `${a.arm}: ${formatCount(a.units)}`).join(', ')}\n`);
  return errors > 0 ? 1 : 0;
}
