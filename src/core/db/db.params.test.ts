import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../testing/harness.ts';

// Array parameters go in binary where their SQL casts allow it (db.binary.ts), on both stores, and
// long strings too on the embedded one (pglite.params.ts): every value must come back as sent.
let t: TestDb;
beforeAll(async () => { t = await openTestDb(); });
afterAll(async () => { await t.cleanup(); });

const tricky = ['', 'plain', 'with "quotes"', 'back\\slash', 'a,b', '{braces}', 'null', 'NULL', ' padded ', 'tab\tnew\nline',
  'émoji 🛒 ünïcode', 'x'.repeat(5000), JSON.stringify({ a: 'q"uote', b: ['\\', null] })];

describe('query parameters (binary where the SQL casts allow it)', () => {
  it('round-trips text arrays with nulls and characters that need escaping as text', async () => {
    const xs = [...tricky, null, 'last'];
    const r = await t.db.query<{ x: string | null; i: number }>(`select x, i::int from unnest($1::text[]) with ordinality as u(x, i) order by i`, [xs]);
    expect(r.rows.map((row) => row.x)).toEqual(xs);
    const two = await t.db.query<{ a: string; b: string }>(`select a, b from unnest($1::text[], $2::text[]) as u(a, b)`, [['k1', 'k2'], ['v"1', 'v\\2']]);
    expect(two.rows).toEqual([{ a: 'k1', b: 'v"1' }, { a: 'k2', b: 'v\\2' }]);
  });
  it('round-trips json arrays, numbers and empty arrays', async () => {
    const docs = [JSON.stringify({ k: 'v"', n: [1, 2] }), JSON.stringify('é'), null];
    const j = await t.db.query<{ k: string | null }>(`select x->>'k' as k from unnest($1::json[]) as u(x)`, [docs]);
    expect(j.rows.map((r) => r.k)).toEqual(['v"', null, null]);
    const viaText = await t.db.query<{ n: number }>(`select json_array_length(x->'n')::int as n from unnest($1::text[]::json[]) as u(x) limit 1`, [docs]);
    expect(viaText.rows[0]!.n).toBe(2);
    const nums = await t.db.query<{ a: number | null; b: number | null; c: number | null }>(
      `select a, b, c from unnest($1::int8[], $2::int[], $3::float8[]) as u(a, b, c)`,
      [[Number.MAX_SAFE_INTEGER, -1796622834002, null], [2147483647, -2147483648, 0], [0.1, -2.5e300, null]]);
    expect(nums.rows).toEqual([{ a: Number.MAX_SAFE_INTEGER, b: 2147483647, c: 0.1 }, { a: -1796622834002, b: -2147483648, c: -2.5e300 }, { a: null, b: 0, c: null }]);
    const empty = await t.db.query<{ n: number }>(`select cardinality($1::text[])::int as n`, [[]]);
    expect(empty.rows[0]!.n).toBe(0);
  });
  it('round-trips long strings into text, json and jsonb, and into types that are not text', async () => {
    const long = 'ü'.repeat(3000);
    const doc = JSON.stringify({ s: long, q: '"' });
    const r = await t.db.query<{ a: string; b: string; c: string; d: number }>(
      `select $1::text as a, ($2::json)->>'q' as b, ($3::jsonb)->>'s' as c, length($1::text)::int as d`, [long, doc, doc]);
    expect(r.rows[0]).toEqual({ a: long, b: '"', c: long, d: 3000 });
    const digits = '7'.repeat(600);
    const n = await t.db.query<{ n: number }>(`select length($1::numeric::text)::int as n`, [digits]);
    expect(n.rows[0]!.n).toBe(600);
  });
  it('reads casts from the SQL only, not from comments or string literals', async () => {
    // Sent in binary as text[] the arrays would not be int8[]: the comment and the literal must not count.
    for (const xs of [[40, 2], ['40', '2']]) {
      const r = await t.db.query<{ s: number; l: string }>(
        `select (select sum(x) from unnest($1::int8[]) as u(x))::int8 as s, '$1::text[]' as l -- $1::text[]`, [xs]);
      expect(r.rows[0]).toEqual({ s: 42, l: '$1::text[]' });
    }
  });
  it('rejects values that do not fit the cast as before, naming the problem', async () => {
    await expect(t.db.query(`select $1::int[]`, [[2 ** 40]])).rejects.toThrow(/out of range/);
  });
});
