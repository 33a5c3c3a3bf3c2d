/**
 * Report snapshots: the console's reports aggregate the whole history (seconds at a million
 * shoppers), so their bodies are kept in `report_snapshots`, keyed by the normalized route and
 * query, and served while younger than the refresh interval, with `asOf` (when it was computed).
 *
 * Contract:
 * - `serve(key, compute)`: a young snapshot is served as stored; a missing or old one is computed
 *   once (concurrent requests in this process share one computation: single-flight) and stored.
 *   `fresh` computes live and stores it. The body served is exactly what the live computation
 *   returned at `asOf` (JSON numbers survive jsonb unchanged).
 * - Several Braid processes share one database: a process computes a key only while it holds the
 *   key's lease (lease_owner/lease_until, taken by one conditional upsert), and takes it only if
 *   the stored snapshot is still old, so a key is computed by one process at a time and the others
 *   read its result.
 * - The refresher (start/stop) recomputes the keys this process served in the last hour (at most
 *   100, the most recently asked) before they grow old, so a marketer coming back to a report finds
 *   it ready, and a report nobody looks at stops costing the database.
 * - Time is the injectable clock (ages, leases, asOf); the refresher's timer is real time.
 * - `refreshMs` 0 turns snapshots off: every call is live (asOf = now).
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Db } from '../../core/index.ts';

export interface SnapshotOptions {
  /** Serve a stored body while younger than this; the refresher recomputes at 3/4 of it. 0: always live. */
  refreshMs: number;
  /** A crashed process's lease expires after this long (clock time); default 10 minutes. */
  leaseMs?: number;
  /** How long a request waits for another process's computation (real time) before computing itself. */
  waitMs?: number;
  onError?: (key: string, err: unknown) => void;
}

export interface ReportSnapshots {
  /** The body of `key`, stored or computed, with `asOf` (ISO time of its computation). */
  serve<T extends object>(key: string, compute: () => Promise<T>, opts?: { fresh?: boolean | undefined }): Promise<T & { asOf: string }>;
  /** Recomputes the remembered keys whose snapshot is past 3/4 of the interval (the refresher's tick; also for tests). */
  refreshStale(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

interface Row { body: unknown; computed_at: Date | string | null }

/** `path?a=1&b=2`: the query's parameters sorted, `fresh` left out (it only says how to get the body). */
export function snapshotKey(url: string): string {
  const [path, query = ''] = url.split('?', 2) as [string, string?];
  const params = [...new URLSearchParams(query).entries()].filter(([k]) => k !== 'fresh').sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  return params.length ? `${path}?${new URLSearchParams(params).toString()}` : path;
}

/** The refresher keeps a key while it was asked for within this long (clock time), at most MAX_KEYS keys. */
const REMEMBER_MS = 3_600_000;
const MAX_KEYS = 100;

export function createReportSnapshots(d: { db: Db; clock: Clock } & SnapshotOptions): ReportSnapshots {
  const leaseMs = d.leaseMs ?? 10 * 60_000;
  const waitMs = d.waitMs ?? 60_000;
  const owner = `proc_${randomUUID()}`;
  const inflight = new Map<string, Promise<{ body: object; asOf: number }>>();
  /** Keys this process served, with how to compute them and when they were last asked for. */
  const known = new Map<string, { compute: () => Promise<object>; askedAt: number }>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const ms = (v: Date | string | null): number | null => (v === null ? null : new Date(v).getTime());
  const parse = (b: unknown): object => (typeof b === 'string' ? JSON.parse(b) as object : b as object);

  async function read(key: string): Promise<{ body: object; asOf: number } | null> {
    const r = await d.db.query<Row>('select body, computed_at from report_snapshots where key = $1', [key]);
    const row = r.rows[0];
    const at = row ? ms(row.computed_at) : null;
    return row && row.body !== null && at !== null ? { body: parse(row.body), asOf: at } : null;
  }

  /** Takes the key's lease if its snapshot is older than `staleBefore` (or absent) and no live lease is held. */
  async function acquire(key: string, staleBefore: number): Promise<boolean> {
    const now = d.clock.now();
    const r = await d.db.query(
      `insert into report_snapshots (key, lease_owner, lease_until) values ($1, $2, $3)
       on conflict (key) do update set lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
       where (report_snapshots.lease_until is null or report_snapshots.lease_until < $4 or report_snapshots.lease_owner = $2)
         and (report_snapshots.computed_at is null or report_snapshots.computed_at < $5)
       returning key`,
      [key, owner, new Date(now + leaseMs), new Date(now), new Date(staleBefore)]);
    return r.rows.length > 0;
  }

  async function computeAndStore(key: string, compute: () => Promise<object>): Promise<{ body: object; asOf: number }> {
    const asOf = d.clock.now();
    const t = performance.now();
    let body: object;
    try {
      body = await compute();
    } catch (e) {
      // A failed report (a 404, a 400) leaves no row behind and the previous snapshot, if any, unleased.
      await d.db.query('delete from report_snapshots where key = $1 and body is null', [key]).catch(() => undefined);
      await d.db.query('update report_snapshots set lease_owner = null, lease_until = null where key = $1 and lease_owner = $2', [key, owner]).catch(() => undefined);
      throw e;
    }
    await d.db.query(
      `insert into report_snapshots (key, body, computed_at, took_ms) values ($1, $2::jsonb, $3, $4)
       on conflict (key) do update set body = excluded.body, computed_at = excluded.computed_at, took_ms = excluded.took_ms,
         lease_owner = null, lease_until = null`,
      [key, JSON.stringify(body), new Date(asOf), Math.round(performance.now() - t)]);
    return { body, asOf };
  }

  /** A young snapshot if another process stores one in time; null once it stopped trying (its lease expired or we waited long enough). */
  async function awaitOther(key: string, staleBefore: number): Promise<{ body: object; asOf: number } | null> {
    const until = performance.now() + waitMs;
    while (performance.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      const s = await read(key);
      if (s && s.asOf >= staleBefore) return s;
      if (await acquire(key, staleBefore)) return null; // the other process gave up or died
    }
    return null;
  }

  /** Single-flight per key in this process; across processes, the lease. */
  function refresh(key: string, compute: () => Promise<object>, staleBefore: number, force: boolean): Promise<{ body: object; asOf: number }> {
    const running = inflight.get(key);
    if (running) return running;
    const p = (async () => {
      if (!force && !(await acquire(key, staleBefore))) {
        const other = await awaitOther(key, staleBefore);
        if (other) return other;
      }
      return computeAndStore(key, compute);
    })().finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  }

  const withAsOf = <T extends object>(s: { body: object; asOf: number }) => ({ ...(s.body as T), asOf: new Date(s.asOf).toISOString() });

  async function tick(): Promise<number> {
    const now = d.clock.now();
    let n = 0;
    for (const [key, k] of known) {
      if (stopped) break;
      if (now - k.askedAt > REMEMBER_MS) { known.delete(key); continue; }
      const staleBefore = now - d.refreshMs * 0.75;
      const s = await read(key);
      if (s && s.asOf >= staleBefore) continue;
      try {
        if (await acquire(key, staleBefore)) { await refresh(key, k.compute, staleBefore, true); n++; }
      } catch (e) { d.onError?.(key, e); }
    }
    return n;
  }

  return {
    async serve<T extends object>(key: string, compute: () => Promise<T>, opts: { fresh?: boolean | undefined } = {}) {
      if (d.refreshMs <= 0) return { ...(await compute()), asOf: new Date(d.clock.now()).toISOString() };
      known.delete(key); // re-inserted last: the map stays in order of asking
      known.set(key, { compute, askedAt: d.clock.now() });
      if (known.size > MAX_KEYS) known.delete(known.keys().next().value!);
      const staleBefore = d.clock.now() - d.refreshMs;
      if (!opts.fresh) {
        const s = await read(key);
        // A snapshot from the future (a manual clock set back) is not served.
        if (s && s.asOf >= staleBefore && s.asOf <= d.clock.now()) return withAsOf<T>(s);
      }
      try {
        return withAsOf<T>(await refresh(key, compute, staleBefore, !!opts.fresh));
      } catch (e) {
        known.delete(key); // the refresher does not retry a report that fails
        throw e;
      }
    },
    refreshStale: tick,
    start() {
      if (d.refreshMs <= 0 || timer) return;
      stopped = false;
      // Looks every quarter interval (at most a minute) for snapshots past 3/4 of it.
      const every = Math.max(1000, Math.min(60_000, d.refreshMs / 4));
      timer = setInterval(() => { ticking = ticking.then(tick).catch((e) => d.onError?.('*', e)); }, every);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking.catch(() => undefined);
    },
  };
}
