import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Clock } from '../clock.ts';
import type { Db } from './db.types.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.client.ts';
import { openPostgres } from './pg.client.ts';

export interface OpenDbOptions {
  databaseUrl?: string | undefined;
  /** Data directory for the embedded database; undefined with no databaseUrl means in-memory. */
  dataDir?: string | undefined;
  /** Postgres schema to isolate this instance (tests); default public. */
  schema?: string | undefined;
  clock: Clock;
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(opts: OpenDbOptions): Promise<Db> {
  let db: Db;
  if (opts.databaseUrl) {
    db = await openPostgres(opts.databaseUrl, { schema: opts.schema });
  } else {
    const dir = opts.dataDir ? resolve(opts.dataDir, 'pgdata') : undefined;
    const release = opts.dataDir ? lockDataDir(resolve(opts.dataDir)) : () => undefined;
    try {
      db = await openPglite(dir);
    } catch (e) {
      release();
      throw e;
    }
    const inner = db;
    db = { ...inner, close: async () => { await inner.close(); release(); } };
  }
  await migrate(db, opts.clock);
  return db;
}

function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * The embedded database may be opened by one process only (PGlite has no locking of its own and
 * two writers corrupt it). A pid file in the data dir enforces that; a stale one (dead pid, e.g.
 * after kill -9) is taken over.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'braid.pid');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid && pid !== process.pid && pidAlive(pid)) {
      throw new Error(`The data directory ${dir} is in use by process ${pid}. Stop it, or point BRAID_DATA_DIR elsewhere (or talk to it over HTTP with --url).`);
    }
  }
  writeFileSync(file, String(process.pid));
  return () => { try { if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file); } catch { /* already gone */ } };
}
