import { createBraid, type Braid } from '../app/app.ts';
import { parseConfig, systemClock, type Clock, type Config } from '../core/index.ts';
import { openTestDb, type TestDb } from './harness.ts';

export const TEST_KEYS = { writeKey: 'wk_test_123456', adminKey: 'ak_test_123456', decideKey: 'dk_test_123456' };

export interface TestServer {
  braid: Braid;
  url: string;
  db: TestDb;
  /** Authorization header values. */
  basic: string;
  bearer: string;
  close(): Promise<void>;
}

/** A real Braid on a free loopback port with a fresh database (embedded, or Postgres in CI's 2nd run). */
export async function startTestServer(opts: { clock?: Clock; config?: Partial<Config>; background?: boolean } = {}): Promise<TestServer> {
  const clock = opts.clock ?? systemClock;
  const db = await openTestDb(clock);
  const braid = await createBraid({ config: parseConfig({}, { demo: false, logLevel: 'warn', ...opts.config }), keys: TEST_KEYS, db: db.db, clock });
  if (opts.background !== false) braid.startBackground();
  const url = await braid.http.listen({ port: 0, host: '127.0.0.1' });
  return {
    braid, url, db,
    basic: 'Basic ' + Buffer.from(TEST_KEYS.writeKey + ':').toString('base64'),
    bearer: 'Bearer ' + TEST_KEYS.adminKey,
    close: async () => { await braid.close(); await db.cleanup(); },
  };
}
