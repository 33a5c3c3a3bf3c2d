/**
 * Test harness: a fresh database per test file, embedded (in-memory PGlite) by default, or a
 * private schema on a Postgres server when BRAID_TEST_DATABASE_URL is set (CI runs the suite both
 * ways). Not a module: only tests import it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { parseConfig, type Config } from '../core/config.ts';
import { createMetrics } from '../core/metrics.ts';
import type { CoreDeps } from '../core/deps.ts';
import { openDatabase } from '../core/db/open.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import type { Db } from '../core/db/db.types.ts';

import { TEST_DATABASE_URL } from './test.config.ts';
export { TEST_DATABASE_URL };

export interface TestDb { db: Db; schema?: string; cleanup(): Promise<void> }

export async function openTestDb(clock: Clock = systemClock): Promise<TestDb> {
  if (!TEST_DATABASE_URL) {
    const db = await openDatabase({ clock });
    return { db, cleanup: () => db.close() };
  }
  const schema = 'braid_test_' + randomBytes(6).toString('hex');
  const db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema, clock });
  return {
    db,
    schema,
    cleanup: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try { await c.query(`drop schema if exists ${schema} cascade; drop schema if exists ${schema}_boss cascade`); } finally { await c.end(); }
    },
  };
}

/** The kernel dependencies a module factory takes, over a test database, silent logs, default config. */
export function testDeps(db: Db, clock: Clock = systemClock, overrides: Partial<Config> = {}): CoreDeps {
  return { db, clock, log: pino({ level: 'silent' }) as FastifyBaseLogger, config: parseConfig({}, { demo: false, ...overrides }), metrics: createMetrics() };
}
