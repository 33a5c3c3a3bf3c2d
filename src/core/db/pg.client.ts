import pg from 'pg';
import { DbError, type Db, type QueryResult, type Queryable } from './db.types.ts';
import { binaryArrayParams } from './db.binary.ts';

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v); // int8, numeric
    return pg.types.getTypeParser(oid, format);
  },
};

function wrapError(e: unknown): never {
  const err = e as { message?: string; code?: string; detail?: string; constraint?: string };
  throw new DbError(err.message ?? String(e), err.code, err.detail, err.constraint);
}

async function run<T>(client: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]): Promise<QueryResult<T>> {
  try {
    const r = await client.query({ text: sql, values: binaryArrayParams(sql, params), types } as pg.QueryConfig);
    return { rows: r.rows as T[], affectedRows: r.rowCount ?? 0 };
  } catch (e) { wrapError(e); }
}

/**
 * A Postgres server through a pool. `schema` isolates one Braid (or one test) inside a shared
 * database: it is created if missing and put first on the search_path of every connection.
 */
export async function openPostgres(url: string, opts: { schema?: string; max?: number } = {}): Promise<Db> {
  const schema = opts.schema;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  if (schema) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try { await c.query(`create schema if not exists ${schema}`); } finally { await c.end(); }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    options: `-c search_path=${schema ?? 'public'} -c TimeZone=UTC`,
  });
  pool.on('error', () => undefined); // idle client errors surface on the next query instead
  return {
    dialect: 'postgres',
    query: <T>(sql: string, params?: unknown[]) => run<T>(pool, sql, params),
    exec: async (sql: string) => { try { await pool.query(sql); } catch (e) { wrapError(e); } },
    transaction: async <T>(fn: (tx: Queryable) => Promise<T>) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({ query: <U>(sql: string, params?: unknown[]) => run<U>(client, sql, params) });
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    pressure: () => 0, // a server schedules its own sessions
    close: () => pool.end(),
  };
}
