/**
 * A real Braid for tests: fresh database (see harness.ts), background projection running, listening
 * on a free loopback port. Not a module: only tests import it.
 */
import { createServer } from 'node:net';
import { createBraid, type Braid } from '../app/app.ts';
import { parseConfig, type Clock, type Config } from '../core/index.ts';
import { openTestDb } from './harness.ts';

export const TEST_KEYS = { writeKey: 'wk_test_123', adminKey: 'ak_test_123' } as const;

export interface TestBraid {
  braid: Braid;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** The private Postgres schema, when testing against Postgres. */
  schema: string | undefined;
  close(): Promise<void>;
}

export async function startTestBraid(opts: { clock?: Clock; config?: Partial<Config>; background?: boolean } = {}): Promise<TestBraid> {
  const t = await openTestDb(opts.clock);
  const braid = await createBraid({
    config: parseConfig({}, { demo: false, logLevel: 'warn', ...opts.config }),
    keys: { ...TEST_KEYS },
    db: t.db,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  // Off when a test wants to write first, as `serve` seeds before starting projection.
  if (opts.background !== false) braid.startBackground();
  const url = await braid.http.listen({ port: 0, host: '127.0.0.1' });
  return { braid, url, schema: t.schema, close: async () => { await braid.close(); await t.cleanup(); } };
}

/** A loopback port nobody listens on (just released by the OS), to make a "nothing running here" case. */
export async function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
