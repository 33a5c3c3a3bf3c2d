import type { CoreDeps } from '../../core/index.ts';
import { appendSegment, encodeSegment, messageKey } from './events.store.ts';
import type { IngestResult, StoredMessage } from './events.types.ts';

interface Request {
  messages: StoredMessage[];
  lines: string[];
  keys: string[];
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

/** Upper bound on one group commit; larger groups raise latency without raising throughput. */
const MAX_GROUP_MESSAGES = 5000;

/**
 * Group commit: requests that arrive while a commit is running are merged into the next one, so
 * one transaction (one lock, one WAL flush) acknowledges many HTTP requests. A request's promise
 * resolves only after its segment is committed: acknowledged means durable.
 * While one group commits, the next group is compressed on the thread pool (a two-stage pipeline).
 */
export function createWriter(deps: CoreDeps, onCommitted: (headSeq: number) => void) {
  const queue: Request[] = [];
  let running = false;

  async function commitGroup(group: Request[], prepared: Promise<Buffer>): Promise<void> {
    const keys: string[] = [], lines: string[] = [];
    const seen = new Set<string>();
    const inGroupDup = new Set<string>();
    for (const r of group) for (let i = 0; i < r.keys.length; i++) {
      const k = r.keys[i]!;
      if (seen.has(k)) { inGroupDup.add(k); continue; }
      seen.add(k); keys.push(k); lines.push(r.lines[i]!);
    }
    const started = performance.now();
    try {
      // If in-group duplicates were dropped, the pre-compressed body no longer matches.
      const body = inGroupDup.size > 0 ? await encodeSegment(lines) : await prepared;
      const { duplicateKeys, firstSeq } = await appendSegment(deps.db, { keys, lines, body, receivedAt: new Date(deps.clock.now()).toISOString() });
      deps.metrics.ingestCommitDuration.observe((performance.now() - started) / 1000);
      deps.metrics.ingestCommitSize.observe(keys.length);
      const claimed = new Set<string>();
      for (const r of group) {
        let accepted = 0, duplicates = 0;
        for (let i = 0; i < r.keys.length; i++) {
          const k = r.keys[i]!;
          if (duplicateKeys.has(k) || claimed.has(k)) duplicates++;
          else { accepted++; claimed.add(k); deps.metrics.ingestEvents.inc({ type: r.messages[i]!.type }); }
        }
        if (duplicates) deps.metrics.ingestDuplicates.inc(duplicates);
        r.resolve({ accepted, duplicates });
      }
      onCommitted(firstSeq + keys.length - duplicateKeys.size - 1);
    } catch (e) {
      for (const r of group) r.reject(e);
    }
  }

  function takeGroup(): Request[] {
    const group: Request[] = [];
    let n = 0;
    while (queue.length > 0 && (group.length === 0 || n + queue[0]!.keys.length <= MAX_GROUP_MESSAGES)) {
      const r = queue.shift()!;
      group.push(r); n += r.keys.length;
    }
    return group;
  }

  async function run(): Promise<void> {
    running = true;
    let inflight: Promise<void> = Promise.resolve();
    while (queue.length > 0) {
      const group = takeGroup();
      const prepared = encodeSegment(group.flatMap((r) => r.lines)); // compresses while the previous group commits
      prepared.catch(() => undefined); // a failure surfaces through commitGroup
      await inflight;
      inflight = commitGroup(group, prepared);
      if (queue.length === 0) await inflight;
    }
    running = false; // synchronously after the empty check: submit() cannot slip in between
  }

  return {
    /** `lines[i]` is JSON.stringify(messages[i]), computed once by the caller (it also sizes them). */
    submit(messages: StoredMessage[], lines: string[]): Promise<IngestResult> {
      if (messages.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
      const keys = messages.map((m) => messageKey(m.messageId));
      return new Promise<IngestResult>((resolve, reject) => {
        queue.push({ messages, lines, keys, resolve, reject });
        if (!running) void run();
      });
    },
    get pending(): number { return queue.length; },
  };
}
