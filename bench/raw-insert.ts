/**
 * The storage's own ceiling for the ingest workload: the same events, in the same physical layout
 * the ingest path writes (one gzip'd segment plus one dedupe-key row per event), written with
 * plain multi-row INSERTs on a fresh embedded database with no HTTP, validation or group commit.
 * Also measures a naive one-row-per-event table with a jsonb payload, for comparison.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, systemClock } from '../src/core/index.ts';
import { encodeSegment, messageKey } from '../src/modules/events/events.store.ts';

interface Opts { events: number; batch: number; makeBatchBody: (start: number, n: number) => string }

export async function measureRawInsert(opts: Opts): Promise<{ rowsPerS: number; naiveRowsPerS: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'braid-raw-'));
  const db = await openDatabase({ dataDir: dir, clock: systemClock });
  const groups: Array<{ keys: string[]; body: Buffer; msgs: Array<Record<string, unknown>> }> = [];
  for (let start = 10_000_000; start < 10_000_000 + opts.events; start += opts.batch) {
    const msgs = (JSON.parse(opts.makeBatchBody(start, opts.batch)) as { batch: Array<Record<string, unknown>> }).batch;
    const lines = msgs.map((m) => JSON.stringify(m));
    groups.push({ keys: msgs.map((m) => messageKey(String(m.messageId))), body: await encodeSegment(lines), msgs });
  }
  const receivedAt = new Date(systemClock.now()).toISOString();
  let seq = 1;
  let t0 = performance.now();
  for (const g of groups) {
    await db.transaction(async (tx) => {
      const values: string[] = [];
      const params: unknown[] = [];
      g.keys.forEach((k, i) => { params.push(k, seq + i); values.push(`($${2 * i + 1}::uuid, $${2 * i + 2}::int8)`); });
      await tx.query(`insert into event_ids (message_key, seq) values ${values.join(',')}`, params);
      await tx.query(`insert into event_segments (first_seq, last_seq, n, received_at, body) values ($1, $2, $3, $4, $5)`, [seq, seq + g.keys.length - 1, g.keys.length, receivedAt, g.body]);
    });
    seq += g.keys.length;
  }
  const rowsPerS = (seq - 1) / ((performance.now() - t0) / 1000);

  await db.exec(`create table naive_events (seq bigint primary key, message_id text not null unique, type text not null, event text, anonymous_id text, ts timestamptz not null, payload jsonb not null)`);
  const naiveGroups = groups.slice(0, Math.max(1, Math.ceil(groups.length / 3)));
  seq = 1;
  t0 = performance.now();
  for (const g of naiveGroups) {
    for (let off = 0; off < g.msgs.length; off += 1000) {
      const chunk = g.msgs.slice(off, off + 1000);
      const values: string[] = [];
      const params: unknown[] = [];
      chunk.forEach((m, i) => {
        params.push(seq++, m.messageId, m.type, m.event, m.anonymousId, m.timestamp, JSON.stringify(m));
        const b = 7 * i;
        values.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`);
      });
      await db.query(`insert into naive_events values ${values.join(',')}`, params);
    }
  }
  const naiveRowsPerS = (seq - 1) / ((performance.now() - t0) / 1000);
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return { rowsPerS, naiveRowsPerS };
}
