import { Worker } from 'node:worker_threads';
import { mkdirSync } from 'node:fs';
import { DbError, type Db, type Priority, type QueryResult, type Queryable } from './db.types.ts';
import { PriorityLock, type LockMode } from './priority-lock.ts';
import { encodeParams } from './pglite.params.ts';

/** PGlite's own defaults plus settings that suit a single-session embedded server. */
const START_PARAMS = [
  '--single', '-F', '-O', '-j',
  '-c', 'search_path=public', '-c', 'exit_on_error=false', '-c', 'log_checkpoints=false',
  '-c', 'max_worker_processes=0', '-c', 'max_parallel_workers=0', '-c', 'max_parallel_workers_per_gather=0',
  '-c', 'io_method=sync', '-c', 'max_parallel_maintenance_workers=0',
  // A kill -9 cannot tear a page (the kernel already holds every completed write), so full-page
  // images in the WAL buy nothing here and cost a third of insert throughput. PGlite runs with
  // fsync off: acknowledged data survives a process crash, not a power cut (see docs/storage.md).
  '-c', 'full_page_writes=off',
  '-c', 'TimeZone=UTC',
  // Postgres's 128 MB of shared buffers cost ~450 MB of resident memory in PGlite's WASM heap (measured
  // earlier: an empty embedded Braid at 832 MB RSS vs 367 MB with 32 MB). With 32 MB, the journey,
  // delivery and profile pages of a busy send phase no longer fit: every miss evicted a dirty page,
  // a write and a read through PGlite's file system per page (bench:workers: 15-20% of the database
  // thread's CPU per entry and per send). 64 MB holds most of them and keeps 100k waiting journeys
  // under 1 GB (96 MB measured 1,021 MB on an idle machine; docs/workers.md, performance).
  '-c', 'shared_buffers=64MB',
];

/** Single statements in flight at once (a transaction always has the session to itself). */
const PIPELINE = 4;

interface Pending { resolve: (r: QueryResult<unknown>) => void; reject: (e: Error) => void }

/**
 * Embedded Postgres (PGlite) running in a worker thread. `dataDir` undefined means in-memory.
 * The single database session is guarded by a PriorityLock: a transaction holds it from BEGIN to
 * COMMIT, so statements from elsewhere never interleave with it.
 */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const worker = new Worker(new URL('./pglite.worker.mjs', import.meta.url), {
    workerData: { dataDir, startParams: START_PARAMS },
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;
  await new Promise<void>((resolve, reject) => {
    const onMsg = (m: { ready?: boolean }) => { if (m.ready) { worker.off('error', reject); resolve(); } };
    worker.on('message', onMsg);
    worker.once('error', reject);
  });
  worker.on('message', (m: { id?: number; ok?: boolean; rows?: unknown[]; affectedRows?: number; error?: { message: string; code?: string; detail?: string; constraint?: string } }) => {
    if (m.id === undefined) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve({ rows: m.rows ?? [], affectedRows: m.affectedRows ?? 0 });
    else p.reject(new DbError(m.error?.message ?? 'database error', m.error?.code, m.error?.detail, m.error?.constraint));
  });
  worker.on('error', (e) => { for (const p of pending.values()) p.reject(e); pending.clear(); });

  type Encoded = ReturnType<typeof encodeParams>;
  /** Posts an already encoded statement; `begin` opens a transaction just before it, in the same message. */
  const post = <T>(op: 'query' | 'exec' | 'close', sql?: string, enc: Encoded = { params: undefined, transfer: [] }, begin = false): Promise<QueryResult<T>> => {
    if (closed && op !== 'close') return Promise.reject(new DbError('database is closed', undefined));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      worker.postMessage({ id, op, sql, params: enc.params, ...(begin ? { begin } : {}) }, enc.transfer);
    });
  };

  // Up to PIPELINE single statements may be queued on the database thread at once (see PriorityLock).
  const lock = new PriorityLock(250, () => performance.now(), PIPELINE);

  const withLock = async <T>(priority: Priority, fn: () => Promise<T>, mode: LockMode = 'exclusive'): Promise<T> => {
    await lock.acquire(priority, mode);
    try { return await fn(); } finally { lock.release(mode); }
  };

  /**
   * A transaction takes the session when its first statement is ready, not when it is called, and
   * that statement carries the BEGIN: whatever the caller computes before it (building and encoding
   * a batch's parameters: tens of ms for 5,000 rows) no longer holds the one session with the
   * database thread idle. Each statement is encoded before it is posted. Nothing a transaction
   * guarantees changes: no statement of it runs before its BEGIN, none of another's in between.
   */
  async function transaction<T>(fn: (tx: Queryable) => Promise<T>, priority: Priority): Promise<T> {
    let session: Promise<void> | undefined;
    let begun = false;
    const tx: Queryable = {
      query: async <R>(sql: string, params?: unknown[]) => {
        const enc = encodeParams(sql, params);
        await (session ??= lock.acquire(priority, 'exclusive'));
        const begin = !begun;
        begun = true;
        return post<R>('query', sql, enc, begin);
      },
    };
    try {
      const out = await fn(tx);
      if (session) { await session; if (begun) await post('exec', 'COMMIT'); }
      return out;
    } catch (e) {
      if (session) { await session; if (begun) await post('exec', 'ROLLBACK').catch(() => undefined); }
      throw e;
    } finally {
      if (session) lock.release('exclusive');
    }
  }

  return {
    dialect: 'pglite',
    query: <T>(sql: string, params?: unknown[], opts?: { priority?: Priority }) => {
      const enc = encodeParams(sql, params);
      return withLock(opts?.priority ?? 'high', () => post<T>('query', sql, enc), 'shared');
    },
    exec: (sql: string) => withLock('high', async () => { await post('exec', sql); }),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>, opts?: { priority?: Priority }) => transaction(fn, opts?.priority ?? 'high'),
    pressure: () => lock.waiting.high,
    close: async () => {
      if (closed) return;
      await withLock('high', async () => { await post('close'); closed = true; });
      await worker.terminate();
    },
  };
}
