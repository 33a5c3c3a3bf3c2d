import { createBraid, type Braid } from '../app/app.ts';
import { DEFAULT_GOVERNANCE, parseConfig, systemClock, type BrainConfig, type Clock, type Config } from '../core/index.ts';
import type { ChannelOptions } from '../modules/channels/index.ts';
import { openTestDb, type TestDb } from './harness.ts';

export const TEST_KEYS = { writeKey: 'wk_test_123456', adminKey: 'ak_test_123456', decideKey: 'dk_test_123456' };

export interface TestServer {
  braid: Braid;
  url: string;
  db: TestDb;
  /** Authorization header values. */
  basic: string;
  bearer: string;
  /** A JSON request with the admin key (or `auth`, a whole Authorization header); the body parsed. */
  api(method: string, path: string, body?: unknown, auth?: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** A real Braid on a free loopback port with a fresh database (embedded, or Postgres in CI's 2nd run). */
export async function startTestServer(opts: { clock?: Clock; config?: Partial<Config>; brain?: Partial<BrainConfig>; background?: boolean; channels?: ChannelOptions } = {}): Promise<TestServer> {
  const clock = opts.clock ?? systemClock;
  const db = await openTestDb(clock);
  // Approvals are off unless a test turns them on (config.governance): most tests are about what
  // happens once a version is live; approvals tests hold and decide versions explicitly.
  // Reports are live (no snapshots) unless a test asks for them: most tests change data and read the report again at once.
  const base = parseConfig({}, { demo: false, logLevel: 'warn', governance: { ...DEFAULT_GOVERNANCE, approvals: false }, reportRefreshSeconds: 0, ...opts.config });
  const braid = await createBraid({ config: { ...base, brain: { ...base.brain, ...opts.brain } }, keys: TEST_KEYS, db: db.db, clock, channels: opts.channels });
  if (opts.background !== false) braid.startBackground();
  const url = await braid.http.listen({ port: 0, host: '127.0.0.1' });
  return {
    braid, url, db,
    basic: 'Basic ' + Buffer.from(TEST_KEYS.writeKey + ':').toString('base64'),
    bearer: 'Bearer ' + TEST_KEYS.adminKey,
    async api(method, path, body, auth) {
      const res = await fetch(url + path, {
        method, headers: { authorization: auth ?? 'Bearer ' + TEST_KEYS.adminKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    close: async () => { await braid.close(); await db.cleanup(); },
  };
}
