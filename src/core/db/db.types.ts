export interface QueryResult<T> {
  rows: T[];
  affectedRows: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: { priority?: Priority }): Promise<QueryResult<T>>;
}

/**
 * Who is asking, on the embedded store (a server schedules its own sessions). Ingest and API
 * reads go first (`high`); the profile projection yields to them (`low`); work derived from what
 * the projection applied (traits rows, journey entries) yields to the projection as well
 * (`background`), so the projection reads its next batch while the main thread folds the last one.
 */
export type Priority = 'high' | 'low' | 'background';

/**
 * Postgres-dialect database, embedded (PGlite) or server (pg). Type conventions are identical in
 * both: int8 and numeric come back as JS numbers, timestamptz as Date, json/jsonb parsed.
 */
export interface Db extends Queryable {
  readonly dialect: 'pglite' | 'postgres';
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: { priority?: Priority }): Promise<T>;
  /** How many high-priority callers are waiting for the database (embedded only; 0 on a server). */
  pressure(): number;
  close(): Promise<void>;
}

/** A view of `db` whose statements run at low priority (background consumers). */
export function lowPriority(db: Db): Queryable {
  return atPriority(db, 'low');
}

/** A view of `db` whose single statements run at `priority`. */
export function atPriority(db: Db, priority: Priority): Queryable {
  return { query: (sql, params) => db.query(sql, params, { priority }) };
}

export class DbError extends Error {
  constructor(message: string, readonly code: string | undefined, readonly detail?: string, readonly constraint?: string) {
    super(message);
    this.name = 'DbError';
  }
}
