import { describe, expect, it } from 'vitest';
import { BraidError } from './errors.ts';
import { decodeCursor, encodeCursor, pageByKey } from './paging.ts';

describe('keyset paging', () => {
  it('round-trips a sort key and refuses cursors of another shape', () => {
    expect(decodeCursor(encodeCursor(['2026-01-01T00:00:00.000Z', 'dec_1']), ['s', 's'])).toEqual(['2026-01-01T00:00:00.000Z', 'dec_1']);
    expect(decodeCursor(encodeCursor([17, 'x']), ['n', 's'])).toEqual([17, 'x']);
    for (const bad of ['not base64 json', encodeCursor(['a']), encodeCursor([1, 2])]) {
      expect(() => decodeCursor(bad, ['s', 's'])).toThrow(BraidError);
      try { decodeCursor(bad, ['s', 's']); } catch (e) { expect((e as BraidError).details.field).toBe('cursor'); }
    }
  });

  it('pages an in-memory list in code-point key order, each item exactly once', () => {
    const ids = ['b', 'A', 'a_2', 'a-1', 'c', 'Z', 'a'];
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const p = pageByKey(ids.map((id) => ({ id })), (x) => x.id, { cursor, limit: 3 });
      expect(p.items.length).toBeLessThanOrEqual(3);
      seen.push(...p.items.map((x) => x.id));
      cursor = p.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen).toEqual([...ids].sort());
    expect(pages).toBe(3);
    expect(pageByKey([{ id: 'a' }, { id: 'b' }], (x) => x.id, { limit: 2 }).nextCursor).toBeNull();
    expect(pageByKey([], (x: { id: string }) => x.id, { limit: 2 })).toEqual({ items: [], nextCursor: null });
  });
});
