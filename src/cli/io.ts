/** What commands write to and how they tell time, injectable so tests can capture and drive them. */
import { systemClock, type Clock } from '../core/index.ts';
import type { ApiRequest, ApiResponse, BraidClient } from './client.ts';
import type { ProgressSink } from './progress.ts';

export interface CliIo {
  stdout: ProgressSink;
  stderr: ProgressSink;
  clock: Clock;
  sleep(ms: number): Promise<void>;
}

export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  clock: systemClock,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

const RETRIES = 4;

/**
 * A request that survives a restarting or briefly overloaded server: 5xx and connection errors
 * are retried with backoff (0.5, 1, 2, 4 s). Safe for imports because they are idempotent
 * (messageIds deduplicate, catalog writes are upserts).
 */
export async function requestWithRetry(client: BraidClient, req: ApiRequest, io: CliIo): Promise<ApiResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await client.request(req);
      if (res.status < 500 || attempt >= RETRIES) return res;
    } catch (e) {
      if (attempt >= RETRIES) throw e;
    }
    await io.sleep(500 * 2 ** attempt);
  }
}

/** Reports problems by line, up to a limit, and counts the rest. */
export function problemReporter(log: (line: string) => void, limit = 50) {
  let count = 0;
  return {
    report(where: string, message: string) {
      count++;
      if (count <= limit) log(`${where}: ${message}`);
    },
    get count() { return count; },
    get hidden() { return Math.max(0, count - limit); },
  };
}
