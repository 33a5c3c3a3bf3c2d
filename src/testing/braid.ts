/**
 * Test helpers over startTestServer (server.ts): a real Braid on a free loopback port, plus a port
 * nobody listens on. Not a module: only tests import it.
 */
import { createServer } from 'node:net';
import type { Braid } from '../app/app.ts';
import type { Clock, Config } from '../core/index.ts';
import { startTestServer, TEST_KEYS } from './server.ts';

export { TEST_KEYS };

export interface TestBraid {
  braid: Braid;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** The private Postgres schema, when testing against Postgres. */
  schema: string | undefined;
  close(): Promise<void>;
}

export async function startTestBraid(opts: { clock?: Clock; config?: Partial<Config>; background?: boolean } = {}): Promise<TestBraid> {
  const s = await startTestServer(opts);
  return { braid: s.braid, url: s.url, schema: s.db.schema, close: s.close };
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
