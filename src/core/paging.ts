/**
 * Keyset paging, one convention for every list the console pages through: `limit` and an opaque
 * `cursor` in, `items` and `nextCursor` (null on the last page) out. A cursor is the sort key of
 * the last row of the previous page, base64url-encoded JSON, so a page never re-reads what came
 * before it (no OFFSET) and rows added meanwhile never shift a page.
 */
import { invalid } from './errors.ts';

export interface Page<T> { items: T[]; nextCursor: string | null }

/** Opaque cursor from a sort key (strings and numbers). */
export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * The sort key a cursor carries, checked against the expected part types (`'s'` string, `'n'`
 * number); a cursor from another list, or tampered with, is a 400 naming `cursor`.
 */
export function decodeCursor(cursor: string, types: ReadonlyArray<'s' | 'n'>): Array<string | number> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === types.length
      && key.every((k, i) => (types[i] === 's' ? typeof k === 'string' : typeof k === 'number' && Number.isFinite(k)))) return key as Array<string | number>;
  } catch { /* reported below */ }
  throw invalid('cursor', 'is not a cursor this list returned');
}

/**
 * One page of an in-memory list with a unique string key (configuration held in memory: offers,
 * templates, blocks, workers), in key order (code points, as Postgres' "C" collation and `<` on
 * strings): the items after the cursor's key, at most `limit`.
 */
export function pageByKey<T>(list: readonly T[], keyOf: (t: T) => string, q: { cursor?: string | undefined; limit: number }): Page<T> {
  const after = q.cursor ? decodeCursor(q.cursor, ['s'])[0] as string : undefined;
  const rest = list.filter((t) => after === undefined || keyOf(t) > after).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const items = rest.slice(0, q.limit);
  return { items, nextCursor: rest.length > q.limit ? encodeCursor([keyOf(items[items.length - 1]!)]) : null };
}
