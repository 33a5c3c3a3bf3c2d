export interface QueryResult<T> {
  rows: T[];
  affectedRows: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

/** Who is asking. Ingest and API reads go first; background projection yields to them. */
export type Priority = 'high' | 'low';

/**
 * Postgres-dialect database, embedded (PGlite) or server (pg). Type conventions are identical in
 * both: int8 and numeric come back as JS numbers, timestamptz as Date, json/jsonb parsed.
 */
export interface Db extends Queryable {
  readonly dialect: 'pglite' | 'postgres';
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: { priority?: Priority }): Promise<T>;
  close(): Promise<void>;
}

export class DbError extends Error {
  constructor(message: string, readonly code: string | undefined, readonly detail?: string, readonly constraint?: string) {
    super(message);
    this.name = 'DbError';
  }
}
