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

/**
 * Splits a migration file into statements on semicolons outside quoted text: single-quoted strings,
 * double-quoted identifiers, dollar-quoted bodies (`$$ … $$`, `$tag$ … $tag$`, as PL/pgSQL functions
 * use) and comments. A statement starts at its first code (comments before it are dropped, as are
 * pieces that hold only comments).
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let hasCode = false;
  let i = 0;
  const push = (end: number) => {
    if (hasCode) out.push(sql.slice(start, end).trim());
    hasCode = false;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '-' && sql[i + 1] === '-') { const nl = sql.indexOf('\n', i); i = nl < 0 ? sql.length : nl + 1; continue; }
    if (c === '/' && sql[i + 1] === '*') { const e = sql.indexOf('*/', i + 2); i = e < 0 ? sql.length : e + 2; continue; }
    if (c === ';') { push(i); i++; continue; }
    if (!hasCode && !/\s/.test(c)) { hasCode = true; start = i; }
    if (c === "'" || c === '"') { i = closeQuote(sql, i, c); continue; }
    if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag) { const e = sql.indexOf(tag, i + tag.length); i = e < 0 ? sql.length : e + tag.length; continue; }
    }
    i++;
  }
  push(sql.length);
  return out;
}

/** The index just past the quote that closes the one at `i` (a doubled quote is part of the text). */
function closeQuote(sql: string, i: number, q: string): number {
  let j = i + 1;
  while (j < sql.length) {
    if (sql[j] === q) { if (sql[j + 1] === q) { j += 2; continue; } return j + 1; }
    j++;
  }
  return j;
}
