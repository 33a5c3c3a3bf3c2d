/** Users, API keys and sessions. See docs/access.md. */
import type { AccessControl, Principal } from '../../core/index.ts';
import type { KeyRole, UserRole } from './access.policy.ts';

export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  disabled: boolean;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: KeyRole;
  /** The secret's first characters (`bk_AbCdEf1`), to recognise it; the secret itself is never stored. */
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface NewUser { email: string; name?: string | undefined; role: UserRole; password?: string | undefined }
export interface UserPatch { name?: string | undefined; role?: UserRole | undefined; password?: string | undefined; disabled?: boolean | undefined }

export interface LoginResult { token: string; expiresAt: string; user: User }

export interface AccessService extends AccessControl {
  /** Creates the BRAID_ADMIN_EMAIL user when set and absent (idempotent across processes). */
  bootstrap(): Promise<void>;
  /** `system`: created by Braid itself (bootstrap admin, demo users). */
  createUser(input: NewUser, actor: Principal | 'system'): Promise<User>;
  listUsers(): Promise<User[]>;
  getUser(id: string): Promise<User>;
  updateUser(id: string, patch: UserPatch, actor: Principal): Promise<User>;
  deleteUser(id: string, actor: Principal): Promise<void>;
  createApiKey(input: { name: string; role: KeyRole }, actor: Principal): Promise<ApiKey & { secret: string }>;
  listApiKeys(): Promise<ApiKey[]>;
  revokeApiKey(id: string, actor: Principal): Promise<ApiKey>;
  login(email: string, password: string, from?: string | undefined): Promise<LoginResult>;
  logout(token: string): Promise<void>;
  /** Forget cached credentials (tests; a process that wants revocations elsewhere seen at once). */
  clearCache(): void;
}

/** How long a resolved API key or session is trusted from memory before the database is asked again. */
export const CREDENTIAL_CACHE_MS = 5_000;
