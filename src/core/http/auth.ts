import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { BraidError } from '../errors.ts';

/**
 * What a route needs. `ingest` is Segment's write key (HTTP Basic username, or `writeKey` in the
 * body as Segment also accepts); `admin` is the admin key as a Bearer token. The admin key may do
 * everything. Routes declare their scope in `config.scope`; one hook enforces it.
 */
export type Scope = 'public' | 'ingest' | 'decide' | 'admin';

/** `decideKey` may call decision routes only: the key a storefront or app embeds. */
export interface Keys { writeKey: string; adminKey: string; decideKey?: string | undefined }

/**
 * Who made a request, as the auth hook established it. `id` is stable per user or key (four-eyes
 * checks and the audit log compare it); `role` is what the governance layer checks permissions on.
 */
export interface Principal { id: string; kind: 'key' | 'user' | 'anonymous'; role: string; name: string }

export const ANONYMOUS: Principal = { id: 'anonymous', kind: 'anonymous', role: 'public', name: 'anonymous' };

declare module 'fastify' {
  interface FastifyContextConfig { scope?: Scope; rawBody?: boolean }
  interface FastifyRequest {
    /** Decoded (after gunzip) body size in bytes. */ bodyBytes: number;
    /** Set by the auth hook; ANONYMOUS on public routes. */ principal: Principal;
  }
}

/** The principal of a request (ANONYMOUS when the route is public). */
export function principalOf(req: FastifyRequest): Principal {
  return req.principal ?? ANONYMOUS;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a), bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Credentials presented by a request: Bearer token, or Basic username (password ignored). */
export function presentedKey(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const [kind, value] = h.split(' ', 2);
  if (!value) return undefined;
  if (kind?.toLowerCase() === 'bearer') return value.trim();
  if (kind?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return i >= 0 ? decoded.slice(0, i) : decoded;
  }
  return undefined;
}

/** The principals of the config keys (keys.json / BRAID_*_KEY). */
export const ADMIN_KEY_PRINCIPAL: Principal = { id: 'key_admin', kind: 'key', role: 'admin', name: 'admin key' };
export const WRITE_KEY_PRINCIPAL: Principal = { id: 'key_write', kind: 'key', role: 'ingest', name: 'write key' };
export const DECIDE_KEY_PRINCIPAL: Principal = { id: 'key_decide', kind: 'key', role: 'decide', name: 'decide key' };

/** The principal of a config key, or undefined: constant-time compares, no I/O (the ingest hot path). */
export function configKeyPrincipal(key: string, keys: Keys): Principal | undefined {
  if (safeEqual(key, keys.adminKey)) return ADMIN_KEY_PRINCIPAL;
  if (safeEqual(key, keys.writeKey)) return WRITE_KEY_PRINCIPAL;
  if (keys.decideKey !== undefined && safeEqual(key, keys.decideKey)) return DECIDE_KEY_PRINCIPAL;
  return undefined;
}

/** Permissions the HTTP layer itself understands; every other permission string is the policy's. */
export const PUBLIC_PERMISSION = 'public';
/** Segment ingest: the credential may also come as `writeKey` in the body (checked before validation). */
export const INGEST_PERMISSION = 'ingest';

/**
 * Role-based access, injected into the HTTP server by the composition root (src/modules/access
 * implements it). Without it the server checks `config.scope` as before (module tests).
 */
export interface AccessControl {
  /** The permission a route needs (`public`, `ingest`, `workers:write`, ...); undefined: no entry (admin only). */
  permissionFor(method: string, url: string): string | undefined;
  /** Whether a role holds a permission. */
  allows(role: string, permission: string): boolean;
  /** The principal of an API key or session token (never a config key), or undefined when unknown, revoked or expired. */
  resolve(token: string): Promise<Principal | undefined>;
}

export function authorize(req: FastifyRequest, scope: Scope, keys: Keys, bodyWriteKey?: string): Principal {
  if (scope === 'public') return ANONYMOUS;
  const key = presentedKey(req) ?? bodyWriteKey;
  if (key === undefined) throw new BraidError('unauthorized', scope === 'ingest'
    ? 'Missing write key: send it as the HTTP Basic username (as Segment does)'
    : 'Missing admin key: send it as "Authorization: Bearer <key>"');
  const p = configKeyPrincipal(key, keys);
  if (p === ADMIN_KEY_PRINCIPAL || (p === WRITE_KEY_PRINCIPAL && scope === 'ingest') || (p === DECIDE_KEY_PRINCIPAL && scope === 'decide')) return p;
  throw new BraidError('unauthorized', invalidKeyMessage(scope));
}

export function invalidKeyMessage(scope: Scope): string {
  return scope === 'ingest' ? 'Invalid write key' : scope === 'decide' ? 'Invalid decide or admin key' : 'Invalid admin key';
}
