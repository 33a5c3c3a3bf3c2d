import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../testing/harness.ts';
import { emptyActivity } from './traits.activity.ts';
import { loadProfiles, saveProfiles, type StoredProfile } from './traits.store.ts';

let t: TestDb;
beforeAll(async () => { t = await openTestDb(); });
afterAll(async () => { await t.cleanup(); });

const row = (profileId: string, lastSeq: number): StoredProfile & { profileId: string } => ({
  profileId, history: [], activity: { ...emptyActivity(), lastSeq }, snapshot: { views: [], productViews: 0, couponAttempts: 0 },
  traits: { profileId, computedAt: '2026-06-10T15:00:00.000Z', lifecycle: `seq ${lastSeq}` } as never,
});

describe('traits rows', () => {
  it('writes every row of a pass, and never replaces a row built from later events', async () => {
    expect([...await saveProfiles(t.db, [row('prf_a', 10), row('prf_b', 10)], '2026-06-10T15:00:00Z')].sort()).toEqual(['prf_a', 'prf_b']);
    const written = await saveProfiles(t.db, [row('prf_a', 5), row('prf_b', 20), row('prf_c', 1)], '2026-06-10T15:01:00Z');
    expect([...written].sort()).toEqual(['prf_b', 'prf_c']);
    const stored = await loadProfiles(t.db, ['prf_a', 'prf_b', 'prf_c']);
    expect(stored.get('prf_a')!.activity.lastSeq).toBe(10);
    expect((stored.get('prf_a')!.traits as unknown as { lifecycle: string }).lifecycle).toBe('seq 10');
    expect(stored.get('prf_b')!.activity.lastSeq).toBe(20);
  });
});
