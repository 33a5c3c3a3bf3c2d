/**
 * Access: users (email + scrypt password, a role), API keys (a role or the ingest / decide scope,
 * stored as SHA-256), login sessions, and the role → permission policy with the one route table
 * the HTTP auth hook enforces. See docs/access.md.
 */
export { createAccess, actorOf, LOGIN_BURST, LOGIN_LOCKOUT, LOGIN_WINDOW_MS, type AccessAudit } from './access.service.ts';
export { registerAccessRoutes } from './access.routes.ts';
export {
  ALL_PERMISSIONS, AREAS, KEY_ROLES, KEY_SCOPES, ROLE_PERMISSIONS, ROUTE_PERMISSIONS, SENSITIVE_AREAS, USER_ROLES,
  allows, isKeyRole, isUserRole, permissionFor, permissionMatrix, routesByPermission, type Area, type KeyRole, type Permission, type UserRole,
} from './access.policy.ts';
export { CREDENTIAL_CACHE_MS, type AccessService, type ApiKey, type LoginResult, type NewUser, type User, type UserPatch } from './access.types.ts';
