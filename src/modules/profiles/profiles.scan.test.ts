import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { createConsent } from '../consent/index.ts';
import { createEventLog } from '../events/index.ts';
import { createIdentity } from '../identity/index.ts';
import { createProfiles, type ProfileService } from './index.ts';

const clock = createManualClock(Date.UTC(2026, 5, 1));
let t: TestDb;
let profiles: ProfileService;

beforeAll(async () => {
  t = await openTestDb(clock);
  const deps = testDeps(t.db, clock);
  const events = createEventLog(deps);
  profiles = createProfiles(deps, { events, identity: createIdentity(deps), consent: createConsent(deps) });
  await events.ingest(['a', 'b', 'c', 'd', 'e'].map((u, i) => ({ type: 'identify', userId: u, messageId: `scan-${i}`, timestamp: new Date(clock.now()).toISOString() })));
  await profiles.projector.drain();
});
afterAll(async () => { await t.cleanup(); });

describe('ProfileService.scan', () => {
  it('pages every live profile in id order', async () => {
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const page = await profiles.scan(after, 2);
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page.map((p) => p.id));
      after = page[page.length - 1]!.id;
    }
    expect(seen).toHaveLength(5);
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(5);
    const first = (await profiles.scan('', 1))[0]!;
    expect(first).toMatchObject({ id: seen[0], userId: expect.any(String) });
  });
});
