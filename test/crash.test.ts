/**
 * kill -9 under sustained ingest, then restart on the same data: every acknowledged message must
 * survive, and clients that re-send what was not acknowledged (as real SDKs do) must not create
 * duplicates. This is what "200 only after the events are committed" promises.
 * Embedded database by default; with BRAID_TEST_DATABASE_URL (CI's second run) the Braid process
 * uses a throwaway database on that Postgres server instead.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatchBody } from '../bench/bench-events.ts';
import { TEST_DATABASE_URL } from '../src/testing/test.config.ts';
import { startBraidProcess, stopBraidProcess, throwawayDatabase, type BraidProcess } from './braid-process.ts';

const KEYS = { writeKey: 'wk_crash_123456', adminKey: 'ak_crash_123456' };
const CLIENTS = 4;
const BATCH = 200;
const LOAD_MS = 1500;

interface Batch { body: string; ids: string[]; acked: boolean }

const dataDir = mkdtempSync(join(tmpdir(), 'braid-crash-'));
let databaseUrl: string | undefined;
let dropDatabase: () => Promise<void> = async () => undefined;

let server: BraidProcess | undefined;
beforeAll(async () => {
  const db = await throwawayDatabase(TEST_DATABASE_URL, 'braid_crash');
  databaseUrl = db.url;
  dropDatabase = db.drop;
});
afterAll(async () => {
  await stopBraidProcess(server);
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase();
});

const basic = 'Basic ' + Buffer.from(KEYS.writeKey + ':').toString('base64');
/** The HTTP status, or 0 when the connection failed (the server died before answering). */
async function postBatch(url: string, body: string): Promise<number> {
  try {
    const res = await fetch(url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic }, body });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function readLog(url: string): Promise<{ seqs: number[]; ids: string[]; head: number }> {
  const seqs: number[] = [], ids: string[] = [];
  let head = 0;
  for (let after = 0; ;) {
    const res = await fetch(`${url}/v1/events?after=${after}&limit=1000`, { headers: { authorization: 'Bearer ' + KEYS.adminKey } });
    expect(res.status).toBe(200);
    const page = await res.json() as { events: Array<{ seq: number; messageId: string }>; next: number; head: number };
    head = page.head;
    if (page.events.length === 0) return { seqs, ids, head };
    for (const e of page.events) { seqs.push(e.seq); ids.push(e.messageId); }
    after = page.next;
  }
}

describe(`crash safety of the event log (${TEST_DATABASE_URL ? 'Postgres' : 'embedded'})`, () => {
  it('keeps every acknowledged message, exactly once, across kill -9 and client re-sends', async () => {
    const start = () => startBraidProcess({ dataDir, databaseUrl, ...KEYS });
    server = await start();
    const first = server;

    // Sustained ingest: CLIENTS connections posting batches back to back until the server dies.
    const batches: Batch[] = [];
    let dead = false;
    const client = async () => {
      while (!dead) {
        const body = makeBatchBody(batches.length * BATCH, BATCH);
        const batch: Batch = { body, ids: (JSON.parse(body) as { batch: Array<{ messageId: string }> }).batch.map((m) => m.messageId), acked: false };
        batches.push(batch);
        const status = await postBatch(first.url, body);
        if (status === 200) batch.acked = true;
        else if (status === 0) return; // the server is gone
        else throw new Error(`unexpected HTTP ${status} before the crash`);
      }
    };
    const load = Array.from({ length: CLIENTS }, client);
    await new Promise((r) => setTimeout(r, LOAD_MS));
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    dead = true;
    await Promise.all(load); // in-flight requests end with a connection error (status 0)

    const acked = batches.filter((b) => b.acked);
    const unacked = batches.filter((b) => !b.acked);
    expect(acked.length).toBeGreaterThanOrEqual(CLIENTS); // the kill really came mid-stream,
    expect(unacked.length).toBeGreaterThan(0); // with requests in flight
    if (!databaseUrl) {
      // The dead process's lock file is still there: the restart must take it over.
      expect(readFileSync(join(dataDir, 'braid.pid'), 'utf8').trim()).toBe(String(first.pid));
    }

    server = await start();
    expect(server.pid).not.toBe(first.pid);

    // Before any re-send: everything acknowledged survived the crash on its own.
    const afterCrash = new Set((await readLog(server.url)).ids);
    const lost = acked.flatMap((b) => b.ids).filter((id) => !afterCrash.has(id));
    expect(lost.length, `acknowledged messages lost in the crash, e.g. ${lost.slice(0, 3).join(', ')}`).toBe(0);
    const committedUnacked = unacked.filter((b) => b.ids.every((id) => afterCrash.has(id))).length;

    // Clients re-send every batch they got no 200 for, and (retries racing acks) a few that they did.
    const resend = [...unacked, ...acked.slice(0, 3), ...acked.slice(-3)];
    const statuses = await Promise.all(resend.map((b) => postBatch(server!.url, b.body)));
    expect(statuses.every((st) => st === 200), `re-send statuses ${statuses.join(',')}`).toBe(true);

    const log = await readLog(server.url);
    const sent = new Set(batches.flatMap((b) => b.ids));
    const stored = new Set(log.ids);
    expect(log.ids.length - stored.size, 'messages stored twice').toBe(0);
    expect(log.ids.length).toBe(sent.size);
    expect([...sent].every((id) => stored.has(id)), 'every message sent is stored').toBe(true);
    expect(new Set(log.seqs).size).toBe(log.seqs.length); // no seq twice
    expect(log.seqs.every((seq, i) => i === 0 || seq > log.seqs[i - 1]!)).toBe(true); // in log order
    expect(log.head).toBe(log.ids.length); // and no gaps: seq runs 1..N

    await stopBraidProcess(server);
    if (!databaseUrl) expect(existsSync(join(dataDir, 'braid.pid')), 'a clean stop releases the lock').toBe(false);
    console.log(`crash test: ${acked.length} batches acknowledged before kill -9, ${unacked.length} not (${committedUnacked} of those had been committed) and re-sent with ${resend.length - unacked.length} acknowledged ones; ${log.ids.length} messages stored`);
  }, 120_000); // typically 15-25 s; a fresh embedded database's first start is slow on a loaded machine
});
