/** The policy alone: what each role holds, the route table's shape, and docs/access.md kept equal to it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, AREAS, KEY_ROLES, ROUTE_PERMISSIONS, allows, permissionFor, permissionMatrix, routesByPermission } from './index.ts';

describe('roles', () => {
  it('lets only approvers and admins approve, and only admins manage users and keys', () => {
    expect(KEY_ROLES.filter((r) => allows(r, 'approvals:decide'))).toEqual(['admin', 'approver']);
    expect(KEY_ROLES.filter((r) => allows(r, 'access:admin'))).toEqual(['admin']);
    expect(KEY_ROLES.filter((r) => allows(r, 'workers:write'))).toEqual(['admin', 'marketer']);
    expect(KEY_ROLES.filter((r) => allows(r, 'reports:write'))).toEqual(['admin', 'analyst']);
  });

  it('keeps personal data from viewers and scoped keys, and gives scoped keys exactly their scope', () => {
    expect(KEY_ROLES.filter((r) => allows(r, 'profiles:read'))).toEqual(['admin', 'marketer', 'approver', 'analyst']);
    expect(ALL_PERMISSIONS.filter((p) => allows('ingest', p))).toEqual(['ingest', 'authenticated', 'public']);
    expect(ALL_PERMISSIONS.filter((p) => allows('decide', p))).toEqual(['decide', 'authenticated', 'public']);
    for (const a of AREAS) expect(allows('approver', `${a}:read`) && allows('analyst', `${a}:read`)).toBe(true);
  });

  it('refuses unknown roles and permissions', () => {
    expect(allows('owner', 'catalog:read')).toBe(false);
    expect(allows('admin', 'catalog:delete')).toBe(false);
    expect(allows('owner', 'public')).toBe(true);
  });
});

describe('the route table', () => {
  it('reads HEAD as GET, marks Swagger UI public, and has no entry for an unknown route', () => {
    expect(permissionFor('HEAD', '/v1/workers')).toBe('workers:read');
    expect(permissionFor('GET', '/docs/static/index.html')).toBe('public');
    expect(permissionFor('GET', '/docsx')).toBeUndefined();
    expect(permissionFor('PATCH', '/v1/workers')).toBeUndefined();
    for (const key of Object.keys(ROUTE_PERMISSIONS)) expect(key).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/);
  });

  it('is what docs/access.md shows', () => {
    const doc = readFileSync(new URL('../../../docs/access.md', import.meta.url), 'utf8');
    expect(doc).toContain(permissionMatrix());
    expect(doc).toContain(routesByPermission());
  });
});
