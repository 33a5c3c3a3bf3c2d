/**
 * Serves the web console (the Vite build in console/dist) at `/`: hashed assets under /assets with a
 * long cache life, everything else that is not an API path falls back to index.html so the
 * console's own router handles deep links (/workers/wkr_x, /shoppers/prf_y). `/v1`, `/docs`,
 * `/openapi.json`, `/healthz` and `/metrics` are registered elsewhere and win over the wildcard;
 * an unknown `/v1/...` path still answers the API's JSON 404, never the HTML shell.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { BraidError, type HttpServer } from '../core/index.ts';

/** console/dist beside src/, wherever the checkout lives. */
export const CONSOLE_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../console/dist');

/** Paths the console never answers: API, docs and operations routes (a miss there is a JSON 404). */
const API_PREFIXES = ['/v1/', '/v1', '/docs', '/openapi.json', '/healthz', '/metrics'];

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : p + '/'));
}

/**
 * The file under `root` a URL path names, or undefined when the path escapes the root or names no
 * file (then the SPA shell answers).
 */
export function staticFileFor(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try { decoded = decodeURIComponent(urlPath.split('?')[0]!); } catch { return undefined; }
  if (decoded.includes('\0')) return undefined;
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  if (rel === '' || rel === '.') return undefined;
  const full = join(root, rel);
  if (!full.startsWith(root + sep)) return undefined;
  return statSync(full, { throwIfNoEntry: false })?.isFile() ? rel : undefined;
}

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>Braid</title></head>
<body style="font-family:system-ui;margin:3rem;max-width:40rem"><h1>Braid is running</h1>
<p>The web console is not built in this checkout. Build it with <code>npm run build:console</code>
(<code>npm start</code> does this when the build is missing or stale) and reload.</p>
<p>The API is at <a href="/docs">/docs</a>.</p></body></html>`;

export async function registerConsole(http: HttpServer, root: string = CONSOLE_DIST): Promise<void> {
  await http.register(fastifyStatic, { root, serve: false, decorateReply: true });
  const shell = (reply: { header(k: string, v: string): unknown; type(t: string): unknown; sendFile(f: string): unknown; code(c: number): unknown; send(b: string): unknown }) => {
    reply.header('cache-control', 'no-cache');
    if (!existsSync(join(root, 'index.html'))) {
      reply.code(503); reply.type('text/html; charset=utf-8');
      return reply.send(NOT_BUILT);
    }
    return reply.sendFile('index.html');
  };
  const handler = async (req: { url: string; method: string }, reply: any) => {
    const path = req.url.split('?')[0]!;
    if (isApiPath(path)) throw new BraidError('not_found', `No route ${req.method} ${path}`);
    const file = staticFileFor(root, path);
    if (file && file !== 'index.html') {
      // Vite names assets by content hash: they never change under the same name.
      reply.header('cache-control', file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.sendFile(file);
    }
    return shell(reply);
  };
  http.get('/', { config: { scope: 'public' }, schema: { hide: true } }, handler);
  http.get('/*', { config: { scope: 'public' }, schema: { hide: true } }, handler);
}
