/**
 * Test fixtures for the channels tests (imported by *.test.ts only): a test database with the
 * real spine (events → projection → identities, profiles, consent), real loopback receivers
 * (HTTP and SMTP), and an HTTP server with the channels routes. The test files pass in
 * src/testing/harness.ts (only *.test.ts files may import src/testing).
 */
import { createServer as createHttp, type IncomingHttpHeaders } from 'node:http';
import { createServer as createNet } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createHttpServer, createMetrics, systemClock, type ChannelsConfig, type Clock, type Config, type CoreDeps, type Db, type HttpServer } from '../../core/index.ts';
import { createConsent, type ConsentService } from '../consent/index.ts';
import { createEventLog, type EventLog } from '../events/index.ts';
import { createIdentity, type IdentityService } from '../identity/index.ts';
import { createProfiles, type ProfileService } from '../profiles/index.ts';
import { createChannels, registerChannelRoutes, type ChannelOptions, type ChannelService, type DeliveryRecord, type DeliveryStatus } from './index.ts';

export const KEYS = { writeKey: 'wk_test_123456', adminKey: 'ak_test_123456', decideKey: 'dk_test_123456' };
export const SECRET = 'unsubscribe-test-secret';
/** Fast retries for tests: 1 s first delay (pg-boss's minimum with backoff), polling at 0.5 s. */
export const FAST: ChannelOptions = { retryDelaySeconds: 1, pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 60 };

/** The parts of src/testing/harness.ts used here (pass the module: `import * as harness`). */
export interface TestDb { db: Db; schema?: string; cleanup(): Promise<void> }
export interface Harness {
  openTestDb(clock?: Clock): Promise<TestDb>;
  testDeps(db: Db, clock?: Clock, overrides?: Partial<Config>): CoreDeps;
  TEST_DATABASE_URL: string | undefined;
}

export interface Spine {
  t: TestDb; deps: CoreDeps; events: EventLog; identity: IdentityService; consent: ConsentService; profiles: ProfileService; dataDir: string;
  /** Ingests identify calls and waits for the projection; returns the profile id of userId. */
  identify(userId: string, traits: Record<string, unknown>): Promise<string>;
  channels(cfg: Partial<ChannelsConfig>, options?: ChannelOptions): ChannelService;
  /** Polls (one query) until every message leaves queued/sending/retrying, or reaches one of `until`; returns the records. */
  settle(ch: ChannelService, ids: string[], until?: DeliveryStatus[], timeoutMs?: number): Promise<DeliveryRecord[]>;
  close(): Promise<void>;
}

let n = 0;

export async function openSpine(harness: Harness, clock: Clock = systemClock): Promise<Spine> {
  const { openTestDb, testDeps, TEST_DATABASE_URL } = harness;
  const t = await openTestDb(clock);
  const dataDir = mkdtempSync(join(tmpdir(), 'braid-channels-'));
  const deps = testDeps(t.db, clock, { dataDir });
  const events = createEventLog(deps);
  const identity = createIdentity(deps);
  const consent = createConsent(deps);
  const profiles = createProfiles(deps, { events, identity, consent });
  const services: ChannelService[] = [];
  return {
    t, deps, events, identity, consent, profiles, dataDir,
    async identify(userId, traits) {
      await events.ingest([{ type: 'identify', userId, traits, messageId: `ch-${process.pid}-${++n}` }]);
      await profiles.projector.drain();
      return (await identity.resolveRef(`userId:${userId}`))!;
    },
    channels(cfg, options = FAST) {
      const config = { ...deps.config, muscle: { ...deps.config.muscle, channels: { ...deps.config.muscle.channels, ...cfg } } };
      const s = createChannels({ ...deps, config }, { consent, identity, profiles, secret: SECRET, options });
      services.push(s);
      return s;
    },
    async settle(ch, ids, until, timeoutMs = 20_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const r = await t.db.query<{ id: string; status: DeliveryStatus }>(`select id, status from deliveries where id = any($1::text[])`, [ids]);
        const done = r.rows.length === new Set(ids).size && r.rows.every((x) => (until ? until.includes(x.status) : !['queued', 'sending', 'retrying'].includes(x.status)));
        if (done) return (await Promise.all(ids.map((id) => ch.get(id)))) as DeliveryRecord[];
        if (performance.now() > deadline) throw new Error(`not settled: ${r.rows.map((x) => `${x.id}=${x.status}`).slice(0, 10).join(', ')}`);
        await new Promise((res) => setTimeout(res, 25));
      }
    },
    async close() {
      for (const s of services) await s.stop();
      if (t.schema && TEST_DATABASE_URL) {
        const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await c.connect();
        try { await c.query(`drop schema if exists ${t.schema}_boss cascade`); } finally { await c.end(); }
      }
      await t.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Received { method: string; url: string; headers: IncomingHttpHeaders; body: string; at: number }
export interface Receiver { url: string; requests: Received[]; close(): Promise<void> }

/** A real HTTP server on loopback; `reply` decides each answer. */
export async function startReceiver(reply: (req: Received, i: number) => { status: number; json?: unknown }): Promise<Receiver> {
  const requests: Received[] = [];
  const srv = createHttp((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() };
      requests.push(rec);
      const out = reply(rec, requests.length - 1);
      res.writeHead(out.status, { 'content-type': 'application/json' });
      res.end(out.json === undefined ? '' : JSON.stringify(out.json));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

export interface Smtp { url: string; mails: ParsedMail[]; raw: number; close(): Promise<void> }

/** A real SMTP server on loopback (no TLS, no auth); `rejectRcpt` may refuse recipients with a code. */
export async function startSmtp(opts: { rejectRcpt?: (address: string) => number | undefined; parse?: boolean } = {}): Promise<Smtp> {
  const out: Smtp = { url: '', mails: [], raw: 0, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, size: 10 * 1024 * 1024,
    onRcptTo(address, _session, cb) {
      const code = opts.rejectRcpt?.(address.address);
      if (code) { const e = new Error(`${code} mailbox unavailable`) as Error & { responseCode: number }; e.responseCode = code; return cb(e); }
      cb();
    },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        out.raw++;
        if (opts.parse === false) return cb();
        simpleParser(Buffer.concat(chunks)).then((m) => { out.mails.push(m); cb(); }, cb);
      });
    },
  });
  // Replies are small writes: without TCP_NODELAY, Nagle and delayed ACKs cost ~40 ms a message.
  server.server.on('connection', (s: import('node:net').Socket) => s.setNoDelay(true));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  out.url = `smtp://127.0.0.1:${port}/?maxConnections=8`;
  out.close = () => new Promise((r) => server.close(() => r()));
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNet();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const p = (srv.address() as { port: number }).port; srv.close(() => resolve(p)); });
  });
}

/** An HTTP server with only the channels routes, listening on `port` (so publicUrl can be known first). */
export async function startApi(spine: Spine, channels: ChannelService, port: number): Promise<HttpServer> {
  const log = pino({ level: 'silent' }) as FastifyBaseLogger;
  const http = await createHttpServer({ logger: log, keys: KEYS, metrics: createMetrics(), version: 'test' });
  registerChannelRoutes(http, channels, { identity: spine.identity, profiles: spine.profiles });
  await http.listen({ port, host: '127.0.0.1' });
  return http;
}
