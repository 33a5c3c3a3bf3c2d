/**
 * The auth hooks of the HTTP server when role-based access is injected (AccessControl): who is
 * calling (config keys first, then API keys and sessions through the injected resolver), and may
 * they call this route (the permission the central route table names for `method + url`).
 *
 * 401 `unauthorized`: no credential, or one that is unknown, revoked or expired.
 * 403 `forbidden`: a valid credential whose role lacks the route's permission (the error names it).
 * For compatibility the config write and decide keys keep answering 401 outside their routes, as
 * they always did ("Invalid admin key").
 */
import type { FastifyRequest } from 'fastify';
import { BraidError } from '../errors.ts';
import {
  ADMIN_KEY_PRINCIPAL, ANONYMOUS, INGEST_PERMISSION, PUBLIC_PERMISSION, configKeyPrincipal, invalidKeyMessage, presentedKey,
  type AccessControl, type Keys, type Principal,
} from './auth.ts';

/** The permission of requests that matched no route: any valid credential, then 404. */
const UNMATCHED = 'authenticated';

function permissionOf(req: FastifyRequest, access: AccessControl): string | undefined {
  const url = req.routeOptions.url;
  if (url === undefined) return UNMATCHED;
  return access.permissionFor(req.method === 'HEAD' ? 'GET' : req.method, url);
}

export function accessHooks(access: AccessControl, keys: Keys) {
  async function principalFor(token: string): Promise<Principal | undefined> {
    return configKeyPrincipal(token, keys) ?? await access.resolve(token);
  }

  function check(req: FastifyRequest, p: Principal, permission: string | undefined): void {
    if (p === ADMIN_KEY_PRINCIPAL) return; // the root credential, even on a route missing from the table
    if (permission !== undefined && access.allows(p.role, permission)) return;
    if (p.kind === 'key' && (p.id === 'key_write' || p.id === 'key_decide')) {
      throw new BraidError('unauthorized', invalidKeyMessage(req.routeOptions.config?.scope ?? 'admin'));
    }
    const need = permission ?? 'admin (the route has no entry in the access policy)';
    throw new BraidError('forbidden', `${p.name} (role ${p.role}) lacks the permission ${need} for ${req.method} ${req.routeOptions.url ?? ''}`, { permission: need });
  }

  return {
    async onRequest(req: FastifyRequest): Promise<void> {
      req.principal = ANONYMOUS;
      const permission = permissionOf(req, access);
      if (permission === PUBLIC_PERMISSION) return;
      const token = presentedKey(req);
      if (token === undefined) {
        // Segment clients may send the write key in the body: checked once it is parsed.
        if (permission === INGEST_PERMISSION) return;
        throw new BraidError('unauthorized', 'Missing credentials: send an API key or session token as "Authorization: Bearer <token>"');
      }
      const p = await principalFor(token);
      if (!p) throw new BraidError('unauthorized', permission === INGEST_PERMISSION ? 'Invalid write key' : 'Invalid or expired credentials (API key, session token or config key)');
      check(req, p, permission);
      req.principal = p;
    },

    /** Ingest without an Authorization header: `writeKey` in the JSON body (Segment's fallback). */
    async preValidation(req: FastifyRequest): Promise<void> {
      if (req.principal.kind !== 'anonymous') return;
      const permission = permissionOf(req, access);
      if (permission !== INGEST_PERMISSION) return;
      const body = req.body as { writeKey?: unknown } | undefined;
      const key = body !== null && typeof body === 'object' && typeof body.writeKey === 'string' ? body.writeKey : undefined;
      if (key === undefined) throw new BraidError('unauthorized', 'Missing write key: send it as the HTTP Basic username (as Segment does)');
      const p = await principalFor(key);
      if (!p) throw new BraidError('unauthorized', 'Invalid write key');
      check(req, p, permission);
      req.principal = p;
    },
  };
}
