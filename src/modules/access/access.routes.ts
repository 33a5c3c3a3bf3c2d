/**
 * Access routes: login/logout/me for any principal, users and API keys for admins. Which role may
 * call them is in the route table (access.policy.ts), like every other route's.
 */
import { Type } from 'typebox';
import { presentedKey, principalOf, type HttpServer } from '../../core/index.ts';
import { ALL_PERMISSIONS, allows } from './access.policy.ts';
import {
  ApiKeySchema, CreatedApiKeySchema, IdParams, LoginResultSchema, LoginSchema, MeSchema, NewApiKeySchema, NewUserSchema, UserPatchSchema, UserSchema,
} from './access.schemas.ts';
import type { AccessService, NewUser, UserPatch } from './access.types.ts';
import type { KeyRole } from './access.policy.ts';

const authTags = ['auth'];
const tags = ['access'];
const bearer = [{ adminKey: [] }];

export function registerAccessRoutes(http: HttpServer, access: AccessService): void {
  http.post('/v1/auth/login', {
    schema: { tags: authTags, summary: 'Sign in with email and password: a bearer token (ses_…) that expires', body: LoginSchema, response: { 200: LoginResultSchema } },
  }, async (req) => {
    const b = req.body as { email: string; password: string };
    return access.login(b.email, b.password, req.ip);
  });

  http.post('/v1/auth/logout', {
    schema: { tags: authTags, summary: 'End the session whose token authorizes this request (no-op for keys)', security: bearer },
  }, async (req, reply) => {
    const token = presentedKey(req);
    if (principalOf(req).kind === 'user' && token?.startsWith('ses_')) await access.logout(token);
    return reply.status(204).send();
  });

  http.get('/v1/auth/me', {
    schema: { tags: authTags, summary: 'Who this credential is: id, kind, role, name and the permissions the role holds', security: bearer, response: { 200: MeSchema } },
  }, async (req) => {
    const p = principalOf(req);
    return { id: p.id, kind: p.kind, role: p.role, name: p.name, permissions: ALL_PERMISSIONS.filter((x) => x !== 'public' && allows(p.role, x)) };
  });

  http.get('/v1/users', {
    schema: { tags, summary: 'Users (admin)', security: bearer, response: { 200: Type.Object({ items: Type.Array(UserSchema) }) } },
  }, async () => ({ items: await access.listUsers() }));

  http.post('/v1/users', {
    schema: { tags, summary: 'Create a user (admin); without a password the user cannot sign in until one is set', security: bearer, body: NewUserSchema, response: { 201: UserSchema } },
  }, async (req, reply) => reply.status(201).send(await access.createUser(req.body as NewUser, principalOf(req))));

  http.get('/v1/users/:id', {
    schema: { tags, summary: 'One user (admin)', security: bearer, params: IdParams, response: { 200: UserSchema } },
  }, async (req) => access.getUser((req.params as { id: string }).id));

  http.patch('/v1/users/:id', {
    schema: {
      tags, summary: 'Change a user\'s name, role, password or disabled flag (admin); a new password or disabling ends their sessions',
      security: bearer, params: IdParams, body: UserPatchSchema, response: { 200: UserSchema },
    },
  }, async (req) => access.updateUser((req.params as { id: string }).id, req.body as UserPatch, principalOf(req)));

  http.delete('/v1/users/:id', {
    schema: { tags, summary: 'Delete a user and their sessions (admin)', security: bearer, params: IdParams },
  }, async (req, reply) => {
    await access.deleteUser((req.params as { id: string }).id, principalOf(req));
    return reply.status(204).send();
  });

  http.get('/v1/api-keys', {
    schema: { tags, summary: 'API keys, revoked ones included (admin); secrets are never shown again', security: bearer, response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }) } },
  }, async () => ({ items: await access.listApiKeys() }));

  http.post('/v1/api-keys', {
    schema: {
      tags, summary: 'Create an API key with a role, or the ingest / decide scope (admin); the response holds the secret, once',
      security: bearer, body: NewApiKeySchema, response: { 201: CreatedApiKeySchema },
    },
  }, async (req, reply) => {
    const b = req.body as { name: string; role: KeyRole };
    return reply.status(201).send(await access.createApiKey(b, principalOf(req)));
  });

  http.delete('/v1/api-keys/:id', {
    schema: { tags, summary: 'Revoke an API key (admin): refused at once here, within seconds on other processes', security: bearer, params: IdParams, response: { 200: ApiKeySchema } },
  }, async (req) => access.revokeApiKey((req.params as { id: string }).id, principalOf(req)));
}
