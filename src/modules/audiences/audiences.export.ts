/**
 * Delivery of an audience to its destination. A file gets the full CSV snapshot (written to a
 * temporary name and renamed, so a reader never sees half a file); a webhook gets the adds and
 * removes, signed. Either throws on failure, and the caller then keeps the last exported
 * membership so the same difference is sent again at the next refresh.
 */
import { createHmac } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { invalid } from '../../core/index.ts';
import { renderCsv } from './audiences.hash.ts';
import type { AudienceFormat, Destination, ExportPayload } from './audiences.types.ts';

const WEBHOOK_TIMEOUT_MS = 15_000;

/** `<dataDir>/audiences`: where file exports live. */
export const exportDir = (dataDir: string): string => resolve(dataDir, 'audiences');

/**
 * The file a `file` destination writes: the default name, or `path` relative to
 * `<dataDir>/audiences`. A path escaping that directory is refused (400 naming the field), so the
 * API cannot be used to overwrite arbitrary files.
 */
export function resolveExportPath(dataDir: string, id: string, format: AudienceFormat, path: string | undefined, field = 'destination.path'): string {
  const base = exportDir(dataDir);
  if (path === undefined) return join(base, `${id}.${format}.csv`);
  const full = isAbsolute(path) ? resolve(path) : resolve(base, path);
  const rel = relative(base, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw invalid(field, `must be a file under ${base}`);
  return full;
}

export async function writeCsvFile(file: string, format: AudienceFormat, people: Iterable<{ email: string[]; phone: string[] }>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, renderCsv(format, people), 'utf8');
  await rename(tmp, file);
}

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`: what X-Braid-Signature carries. */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * POSTs the payload with `X-Braid-Timestamp` (Unix seconds, from the injected clock) and
 * `X-Braid-Signature`. A receiver recomputes the HMAC over the raw body and rejects stale
 * timestamps to stop replays. Anything but a 2xx is a failure.
 */
export async function postWebhook(dest: Extract<Destination, { type: 'webhook' }>, defaultSecret: string, payload: ExportPayload, nowMs: number): Promise<void> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(nowMs / 1000));
  const res = await fetch(dest.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'user-agent': 'braid-audiences',
      'x-braid-timestamp': timestamp, 'x-braid-signature': signPayload(dest.secret ?? defaultSecret, timestamp, body),
    },
    body,
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new Error(`webhook ${dest.url} answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
}
