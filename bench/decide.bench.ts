/**
 * npm run bench:decide — POST /v1/decide throughput and server-side latency against a Braid
 * child process (embedded store, demo catalog and shoppers, offers, ~55 candidates per
 * decision: 50 products + offers + silence), next to a trivial echo route on the same server
 * measured in the same run with the same client, connections and body size, and a static route
 * answering the same request with a prebuilt decision (the HTTP floor for this response size).
 * Last line: {"p50_ms","p99_ms","decides_per_s","echo_per_s","ratio",…}.
 *
 *   --seconds N       measured duration per target (default 10)   --connections N (default 8)
 */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { parseArgs } from '../src/cli/args.ts';

const args = parseArgs(process.argv.slice(2)).flags;
const SECONDS = Number(args.seconds ?? 10);
const CONNECTIONS = Number(args.connections ?? 8);

const server = spawn(process.execPath, ['--import', 'tsx', 'bench/decide-server.ts', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const ready = await new Promise<{ url: string; refs: string[]; cached: number }>((resolve, reject) => {
  let buf = '';
  server.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const line = buf.split('\n').find((l) => l.startsWith('READY '));
    if (line) resolve(JSON.parse(line.slice(6)) as { url: string; refs: string[]; cached: number });
  });
  server.once('exit', (c) => reject(new Error(`bench server exited with ${c}`)));
});
process.stdout.write(`server ready: ${ready.refs.length} shoppers warm in cache (${ready.cached})\n`);

const bodies = ready.refs.map((ref) => JSON.stringify({ ref, placement: 'home_hero', count: 4, context: { device: 'mobile', timezone: 'Europe/London' } }));
let i = 0;
async function run(path: string, seconds: number) {
  const result = await autocannon({
    url: ready.url + path, connections: CONNECTIONS, duration: seconds, method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer dk_bench_123456' },
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}
const stats = async () => (await (await fetch(ready.url + '/bench/stats')).json()) as { n: number; p50: number; p99: number; max: number; logBacklog: number };

await run('/bench/echo', 2); // warm-up (JIT, sockets)
await run('/v1/decide', 2);
await stats();
const echo = await run('/bench/echo', SECONDS);
const decide = await run('/v1/decide', SECONDS);
const floor = await run('/bench/static', SECONDS);
const s = await stats();
const sample = await (await fetch(ready.url + '/v1/decide', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer dk_bench_123456' }, body: bodies[0] })).json() as { actions: unknown[]; decisionId: string };
const explain = await (await fetch(`${ready.url}/v1/decisions/${sample.decisionId}`, { headers: { authorization: 'Bearer ak_bench_123456' } })).json() as { explanation: { candidates: unknown[] } };
server.kill('SIGTERM');

const echoPerS = echo.requests.average, decidesPerS = decide.requests.average;
const out = {
  p50_ms: Math.round(s.p50 * 1000) / 1000, p99_ms: Math.round(s.p99 * 1000) / 1000, decides_per_s: Math.round(decidesPerS), echo_per_s: Math.round(echoPerS),
  ratio: Math.round((decidesPerS / echoPerS) * 1000) / 1000, candidates: explain.explanation.candidates.length, server_max_ms: Math.round(s.max * 100) / 100,
  static_per_s: Math.round(floor.requests.average), static_ratio: Math.round((floor.requests.average / echoPerS) * 1000) / 1000,
  client_p99_ms: decide.latency.p99, connections: CONNECTIONS, seconds: SECONDS, decisions_measured: s.n, log_backlog_at_end: s.logBacklog,
};
process.stdout.write(`\n  static: ${out.static_per_s} req/s (same request and auth, prebuilt decision: the HTTP floor, ${out.static_ratio} of echo)\n  echo:   ${out.echo_per_s} req/s\n  decide: ${out.decides_per_s} req/s  server p50 ${out.p50_ms} ms, p99 ${out.p99_ms} ms, ${out.candidates} candidates\n  ratio:  ${out.ratio}\n\n`);
process.stdout.write(JSON.stringify(out) + '\n');
