import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { decodeCursor, encodeCursor } from '../../core/index.ts';
import { likePrefix } from './profiles.search.ts';

describe('profile search (GET /v1/profiles)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.braid.events.ingest([
      { type: 'identify', userId: 'u-ada', traits: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' } },
      { type: 'identify', userId: 'u-adam', traits: { email: 'adam@example.com' } },
      { type: 'identify', userId: 'u-bob', traits: { email: 'bob@example.com' } },
      { type: 'identify', userId: 'u-100%', traits: {} },
    ]);
    await s.braid.profiles.waitForProjection(30_000);
  });
  afterAll(async () => { await s?.close(); });

  it('pages through every profile in id order with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const r = await s.api('GET', `/v1/profiles?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((i: any) => i.profileId));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(4);
    expect([...seen].sort()).toEqual(seen);
  });

  it('finds shoppers by a prefix of any identity, one page at a time', async () => {
    const first = await s.api('GET', '/v1/profiles?q=ada&limit=1');
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace', matched: { type: 'email', value: 'ada@example.com' } });
    const second = await s.api('GET', `/v1/profiles?q=ada&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0]).toMatchObject({ matched: { type: 'email', value: 'adam@example.com' } });
    expect(second.body.nextCursor).toBeNull();
    const byUser = await s.api('GET', '/v1/profiles?q=u-b');
    expect(byUser.body.items.map((i: any) => i.userId)).toEqual(['u-bob']);
    const byId = await s.api('GET', `/v1/profiles?q=${byUser.body.items[0].profileId}`);
    expect(byId.body.items[0].userId).toBe('u-bob');
  });

  it('treats LIKE wildcards in the query as text', async () => {
    expect((await s.api('GET', '/v1/profiles?q=u-100%25')).body.items.map((i: any) => i.userId)).toEqual(['u-100%']);
    expect((await s.api('GET', '/v1/profiles?q=%25')).body.items).toEqual([]);
    expect(likePrefix('a_b%')).toBe('a\\_b\\%%');
  });

  it('rejects a cursor it did not issue, naming the field', async () => {
    const r = await s.api('GET', '/v1/profiles?q=ada&cursor=nonsense');
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('cursor');
    expect(decodeCursor(encodeCursor(['a', 'b']), ['s', 's'])).toEqual(['a', 'b']);
  });
});
