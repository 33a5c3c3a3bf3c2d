/**
 * Roles and permissions as plain data and functions (no I/O): which role holds which permission,
 * and the ONE table saying which permission every HTTP route needs. The auth hook in
 * src/core/http consults it for every request; a test fails when a registered route is missing
 * here, and docs/access.md's matrix is checked against `permissionMatrix()`.
 *
 * A permission is `AREA:read` or `AREA:write`, or a special action (`approvals:decide`,
 * `access:admin`, `ingest`, `decide`, `authenticated`, `public`). Routes that return one shopper's
 * data (profiles, events, consent, decisions, journeys, messages, suppressions, audience members,
 * associates) need `profiles:read` whatever their URL: that is where personal data is.
 */

export const USER_ROLES = ['admin', 'marketer', 'approver', 'analyst', 'viewer'] as const;
/** Scopes only API keys can have: a Segment write key, and a storefront's decide key. */
export const KEY_SCOPES = ['ingest', 'decide'] as const;
export type UserRole = typeof USER_ROLES[number];
export type KeyRole = UserRole | typeof KEY_SCOPES[number];
export const KEY_ROLES: readonly KeyRole[] = [...USER_ROLES, ...KEY_SCOPES];

export const AREAS = [
  'catalog', 'profiles', 'decisioning', 'offers', 'recommendations', 'content', 'workers', 'audiences',
  'channels', 'reports', 'settings', 'audit', 'approvals',
] as const;
export type Area = typeof AREAS[number];

/** Areas whose reads carry personal data (or the record of who did what): viewers do not read them. */
export const SENSITIVE_AREAS: readonly Area[] = ['profiles', 'audit'];

export const SPECIAL_PERMISSIONS = ['approvals:decide', 'access:admin', 'ingest', 'decide', 'authenticated', 'public'] as const;

export type Permission = `${Area}:read` | `${Area}:write` | typeof SPECIAL_PERMISSIONS[number];

export const ALL_PERMISSIONS: readonly Permission[] = [
  ...AREAS.flatMap((a) => [`${a}:read`, `${a}:write`] as Permission[]),
  ...SPECIAL_PERMISSIONS,
];

const reads = (areas: readonly Area[]): Permission[] => areas.map((a) => `${a}:read` as Permission);
const writes = (areas: readonly Area[]): Permission[] => areas.map((a) => `${a}:write` as Permission);
const except = (...out: Area[]): Area[] => AREAS.filter((a) => !out.includes(a));

/**
 * What each role holds. `admin` holds everything. Marketers build (workers, content, offers,
 * audiences, decision config) and submit for approval but cannot approve; approvers read everything
 * and approve; analysts read everything and run reports (OPE, experiment imports: they compute,
 * change nothing that sends); viewers read what carries no personal data. Keys with a scope
 * (`ingest`, `decide`) hold exactly that one permission.
 */
export const ROLE_PERMISSIONS: Record<KeyRole, ReadonlySet<Permission>> = {
  admin: new Set(ALL_PERMISSIONS),
  marketer: new Set<Permission>([
    ...reads(except('audit')),
    ...writes(['decisioning', 'offers', 'recommendations', 'content', 'workers', 'audiences', 'approvals']),
    'authenticated',
  ]),
  approver: new Set<Permission>([...reads(AREAS), 'approvals:decide', 'authenticated']),
  analyst: new Set<Permission>([...reads(AREAS), 'reports:write', 'authenticated']),
  viewer: new Set<Permission>([...reads(AREAS.filter((a) => !SENSITIVE_AREAS.includes(a))), 'authenticated']),
  ingest: new Set<Permission>(['ingest', 'authenticated']),
  decide: new Set<Permission>(['decide', 'authenticated']),
};

export function isKeyRole(role: string): role is KeyRole {
  return (KEY_ROLES as readonly string[]).includes(role);
}

export function isUserRole(role: string): role is UserRole {
  return (USER_ROLES as readonly string[]).includes(role);
}

/** Whether `role` holds `permission`; `public` is held by everyone, unknown roles hold nothing else. */
export function allows(role: string, permission: string): boolean {
  if (permission === 'public') return true;
  return isKeyRole(role) && ROLE_PERMISSIONS[role].has(permission as Permission);
}

/**
 * THE route table: `METHOD url` (Fastify's pattern) → permission. HEAD uses its GET entry.
 * A route registered without an entry here is refused to everyone but the admin key, and fails
 * access.routes-policy.test.ts. Routes added by other modules add their line here.
 */
export const ROUTE_PERMISSIONS: Record<string, Permission> = {
  // operations
  'GET /healthz': 'public', 'GET /metrics': 'public', 'GET /openapi.json': 'public',
  // access (this module)
  'POST /v1/auth/login': 'public', 'POST /v1/auth/logout': 'authenticated', 'GET /v1/auth/me': 'authenticated',
  'GET /v1/users': 'access:admin', 'POST /v1/users': 'access:admin', 'GET /v1/users/:id': 'access:admin',
  'PATCH /v1/users/:id': 'access:admin', 'DELETE /v1/users/:id': 'access:admin',
  'GET /v1/api-keys': 'access:admin', 'POST /v1/api-keys': 'access:admin', 'DELETE /v1/api-keys/:id': 'access:admin',
  // ingest (Segment)
  'POST /v1/track': 'ingest', 'POST /v1/identify': 'ingest', 'POST /v1/page': 'ingest', 'POST /v1/screen': 'ingest',
  'POST /v1/alias': 'ingest', 'POST /v1/group': 'ingest', 'POST /v1/batch': 'ingest', 'POST /v1/import': 'ingest',
  'GET /v1/events': 'profiles:read', 'GET /v1/events/:messageId': 'profiles:read',
  // profiles, traits, consent
  'GET /v1/profiles/:ref': 'profiles:read', 'GET /v1/profiles/:ref/events': 'profiles:read', 'GET /v1/profiles/:ref/merges': 'profiles:read',
  'GET /v1/profiles/:ref/traits': 'profiles:read', 'GET /v1/profiles/:ref/preferences': 'profiles:read',
  'PUT /v1/profiles/:ref/preferences': 'profiles:write', 'PATCH /v1/profiles/:ref/preferences': 'profiles:write',
  'GET /v1/profiles/:ref/consent': 'profiles:read', 'PUT /v1/profiles/:ref/consent': 'profiles:write',
  'GET /v1/profiles/:ref/consent/history': 'profiles:read', 'GET /v1/consent/check': 'profiles:read',
  'GET /v1/consent/policy': 'settings:read', 'PUT /v1/consent/policy': 'settings:write',
  'GET /v1/profiles/:ref/decisions': 'profiles:read', 'GET /v1/profiles/:ref/identities': 'profiles:read',
  // catalog
  'POST /v1/catalog/products': 'catalog:write', 'GET /v1/catalog/products': 'catalog:read', 'GET /v1/catalog/products/:id': 'catalog:read',
  'GET /v1/catalog/variants/:id': 'catalog:read', 'GET /v1/catalog/variants/:id/price-at': 'catalog:read',
  'GET /v1/catalog/variants/:id/price-history': 'catalog:read', 'PUT /v1/catalog/inventory': 'catalog:write',
  'GET /v1/catalog/locations': 'catalog:read', 'PUT /v1/catalog/locations': 'catalog:write', 'POST /v1/catalog/feeds/gmc': 'catalog:write',
  // decisions
  'POST /v1/decide': 'decide',
  'GET /v1/decisions': 'profiles:read', 'GET /v1/workers/:id/decisions': 'profiles:read', 'GET /v1/decisions/:id': 'profiles:read', 'GET /v1/models': 'decisioning:read',
  'GET /v1/placements': 'decisioning:read', 'PUT /v1/placements/:id': 'decisioning:write', 'DELETE /v1/placements/:id': 'decisioning:write',
  'GET /v1/decision-actions': 'decisioning:read', 'PUT /v1/decision-actions/:id': 'decisioning:write', 'DELETE /v1/decision-actions/:id': 'decisioning:write',
  'GET /v1/creatives': 'decisioning:read', 'PUT /v1/creatives/:id': 'decisioning:write', 'DELETE /v1/creatives/:id': 'decisioning:write',
  // offers
  'GET /v1/offers': 'offers:read', 'PUT /v1/offers/:id': 'offers:write', 'DELETE /v1/offers/:id': 'offers:write',
  'GET /v1/offer-policy': 'settings:read', 'PUT /v1/offer-policy': 'settings:write',
  // recommendations
  'GET /v1/recommendations': 'recommendations:read', 'POST /v1/recommendations/rerank': 'recommendations:read',
  'POST /v1/recommendations/retrain': 'recommendations:write', 'GET /v1/recommendations/status': 'recommendations:read',
  // reports (POSTs compute or import experiment data; they send nothing)
  'GET /v1/reports/holdout': 'reports:read', 'GET /v1/reports/placements/:placement': 'reports:read', 'GET /v1/reports/placements/:placement/series': 'reports:read', 'POST /v1/reports/ope': 'reports:write',
  'GET /v1/reports/workers': 'reports:read', 'GET /v1/reports/workers/:id': 'reports:read', 'GET /v1/reports/overview': 'reports:read',
  'GET /v1/reports/workers/:id/series': 'reports:read', 'GET /v1/reports/workers/:id/arms': 'reports:read', 'GET /v1/reports/workers/:id/uplift': 'reports:read', 'GET /v1/reports/attribution': 'reports:read',
  // Simulation mode only (BRAID_CLOCK=manual): reading the clock is harmless, moving it is a setting.
  'GET /v1/clock': 'settings:read', 'POST /v1/clock/advance': 'settings:write',
  'POST /v1/reports/experiments': 'reports:write', 'GET /v1/reports/experiments': 'reports:read',
  'GET /v1/reports/experiments/:id': 'reports:read', 'POST /v1/reports/experiments/:id/rows': 'reports:write',
  'GET /v1/reports/experiments/:id/uplift': 'reports:read',
  // the simulator's latest comparison (braid simulate writes it to the data dir)
  'GET /v1/simulations/latest': 'reports:read', 'GET /v1/simulations/latest/report.png': 'reports:read',
  // content
  'GET /v1/content/blocks': 'content:read', 'POST /v1/content/blocks': 'content:write', 'POST /v1/content/blocks/draft': 'content:write',
  'GET /v1/content/blocks/:id': 'content:read', 'PUT /v1/content/blocks/:id': 'content:write', 'PATCH /v1/content/blocks/:id': 'content:write',
  'DELETE /v1/content/blocks/:id': 'content:write',
  'GET /v1/content/templates': 'content:read', 'POST /v1/content/templates': 'content:write', 'GET /v1/content/templates/:id': 'content:read',
  'PUT /v1/content/templates/:id': 'content:write', 'DELETE /v1/content/templates/:id': 'content:write',
  'GET /v1/content/rules': 'settings:read', 'PUT /v1/content/rules': 'settings:write',
  'POST /v1/content/render': 'content:read', 'POST /v1/content/qa': 'content:read', 'POST /v1/content/outcomes': 'content:write',
  // channels
  'GET /v1/channels/providers': 'channels:read', 'PUT /v1/channels/providers': 'settings:write',
  'GET /v1/messages': 'profiles:read', 'GET /v1/messages/:id': 'profiles:read',
  'GET /v1/suppressions': 'profiles:read', 'POST /v1/suppressions': 'profiles:write', 'DELETE /v1/suppressions/:id': 'profiles:write',
  'POST /v1/channels/receipts/sms': 'public', 'POST /v1/channels/receipts/:channel': 'public',
  'GET /v1/unsubscribe': 'public', 'POST /v1/unsubscribe': 'public', 'GET /v1/t/o/:token': 'public', 'GET /v1/t/c/:token': 'public',
  'GET /v1/inbox': 'decide', 'POST /v1/inbox/:id/read': 'decide',
  // workers
  'GET /v1/workers': 'workers:read', 'POST /v1/workers': 'workers:write', 'GET /v1/workers/:id': 'workers:read',
  'PUT /v1/workers/:id': 'workers:write', 'DELETE /v1/workers/:id': 'workers:write', 'POST /v1/workers/:id/status': 'workers:write',
  'GET /v1/workers/:id/versions': 'workers:read', 'GET /v1/workers/:id/versions/:version': 'workers:read', 'POST /v1/workers/:id/uplift/train': 'workers:write',
  'GET /v1/workers/:id/instances': 'profiles:read', 'GET /v1/instances/:id': 'profiles:read',
  'GET /v1/guardrails': 'settings:read', 'PUT /v1/guardrails': 'settings:write',
  'GET /v1/playbooks': 'workers:read', 'POST /v1/playbooks/:name/install': 'workers:write',
  // audiences and associates
  'GET /v1/audiences': 'audiences:read', 'POST /v1/audiences': 'audiences:write', 'GET /v1/audiences/:id': 'audiences:read',
  'PUT /v1/audiences/:id': 'audiences:write', 'DELETE /v1/audiences/:id': 'audiences:write',
  'POST /v1/audiences/:id/refresh': 'audiences:write', 'GET /v1/audiences/:id/members': 'profiles:read',
  'GET /v1/audiences/:id/status': 'audiences:read',
  'GET /v1/associate/next-best': 'profiles:read',
  // audit
  'GET /v1/audit': 'audit:read', 'GET /v1/audit/verify': 'audit:read',
  // approvals (src/modules/approvals): four eyes are checked there, the role here
  // The web console: its static shell and assets are public (it signs in through the API); its own reads.
  'GET /': 'public', 'GET /*': 'public', 'GET /v1/profiles': 'profiles:read', 'GET /v1/console/lift': 'reports:read',
  'GET /v1/approvals': 'approvals:read', 'GET /v1/approvals/:id': 'approvals:read',
  'POST /v1/approvals/:id/approve': 'approvals:decide', 'POST /v1/approvals/:id/reject': 'approvals:decide',
  // governance thresholds, sampling and the approvals switch: settings, so only admins change them
  'GET /v1/governance/settings': 'settings:read', 'PUT /v1/governance/settings': 'settings:write',
};

/** Swagger UI and its assets: public, as the server marks them. */
const PUBLIC_PREFIXES = ['/docs'];

/** The permission a route needs, or undefined when the table has no entry. HEAD reads as GET. */
export function permissionFor(method: string, url: string): Permission | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  const p = ROUTE_PERMISSIONS[`${m} ${url}`];
  if (p !== undefined) return p;
  if (PUBLIC_PREFIXES.some((prefix) => url === prefix || url.startsWith(prefix + '/'))) return 'public';
  return undefined;
}

/** Roles × permissions as a Markdown table (docs/access.md embeds it; a test keeps them equal). */
export function permissionMatrix(): string {
  const cols = KEY_ROLES;
  const lines = [`| permission | ${cols.join(' | ')} |`, `|---|${cols.map(() => ':-:').join('|')}|`];
  for (const p of ALL_PERMISSIONS.filter((x) => x !== 'public')) {
    lines.push(`| \`${p}\` | ${cols.map((r) => (allows(r, p) ? '✓' : '')).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The route table grouped by permission, as Markdown rows (docs/access.md embeds them; a test keeps them equal). */
export function routesByPermission(): string {
  const by = new Map<Permission, string[]>();
  for (const [route, p] of Object.entries(ROUTE_PERMISSIONS)) by.set(p, [...(by.get(p) ?? []), route]);
  return [...by].map(([p, routes]) => `| \`${p}\` | ${routes.map((r) => `\`${r}\``).join(', ')} |`).join('\n');
}
