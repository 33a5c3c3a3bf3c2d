import { randomUUID } from 'node:crypto';
import { atPriority, BraidError, type CoreDeps, type Priority, type Queryable } from '../../core/index.ts';
import { findByMessageId, headSeq, readAfter, readSeqs } from './events.store.ts';
import type { IngestResult, LoggedMessage, MessageType, StoredMessage } from './events.types.ts';
import { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, normalizeMessage, type NormalizeContext } from './events.validate.ts';
import { createWriter } from './events.writer.ts';

export interface EventLog {
  /** Validates and durably commits Segment messages: all or nothing, exactly as POST /v1/batch. */
  ingest(messages: unknown[], opts?: { sentAt?: number; context?: Record<string, unknown>; impliedType?: MessageType; path?: string }): Promise<IngestResult>;
  /**
   * Messages with seq > afterSeq, in log order (whole segments, about `max` messages). `tx`: read
   * inside the caller's transaction (whose priority then applies).
   */
  readAfter(afterSeq: number, max: number, opts?: { priority?: Priority; tx?: Queryable }): Promise<LoggedMessage[]>;
  /** The messages at these seqs (missing ones are absent from the map). */
  readSeqs(seqs: number[]): Promise<Map<number, LoggedMessage>>;
  headSeq(): Promise<number>;
  findByMessageId(messageId: string): Promise<LoggedMessage | undefined>;
  /** Called in-process after each commit; other processes poll the log instead. */
  onCommitted(listener: (headSeq: number) => void): () => void;
}

export function createEventLog(deps: CoreDeps): EventLog {
  const listeners = new Set<(seq: number) => void>();
  const writer = createWriter(deps, (seq) => { for (const l of listeners) l(seq); });

  return {
    async ingest(raw, opts = {}) {
      const receivedAt = deps.clock.now();
      const ctx: NormalizeContext = { receivedAt, receivedAtIso: new Date(receivedAt).toISOString(), newMessageId: () => 'braid-' + randomUUID() };
      if (opts.sentAt !== undefined) { ctx.batchSentAt = opts.sentAt; ctx.batchSentAtIso = new Date(opts.sentAt).toISOString(); }
      if (opts.context) ctx.batchContext = opts.context;
      if (opts.impliedType) ctx.impliedType = opts.impliedType;
      const single = opts.path === 'body';
      const messages: StoredMessage[] = new Array(raw.length);
      const lines: string[] = new Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const path = single ? 'body' : `batch[${i}]`;
        const index = single ? undefined : i;
        const m = normalizeMessage(raw[i], path, index, ctx);
        const line = JSON.stringify(m);
        if (line.length > MAX_MESSAGE_BYTES / 4 && Buffer.byteLength(line) > MAX_MESSAGE_BYTES) {
          throw new BraidError('event_too_large', `${path}: message exceeds Segment's ${MAX_MESSAGE_BYTES / 1024} KB limit`, index === undefined ? { field: path } : { field: path, index });
        }
        messages[i] = m; lines[i] = line;
      }
      return writer.submit(messages, lines);
    },
    readAfter: (afterSeq, max, opts) => readAfter(opts?.tx ?? (opts?.priority ? atPriority(deps.db, opts.priority) : deps.db), afterSeq, max),
    readSeqs: (seqs) => readSeqs(deps.db, seqs),
    headSeq: () => headSeq(deps.db),
    findByMessageId: (id) => findByMessageId(deps.db, id),
    onCommitted(l) { listeners.add(l); return () => listeners.delete(l); },
  };
}

export function checkBatchBytes(bytes: number): void {
  if (bytes > MAX_BATCH_BYTES) {
    throw new BraidError('batch_too_large', `batch: body of ${bytes} bytes exceeds Segment's ${MAX_BATCH_BYTES / 1024} KB batch limit`, { field: 'batch' });
  }
}
