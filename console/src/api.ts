/**
 * The console's only door to Braid: JSON over the public /v1 API with the signed-in token. What the
 * server offers is read once from /openapi.json, so a page whose backend is not deployed shows an
 * empty state instead of calling a route that does not exist.
 */
export interface Principal { id: string; kind: 'key' | 'user' | 'anonymous'; role: string; name: string; permissions?: string[] }

const TOKEN = 'braid.console.token';

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public field?: string, public details?: Record<string, unknown>) { super(message); }
}

let token: string | null = sessionStorage.getItem(TOKEN);
let paths = new Set<string>();

export function setToken(t: string | null): void {
  token = t;
  if (t) sessionStorage.setItem(TOKEN, t); else sessionStorage.removeItem(TOKEN);
}
export function hasToken(): boolean { return token !== null; }

/** Whether the server has this route, in OpenAPI form (`/v1/approvals/{id}`). */
export function has(path: string): boolean { return paths.has(path); }

export async function loadCapabilities(): Promise<void> {
  const res = await fetch('/openapi.json');
  const doc = await res.json() as { paths?: Record<string, unknown> };
  paths = new Set(Object.keys(doc.paths ?? {}));
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const e = (data?.error ?? {}) as { code?: string; message?: string; field?: string };
    throw new ApiError(res.status, e.code ?? 'error', e.message ?? `HTTP ${res.status}`, e.field, data?.error);
  }
  return data as T;
}

export const get = <T = any>(path: string) => api<T>('GET', path);

/** A query string from the defined values only. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** The principal behind the token: /v1/auth/me when the server has user accounts, else the admin key. */
export async function whoAmI(): Promise<Principal> {
  if (has('/v1/auth/me')) return get<Principal>('/v1/auth/me');
  await get('/v1/guardrails'); // an admin-only read: a wrong key fails here
  return { id: 'key_admin', kind: 'key', role: 'admin', name: 'admin key' };
}

export async function login(email: string, password: string): Promise<Principal> {
  const r = await api<{ token: string; user: Principal }>('POST', '/v1/auth/login', { email, password });
  setToken(r.token);
  return whoAmI();
}

/**
 * What the principal may do in the console: its permissions from /v1/auth/me when the server has
 * roles (docs/access.md), else by role name. The server enforces the same on every call.
 */
const EDIT = new Set(['admin', 'marketer']);
const APPROVE = new Set(['admin', 'approver']);
const holds = (p: Principal | null, permission: string, fallback: boolean) => (p?.permissions ? p.permissions.includes(permission) || p.permissions.includes('*') : fallback);
export const can = {
  edit: (p: Principal | null) => !!p && holds(p, 'workers:write', EDIT.has(p.role)),
  /** Create and change offers (admin, marketer). */
  editOffers: (p: Principal | null) => !!p && holds(p, 'offers:write', EDIT.has(p.role)),
  /** Change settings such as the contact guardrails (admin). */
  editSettings: (p: Principal | null) => !!p && holds(p, 'settings:write', p.role === 'admin'),
  approve: (p: Principal | null) => !!p && holds(p, 'approvals:decide', APPROVE.has(p.role)),
  /** Per-shopper data (profiles, decisions, messages, journeys): viewers do not see it. */
  readShoppers: (p: Principal | null) => !!p && holds(p, 'profiles:read', p.role !== 'viewer'),
};

/** One page of a keyset-paged list (every list route: `limit` and `cursor` in, `nextCursor` out). */
export interface Paged<T> { items: T[]; nextCursor: string | null }
