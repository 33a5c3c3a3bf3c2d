/**
 * How CLI commands reach Braid: one request function, two transports. If a Braid answers at
 * --url (default http://BRAID_HOST:BRAID_PORT) the requests go over HTTP; otherwise the data
 * directory is opened in this process (no listening socket) and the very same requests are
 * injected into the HTTP router. Commands therefore exercise the public API either way.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../core/index.ts';
import { createBraid, type Braid } from '../app/app.ts';
import { resolveKeys } from '../app/keys.ts';
import type { ParsedArgs } from './args.ts';
import { configFromArgs } from './serve.ts';

export type Auth = 'write' | 'admin';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  auth: Auth;
  /** Serialized as JSON. */
  json?: unknown;
  /** Sent as is (feeds, pre-serialized batches). */
  text?: string;
  contentType?: string;
}

export interface ApiResponse { status: number; body: unknown }

export interface BraidClient {
  readonly transport: 'http' | 'in-process';
  /** For messages: the URL, or the data directory / database opened in-process. */
  readonly where: string;
  request(req: ApiRequest): Promise<ApiResponse>;
  /** Resolves once reads reflect everything written (in-process: background projection caught up). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export const PROBE_TIMEOUT_MS = 1500;

export function defaultUrl(config: Config): string {
  // A server bound to every interface is reached on loopback; IPv6 literals need brackets.
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '[::1]' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

/** True when a Braid (not just anything) answers /healthz at `url`. */
export async function probe(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return false;
    const body = await res.json() as { status?: unknown; version?: unknown };
    return body.status === 'ok' && typeof body.version === 'string';
  } catch {
    return false;
  }
}

function authHeader(auth: Auth, keys: { writeKey?: string | undefined; adminKey?: string | undefined }): string {
  const key = auth === 'write' ? keys.writeKey ?? keys.adminKey : keys.adminKey;
  if (!key) {
    throw new Error(auth === 'write'
      ? 'No write key: pass --write-key, or set BRAID_WRITE_KEY (or run where the data directory holds keys.json)'
      : 'No admin key: pass --admin-key, or set BRAID_ADMIN_KEY (or run where the data directory holds keys.json)');
  }
  return auth === 'write' ? `Basic ${Buffer.from(`${key}:`).toString('base64')}` : `Bearer ${key}`;
}

function encode(req: ApiRequest): { payload: string | undefined; contentType: string | undefined } {
  if (req.text !== undefined) return { payload: req.text, contentType: req.contentType ?? 'text/plain; charset=utf-8' };
  if (req.json !== undefined) return { payload: JSON.stringify(req.json), contentType: req.contentType ?? 'application/json' };
  return { payload: undefined, contentType: undefined };
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try { return JSON.parse(text); } catch { return text; }
}

export async function connect(args: ParsedArgs, env: Record<string, string | undefined>): Promise<BraidClient> {
  const config = configFromArgs(args, env);
  const flagUrl = typeof args.flags.url === 'string' ? args.flags.url.replace(/\/+$/, '') : undefined;
  const url = flagUrl ?? defaultUrl(config);
  const flagKeys = {
    writeKey: typeof args.flags['write-key'] === 'string' ? args.flags['write-key'] : undefined,
    adminKey: typeof args.flags['admin-key'] === 'string' ? args.flags['admin-key'] : undefined,
  };

  if (await probe(url)) {
    let keys = { writeKey: flagKeys.writeKey ?? config.writeKey, adminKey: flagKeys.adminKey ?? config.adminKey };
    // Keys saved by a server on this machine; never generate new ones for a server elsewhere.
    if ((!keys.writeKey || !keys.adminKey) && existsSync(resolve(config.dataDir))) {
      const stored = resolveKeys(config);
      keys = { writeKey: keys.writeKey ?? stored.writeKey, adminKey: keys.adminKey ?? stored.adminKey };
    }
    return httpClient(url, keys);
  }
  if (flagUrl) throw new Error(`No Braid answers at ${flagUrl} (GET /healthz failed). Start it, or leave out --url to open the data directory directly.`);
  return inProcessClient(config);
}

function httpClient(url: string, keys: { writeKey?: string | undefined; adminKey?: string | undefined }): BraidClient {
  return {
    transport: 'http',
    where: url,
    async request(req) {
      const { payload, contentType } = encode(req);
      const headers: Record<string, string> = { authorization: authHeader(req.auth, keys) };
      if (contentType) headers['content-type'] = contentType;
      let res: Response;
      try {
        res = await fetch(url + req.path, { method: req.method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      } catch (e) {
        throw new Error(`Cannot reach Braid at ${url}: ${(e as Error).message}`);
      }
      return { status: res.status, body: parseBody(await res.text()) };
    },
    settle: async () => undefined,
    close: async () => undefined,
  };
}

async function inProcessClient(config: Config): Promise<BraidClient> {
  // The instance is ours, so its own keys are the right ones whatever the flags say.
  const keys = resolveKeys(config);
  // Logs go to stderr (stdout carries command output), and routine info lines stay quiet.
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const logger = pino({ level }, pino.destination(2)) as FastifyBaseLogger;
  const braid: Braid = await createBraid({ config, keys: { writeKey: keys.writeKey, adminKey: keys.adminKey }, logger });
  return {
    transport: 'in-process',
    where: config.databaseUrl ? 'the database at DATABASE_URL' : resolve(config.dataDir),
    async request(req) {
      const { payload, contentType } = encode(req);
      const headers: Record<string, string> = { authorization: authHeader(req.auth, keys) };
      if (contentType) headers['content-type'] = contentType;
      const res = await braid.http.inject({ method: req.method, url: req.path, headers, ...(payload !== undefined ? { payload } : {}) });
      return { status: res.statusCode, body: parseBody(res.body) };
    },
    async settle() {
      // Nothing projects in the background here: waiting drains the log ourselves, however long it is.
      while (!(await braid.profiles.waitForProjection(60_000))) { /* still catching up */ }
    },
    close: () => braid.close(),
  };
}

/** `code: message` from a Braid error body, or the raw status. */
export function errorText(res: ApiResponse): string {
  const err = (res.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (err?.message) return `${err.code ?? 'error'}: ${err.message}`;
  return `HTTP ${res.status}${typeof res.body === 'string' && res.body ? `: ${res.body.slice(0, 200)}` : ''}`;
}
