/**
 * npm run bench:ingest — sustained /v1/batch throughput with durable acknowledgement, over
 * loopback, against a Braid child process on the embedded store; then, in the same run, the raw
 * insert rate of the same storage for the same rows. Last line: one JSON object of the figures.
 *
 *   --seconds N     measured duration (default 20)    --batch N   messages per request (default 500)
 *   --clients N     concurrent connections (default 16)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../src/cli/args.ts';
import { measureRawInsert } from './raw-insert.ts';
import { makeBatchBody } from './bench-events.ts';

const args = parseArgs(process.argv.slice(2)).flags;
const SECONDS = Number(args.seconds ?? 20);
const BATCH = Number(args.batch ?? 500);
const CLIENTS = Number(args.clients ?? 16);
const WRITE_KEY = 'wk_bench_123456';
const PORT = 18000 + Math.floor(Math.random() * 1000);

const dataDir = mkdtempSync(join(tmpdir(), 'braid-bench-'));
const server = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []), '--import', 'tsx', 'src/main.ts', 'serve', '--port', String(PORT), '--data', dataDir], {
  env: { PATH: process.env.PATH, BRAID_DEMO: 'off', BRAID_WRITE_KEY: WRITE_KEY, BRAID_ADMIN_KEY: 'ak_bench_123456', BRAID_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('Braid is running')) resolve(); });
  server.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
});

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
const auth = 'Basic ' + Buffer.from(WRITE_KEY + ':').toString('base64');
function post(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: PORT, path: '/v1/batch', method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: auth, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let seq = 0;
let acked = 0;
let bytes = 0;
const latencies: number[] = [];
let stopAt = 0;
let measuring = false;
async function client(): Promise<void> {
  while (performance.now() < stopAt) {
    const body = makeBatchBody(seq, BATCH); seq += BATCH;
    const t0 = performance.now();
    const status = await post(body);
    if (status !== 200) throw new Error(`HTTP ${status}`);
    if (measuring) { acked += BATCH; bytes += body.length; latencies.push(performance.now() - t0); }
  }
}

// warm-up
stopAt = performance.now() + 3000;
await Promise.all(Array.from({ length: CLIENTS }, client));
measuring = true;
const t0 = performance.now();
stopAt = t0 + SECONDS * 1000;
await Promise.all(Array.from({ length: CLIENTS }, client));
const elapsed = (performance.now() - t0) / 1000;

// The profile projection yields to ingest under load (see profiles.projector.ts); measure how long
// it takes to apply the backlog once the burst ends.
async function lag(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${PORT}/metrics`)).text();
  return Number(/^braid_projection_lag_events (\d+)/m.exec(text)?.[1] ?? 0);
}
const backlog = await lag();
const c0 = performance.now();
while ((await lag()) > 0 && performance.now() - c0 < 300_000) await new Promise((r) => setTimeout(r, 250));
const catchupS = (performance.now() - c0) / 1000;
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
agent.destroy();

latencies.sort((a, b) => a - b);
const eventsPerS = acked / elapsed;
process.stdout.write(`projection: ${backlog} events behind when the load stopped, applied in ${catchupS.toFixed(1)} s\n`);
process.stdout.write(`ingest: ${acked} events in ${elapsed.toFixed(1)} s over ${CLIENTS} connections, ${BATCH}/batch, ${(bytes / elapsed / 1e6).toFixed(1)} MB/s; request p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(1)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(1)} ms\n`);

const raw = await measureRawInsert({ events: Math.min(acked, 300_000), batch: 5000, makeBatchBody });
process.stdout.write(`raw storage: ${Math.round(raw.rowsPerS)} events/s (same rows, multi-row INSERT, no HTTP); naive one-row-per-event table: ${Math.round(raw.naiveRowsPerS)} rows/s\n`);
rmSync(dataDir, { recursive: true, force: true });
const out = {
  events_per_s: Math.round(eventsPerS),
  raw_rows_per_s: Math.round(raw.rowsPerS),
  ratio: Number((eventsPerS / raw.rowsPerS).toFixed(3)),
  naive_rows_per_s: Math.round(raw.naiveRowsPerS),
  p99_request_ms: Number(latencies[Math.floor(latencies.length * 0.99)]!.toFixed(1)),
  projection_backlog: backlog,
  projection_catchup_s: Number(catchupS.toFixed(1)),
  batch: BATCH, clients: CLIENTS, seconds: SECONDS,
};
process.stdout.write(JSON.stringify(out) + '\n');
