import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.types.ts';
import type { Clock } from '../clock.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration { id: string; sql: string }

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(dir + f, 'utf8') }));
}

/**
 * Applies pending migrations in one transaction under an advisory lock scoped to the current
 * schema, so several Braid processes starting at once apply each migration exactly once.
 */
export async function migrate(db: Db, clock: Clock, migrations = loadMigrations()): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || ':migrate'))`);
    await tx.query(`create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null)`);
    const done = new Set((await tx.query<{ id: string }>(`select id from schema_migrations`)).rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      for (const stmt of splitStatements(m.sql)) await tx.query(stmt);
      await tx.query(`insert into schema_migrations (id, applied_at) values ($1, $2)`, [m.id, new Date(clock.now()).toISOString()]);
      applied.push(m.id);
    }
    return applied;
  });
}

/** Splits a migration file on semicolons at line ends; migrations avoid functions with bodies. */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
