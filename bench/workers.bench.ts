/**
 * npm run bench:workers — journey entries/s, sends/s to a loopback SMTP server (in its own
 * process), and memory with 100,000 waiting journeys, on the embedded store in a temp data dir.
 * Braid runs in this process on a manual clock, so timers fire when the bench moves time.
 *
 *   1. E shoppers (identify with email consent) are ingested and projected (not timed).
 *   2. entries: E trigger events are ingested; timed until E journeys wait (projection included).
 *   3. sends: the clock moves past the wait; timed until the SMTP server accepted E emails.
 *   4. waiting: W more shoppers enter a 30-day wait; RSS is read with all of them waiting.
 *
 * Last line: {"entries_per_s","sends_per_s","waiting_instances","rss_mb","store","malloc_mmap_threshold",…}.
 *   --entries N (default 20000)   --waiting N (default 100000)
 *   --database-url postgres://…   run on a Postgres server instead (a fresh schema, dropped after)
 *   --tracking on|consent|off     email open/click tracking (default on, as BRAID_EMAIL_TRACKING)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { createBraid } from '../src/app/app.ts';
import { createManualClock, openDatabase, parseConfig, type Db } from '../src/core/index.ts';
import { parseArgs } from '../src/cli/args.ts';

const args = parseArgs(process.argv.slice(2)).flags;
// glibc reads it at process start: npm run bench:workers sets it through bin/tuned, as bin/braid and npm start do (docs/storage.md, "Memory").
const mmapThreshold = process.env.MALLOC_MMAP_THRESHOLD_ ? Number(process.env.MALLOC_MMAP_THRESHOLD_) : null;
if (mmapThreshold === null) process.stderr.write('bench:workers: MALLOC_MMAP_THRESHOLD_ is not set, unlike under npm run bench:workers (bin/tuned): memory and speed will differ\n');
const E = Number(args.entries ?? 20_000);
const W = Number(args.waiting ?? 100_000);

const sink = spawn(process.execPath, ['--import', 'tsx', 'bench/smtp-sink.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
const urls = await new Promise<{ smtp: string; http: string }>((resolve, reject) => {
  let buf = '';
  sink.stdout!.on('data', (d: Buffer) => { buf += d.toString(); const l = buf.split('\n').find((x) => x.startsWith('READY ')); if (l) resolve(JSON.parse(l.slice(6))); });
  sink.once('exit', (c) => reject(new Error(`smtp sink exited ${c}`)));
});
const received = async () => Number(await (await fetch(urls.http + '/count')).text());

const dataDir = mkdtempSync(join(tmpdir(), 'braid-bench-workers-'));
const T0 = Date.parse('2026-06-10T15:00:00Z');
const clock = createManualClock(T0);
const config = parseConfig({
  BRAID_SMTP_URL: urls.smtp + (args.smtpQuery ? '?' + String(args.smtpQuery) : ''), BRAID_QUIET_HOURS: '0-0', BRAID_MIN_GAP_MINUTES: '0', BRAID_GLOBAL_HOLDOUT_PCT: '0', BRAID_CAPS: 'email:100/day',
  ...(typeof args.tracking === 'string' ? { BRAID_EMAIL_TRACKING: args.tracking } : {}),
}, { demo: false, logLevel: 'warn', dataDir });
const databaseUrl = typeof args['database-url'] === 'string' ? args['database-url'] : undefined;
const schema = `bench_workers_${process.pid}`;
const db: Db | undefined = databaseUrl ? await openDatabase({ databaseUrl, schema, clock }) : undefined;
const braid = await createBraid({
  config, ...(db ? { db } : {}), keys: { writeKey: 'wk_bench_123456', adminKey: 'ak_bench_123456' }, clock, logger: pino({ level: 'warn' }) as FastifyBaseLogger,
  channels: { ...(args.batch ? { batchSize: Number(args.batch) } : {}), ...(args.concurrency ? { concurrency: Number(args.concurrency) } : {}) },
});
braid.startBackground();
const log = (s: string) => process.stdout.write(s + '\n');
// --marks: phase boundaries on the CPU profile's clock (monotonic µs, to cut a --cpu-prof by phase) and the wall clock (ms).
/** CPU time of this process (main thread and the database thread; the SMTP server is another process). */
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const mark = (name: string) => { if (args.marks) log(`mark ${name} ${process.hrtime.bigint() / 1000n} ${Date.now()}`); };

await braid.workers.apply({
  id: 'wkr_bench', name: 'Bench', status: 'on', holdoutPct: 0, trigger: { type: 'event', event: 'Bench Trigger' },
  steps: [{ id: 'later', type: 'wait', duration: '1h' }, { id: 'mail', type: 'send', channel: 'email', template: 'generic' }],
});
await braid.workers.apply({
  id: 'wkr_hold', name: 'Hold', status: 'on', holdoutPct: 0, trigger: { type: 'event', event: 'Bench Hold' },
  steps: [{ id: 'later', type: 'wait', duration: '30d' }, { id: 'mail', type: 'send', channel: 'email', template: 'generic' }],
});

const at = () => new Date(clock.now()).toISOString();
async function ingest(make: (i: number) => object[], n: number, from = 0): Promise<void> {
  const CHUNK = 500;
  const inflight: Array<Promise<unknown>> = [];
  for (let i = from; i < from + n; i += CHUNK) {
    const msgs: object[] = [];
    for (let j = i; j < Math.min(i + CHUNK, from + n); j++) msgs.push(...make(j));
    inflight.push(braid.events.ingest(msgs as never));
    if (inflight.length >= 4) await inflight.shift();
  }
  await Promise.all(inflight);
}
/** Polls `pred` every `pollMs` (an in-memory counter can be polled often: the poll's delay is added to the phase's time). */
async function waitUntil(pred: () => Promise<boolean>, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  let last = performance.now();
  while (performance.now() < end) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, pollMs));
    if (args.verbose && performance.now() - last > 1000) { last = performance.now(); log(`  … ${JSON.stringify({ sent: braid.channels.stats().sent, planned: braid.workers.engine.stats.sendsPlanned, advanceMs: Math.round(braid.workers.engine.stats.advanceMs), smtp: await received() })}`); }
  }
  return false;
}
const waiting = async (id: string) => (await braid.workers.counts(id)).waiting ?? 0;

// 1. shoppers
let t = performance.now();
await ingest((i) => [{ type: 'identify', userId: `b${i}`, timestamp: at(), traits: { email: `b${i}@example.com`, consent: { email_marketing: true } } }], E);
while (!(await braid.profiles.waitForProjection(60_000))) { /* catching up */ }
// The shoppers' traits rows and the engine's pass over their events are not part of the entry phase.
await braid.traits.settle(60_000);
await braid.workers.idle();
log(`shoppers: ${E} projected in ${((performance.now() - t) / 1000).toFixed(1)} s`);

// 2. entries
mark('entries');
t = performance.now();
const engine0 = { ...braid.workers.engine.stats };
// Polls the engine's in-memory counter (a count(*) every 100 ms would load the database thread it measures); the count is read from the table after.
const entered0 = engine0.entered;
let cpu = process.cpuUsage();
await ingest((i) => [{ type: 'track', userId: `b${i}`, event: 'Bench Trigger', timestamp: at() }], E);
await waitUntil(async () => braid.workers.engine.stats.entered - entered0 >= E, 600_000, 5);
// Entered means waiting on its timer: the first step (the 1 h wait) has run for all of them.
while ((await braid.workers.tick()) > 0) { /* due first steps */ }
const entrySeconds = (performance.now() - t) / 1000;
const entryCpu = cpuMs(process.cpuUsage(cpu));
const entered = await waiting('wkr_bench');
// The engine's own share: matching trigger events and inserting journeys (projection excluded).
const engineSeconds = (braid.workers.engine.stats.applyMs - engine0.applyMs) / 1000;
log(`entries: ${entered} journeys in ${entrySeconds.toFixed(1)} s = ${Math.round(entered / entrySeconds)}/s end to end (ingest + projection + entry); engine ${engineSeconds.toFixed(2)} s = ${Math.round(entered / engineSeconds)}/s; cpu ${(entryCpu / entered).toFixed(3)} ms per entry`);

// 3. sends
mark('sends');
clock.advance(3_600_000 + 1000);
t = performance.now();
cpu = process.cpuUsage();
await waitUntil(async () => (await received()) >= E, 600_000);
const sendSeconds = (performance.now() - t) / 1000;
const sendCpu = cpuMs(process.cpuUsage(cpu));
const sent = await received();
log(`sends: ${sent} emails accepted by SMTP in ${sendSeconds.toFixed(1)} s = ${Math.round(sent / sendSeconds)}/s; cpu ${(sendCpu / sent).toFixed(3)} ms per send`);

// 4. 100k waiting
mark('waiting');
t = performance.now();
const held0 = braid.workers.engine.stats.entered;
await ingest((i) => [
  { type: 'identify', userId: `h${i}`, timestamp: at(), traits: { email: `h${i}@example.com`, consent: { email_marketing: true } } },
  { type: 'track', userId: `h${i}`, event: 'Bench Hold', timestamp: at() },
], W);
await waitUntil(async () => braid.workers.engine.stats.entered - held0 >= W, 1_200_000);
const held = await waiting('wkr_hold');
global.gc?.();
const mem = process.memoryUsage();
const rssMb = Math.round(mem.rss / 1048576);
log(`memory: heap ${Math.round(mem.heapUsed / 1048576)} MB, external ${Math.round(mem.external / 1048576)} MB, array buffers ${Math.round(mem.arrayBuffers / 1048576)} MB`);
log(`waiting: ${held} journeys after ${((performance.now() - t) / 1000).toFixed(1)} s; rss ${rssMb} MB`);

await braid.close();
await db?.close();
if (databaseUrl) { // the schema and its pg-boss twin
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  await c.query(`drop schema if exists ${schema} cascade; drop schema if exists ${schema}_boss cascade`);
  await c.end();
}
sink.kill('SIGTERM');
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({
  entries_per_s: Math.round(entered / entrySeconds), engine_entries_per_s: Math.round(entered / engineSeconds), sends_per_s: Math.round(sent / sendSeconds), waiting_instances: held, rss_mb: rssMb,
  cpu_ms_per_entry: Math.round(entryCpu / entered * 1000) / 1000, cpu_ms_per_send: Math.round(sendCpu / sent * 1000) / 1000,
  store: databaseUrl ? 'postgres' : 'embedded', malloc_mmap_threshold: mmapThreshold, entries: entered, sends: sent, entry_seconds: Math.round(entrySeconds * 10) / 10, send_seconds: Math.round(sendSeconds * 10) / 10,
}) + '\n');
process.exit(0);
