import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { Db, Queryable } from '../../core/index.ts';
import type { LoggedMessage } from './events.types.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The dedupe key of a messageId as a uuid (16 bytes, cheap to index): the id itself when it is a
 * uuid (what Segment and RudderStack SDKs send), else its MD5.
 */
export function messageKey(messageId: string): string {
  if (messageId.length === 36 && UUID.test(messageId)) return messageId.toLowerCase();
  const h = createHash('md5').update(messageId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Compression runs on libuv's thread pool, off the main thread and off the database thread. */
export function encodeSegment(lines: string[]): Promise<Buffer> {
  return gzipAsync(lines.join('\n'), { level: 1 });
}

export async function decodeSegment(body: Uint8Array, firstSeq: number): Promise<LoggedMessage[]> {
  const text = (await gunzipAsync(body)).toString('utf8');
  if (text.length === 0) return [];
  return text.split('\n').map((line, i) => ({ ...(JSON.parse(line) as Omit<LoggedMessage, 'seq'>), seq: firstSeq + i }));
}

export interface PreparedSegment {
  keys: string[];
  lines: string[];
  body: Buffer;
  receivedAt: string;
}

/**
 * Appends one segment atomically and idempotently. The advisory lock serializes writers across
 * processes, which (a) makes the NOT EXISTS dedupe race-free and (b) makes commit order equal
 * seq order, so consumers that read "after seq N" never skip a late-committing segment.
 * Returns the keys that were duplicates of messages already in the log.
 */
export async function appendSegment(db: Db, seg: PreparedSegment): Promise<{ duplicateKeys: Set<string>; firstSeq: number }> {
  return db.transaction(async (tx) => {
    // Both posted at once (the lock is taken before the read runs): one round trip, not two.
    const [, last] = await Promise.all([
      tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || ':ingest'))`),
      tx.query<{ last_seq: number }>(`select last_seq from event_segments order by first_seq desc limit 1`),
    ]);
    const firstSeq = (last.rows[0]?.last_seq ?? 0) + 1;
    // Optimistic path: dedupe and insert in one statement (keys as one text parameter: PGlite
    // serializes a 5,000-element array parameter slowly). Duplicates are rare (client retries).
    const ins = await tx.query(
      `insert into event_ids (message_key, seq) select k, $2::int8 + i - 1 from unnest(string_to_array($1, ',')::uuid[]) with ordinality x(k, i)
       where not exists (select 1 from event_ids e where e.message_key = x.k)`, [seg.keys.join(','), firstSeq]);
    const duplicateKeys = new Set<string>();
    let { keys, lines, body } = seg;
    if (ins.affectedRows !== keys.length) {
      const kept = await tx.query<{ k: string }>(`select message_key::text as k from event_ids where seq >= $1 and seq < $2`, [firstSeq, firstSeq + keys.length]);
      const fresh = new Set(kept.rows.map((r) => r.k));
      for (const k of keys) if (!fresh.has(k)) duplicateKeys.add(k);
      const keep = keys.map((k) => fresh.has(k));
      keys = keys.filter((_, i) => keep[i]);
      lines = lines.filter((_, i) => keep[i]);
      await tx.query(`delete from event_ids where seq >= $1 and seq < $2`, [firstSeq, firstSeq + seg.keys.length]);
      if (keys.length > 0) {
        body = await encodeSegment(lines);
        await tx.query(`insert into event_ids (message_key, seq) select k, $2::int8 + i - 1 from unnest(string_to_array($1, ',')::uuid[]) with ordinality x(k, i)`, [keys.join(','), firstSeq]);
      }
    }
    if (keys.length > 0) {
      await tx.query(`insert into event_segments (first_seq, last_seq, n, received_at, body) values ($1, $2, $3, $4, $5)`,
        [firstSeq, firstSeq + keys.length - 1, keys.length, seg.receivedAt, body]);
    }
    return { duplicateKeys, firstSeq };
  });
}

/** Messages with seq > afterSeq, up to maxMessages (seqs are contiguous, so the range is exact). */
export async function readAfter(db: Queryable, afterSeq: number, maxMessages: number): Promise<LoggedMessage[]> {
  const segs = await db.query<{ first_seq: number; body: Uint8Array; n: number }>(
    `select first_seq, n, body from event_segments where last_seq > $1 and first_seq <= $1 + $2 order by first_seq`,
    [afterSeq, Math.max(1, maxMessages)]);
  const out: LoggedMessage[] = [];
  for (const s of segs.rows) {
    for (const m of await decodeSegment(s.body, s.first_seq)) if (m.seq > afterSeq && m.seq <= afterSeq + maxMessages) out.push(m);
  }
  return out;
}

/** The messages at the given seqs, decoding each segment that holds them once. */
export async function readSeqs(db: Queryable, seqs: number[]): Promise<Map<number, LoggedMessage>> {
  const out = new Map<number, LoggedMessage>();
  if (seqs.length === 0) return out;
  const wanted = new Set(seqs);
  const segs = await db.query<{ first_seq: number; body: Uint8Array }>(
    `select s.first_seq, s.body from event_segments s
     where exists (select 1 from unnest($1::int8[]) q(seq) where q.seq between s.first_seq and s.last_seq)`, [seqs]);
  for (const s of segs.rows) for (const m of await decodeSegment(s.body, s.first_seq)) if (wanted.has(m.seq)) out.set(m.seq, m);
  return out;
}

export async function headSeq(db: Queryable): Promise<number> {
  const r = await db.query<{ last_seq: number }>(`select last_seq from event_segments order by first_seq desc limit 1`);
  return r.rows[0]?.last_seq ?? 0;
}

export async function findByMessageId(db: Queryable, messageId: string): Promise<LoggedMessage | undefined> {
  const r = await db.query<{ seq: number }>(`select seq from event_ids where message_key = $1`, [messageKey(messageId)]);
  const seq = r.rows[0]?.seq;
  if (seq === undefined) return undefined;
  const s = await db.query<{ first_seq: number; body: Uint8Array }>(
    `select first_seq, body from event_segments where first_seq <= $1 order by first_seq desc limit 1`, [seq]);
  const row = s.rows[0];
  if (!row) return undefined;
  return (await decodeSegment(row.body, row.first_seq)).find((m) => m.seq === seq);
}
