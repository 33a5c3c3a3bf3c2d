/**
 * kill -9 while 1,000 journeys wait on a timer, restart on the same data: every timer fires once
 * and every shopper gets exactly one email at a real SMTP server on loopback. Embedded database
 * by default; with BRAID_TEST_DATABASE_URL (CI's second run) a throwaway Postgres database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../src/testing/test.config.ts';
import { startTestSmtp, type TestSmtp } from '../src/testing/smtp.ts';
import { startBraidProcess, stopBraidProcess, throwawayDatabase, type BraidProcess } from './braid-process.ts';

const KEYS = { writeKey: 'wk_restart_123456', adminKey: 'ak_restart_123456' };
const N = 1000;
const WAIT_S = 25;

const dataDir = mkdtempSync(join(tmpdir(), 'braid-workers-restart-'));
let databaseUrl: string | undefined;
let dropDatabase: () => Promise<void> = async () => undefined;
let server: BraidProcess | undefined;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  const db = await throwawayDatabase(TEST_DATABASE_URL, 'braid_wrestart');
  databaseUrl = db.url;
  dropDatabase = db.drop;
});
afterAll(async () => {
  await stopBraidProcess(server);
  await smtp?.close();
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase();
});

async function call(url: string, method: string, path: string, body?: unknown, auth = 'Bearer ' + KEYS.adminKey): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, { method, headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe(`durable journeys across kill -9 (${TEST_DATABASE_URL ? 'Postgres' : 'embedded'})`, () => {
  it('fires each of 1,000 waiting timers once after a restart, with no message sent twice', async () => {
    const start = () => startBraidProcess({
      dataDir, databaseUrl, ...KEYS,
      env: { BRAID_SMTP_URL: smtp.url, BRAID_QUIET_HOURS: '0-0', BRAID_GLOBAL_HOLDOUT_PCT: '0', BRAID_MIN_GAP_MINUTES: '0' },
    });
    server = await start();
    const w = await call(server.url, 'POST', '/v1/workers', {
      id: 'wkr_restart', name: 'Restart test', status: 'on', holdoutPct: 0,
      trigger: { type: 'event', event: 'Restart Test' },
      steps: [{ id: 'later', type: 'wait', duration: `${WAIT_S}s` }, { id: 'mail', type: 'send', channel: 'email', template: 'generic' }],
    });
    expect(w.status).toBe(201);
    const basic = 'Basic ' + Buffer.from(KEYS.writeKey + ':').toString('base64');
    for (let i = 0; i < N; i += 250) {
      const batch = [];
      for (let j = i; j < i + 250; j++) {
        batch.push({ type: 'identify', userId: `r${j}`, traits: { email: `r${j}@example.com`, consent: { email_marketing: true } } });
        batch.push({ type: 'track', userId: `r${j}`, event: 'Restart Test' });
      }
      expect((await call(server.url, 'POST', '/v1/batch', { batch }, basic)).status).toBe(200);
    }
    const startedAt = performance.now();
    await until('1,000 waiting journeys', async () => {
      const r = await call(server!.url, 'GET', '/v1/workers/wkr_restart');
      return r.body.counts?.waiting === N ? true : undefined;
    }, 60_000);
    expect(performance.now() - startedAt).toBeLessThan(WAIT_S * 1000 - 5000); // killed well before any timer is due
    expect(smtp.count()).toBe(0);

    server.child.kill('SIGKILL');
    await server.exited;
    server = await start();

    await smtp.waitFor(N, 120_000);
    await new Promise((r) => setTimeout(r, 2000)); // a duplicate would arrive now
    expect(smtp.count()).toBe(N);
    expect(new Set(smtp.received.map((m) => m.to)).size).toBe(N);
    const done = await until('every journey done', async () => {
      const r = await call(server!.url, 'GET', '/v1/workers/wkr_restart');
      return r.body.counts?.done === N ? r.body.counts : undefined;
    }, 30_000);
    expect(done.waiting).toBe(0);
  }, 240_000);
});
