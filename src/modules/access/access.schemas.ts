/** TypeBox schemas of the access routes (users, API keys, login). */
import { Type } from 'typebox';
import { MIN_PASSWORD_LENGTH } from '../../core/index.ts';
import { ALL_PERMISSIONS, KEY_ROLES, USER_ROLES, type KeyRole, type Permission, type UserRole } from './access.policy.ts';

const UserRoleSchema = Type.Unsafe<UserRole>(Type.String({ enum: [...USER_ROLES], description: 'admin, marketer, approver, analyst or viewer' }));
const KeyRoleSchema = Type.Unsafe<KeyRole>(Type.String({ enum: [...KEY_ROLES], description: 'a user role, or ingest (write key) or decide (storefront key)' }));
const Password = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1000 });

export const UserSchema = Type.Object({
  id: Type.String(), email: Type.String(), name: Type.String(), role: UserRoleSchema, disabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }), createdBy: Type.String(), updatedAt: Type.String({ format: 'date-time' }),
});

export const NewUserSchema = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' }),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  role: UserRoleSchema,
  password: Type.Optional(Password),
}, { additionalProperties: false });

export const UserPatchSchema = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  role: Type.Optional(UserRoleSchema),
  password: Type.Optional(Password),
  disabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const ApiKeySchema = Type.Object({
  id: Type.String(), name: Type.String(), role: KeyRoleSchema, prefix: Type.String({ description: 'The first characters of the secret' }),
  createdBy: Type.String(), createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Updated at most every few seconds per process' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]), revokedBy: Type.Union([Type.String(), Type.Null()]),
});

export const CreatedApiKeySchema = Type.Intersect([ApiKeySchema, Type.Object({
  secret: Type.String({ description: 'The key itself: shown this once, never again (only its SHA-256 is stored)' }),
})]);

export const NewApiKeySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  role: KeyRoleSchema,
}, { additionalProperties: false });

export const LoginSchema = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1000 }),
}, { additionalProperties: false });

export const LoginResultSchema = Type.Object({
  token: Type.String({ description: 'Bearer token (ses_…) for Authorization: Bearer' }),
  expiresAt: Type.String({ format: 'date-time' }),
  user: UserSchema,
});

export const MeSchema = Type.Object({
  id: Type.String(), kind: Type.Union([Type.Literal('key'), Type.Literal('user'), Type.Literal('anonymous')]),
  role: Type.String(), name: Type.String(),
  permissions: Type.Array(Type.Unsafe<Permission>(Type.String({ enum: [...ALL_PERMISSIONS] })), { description: 'What the role may do (docs/access.md)' }),
});

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
