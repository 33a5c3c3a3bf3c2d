/**
 * `braid users add EMAIL --role R [--name N] [--password P]` (no --password: a random one is
 * generated and printed once), `braid users list`;
 * `braid keys create NAME --role R` (prints the secret once), `braid keys list`, `braid keys revoke ID`.
 * Over the public API with the admin key, like every command. See docs/access.md.
 */
import { randomBytes } from 'node:crypto';
import type { ParsedArgs } from './args.ts';
import { errorText, type BraidClient } from './client.ts';
import type { CliIo } from './io.ts';

interface User { id: string; email: string; name: string; role: string; disabled: boolean }
interface Key { id: string; name: string; role: string; prefix: string; createdBy: string; lastUsedAt: string | null; revokedAt: string | null; secret?: string }

function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export async function runUsers(client: BraidClient, args: ParsedArgs, io: CliIo): Promise<number> {
  const [, sub, email] = args.positionals;
  if (sub === 'list') {
    const res = await client.request({ method: 'GET', path: '/v1/users', auth: 'admin' });
    if (res.status !== 200) { io.stderr.write(`braid users list: ${errorText(res)}\n`); return 1; }
    const lines = ['id                              role      disabled  email'];
    for (const u of (res.body as { items: User[] }).items) lines.push(`${u.id.padEnd(32)}${u.role.padEnd(10)}${String(u.disabled).padEnd(10)}${u.email}`);
    io.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
  const role = flag(args, 'role');
  if (sub !== 'add' || !email || !role) { io.stderr.write('Usage: braid users add EMAIL --role admin|marketer|approver|analyst|viewer [--name N] [--password P] | braid users list\n'); return 2; }
  const given = flag(args, 'password');
  const password = given ?? randomBytes(12).toString('base64url');
  const name = flag(args, 'name');
  const res = await client.request({ method: 'POST', path: '/v1/users', auth: 'admin', json: { email, role, password, ...(name ? { name } : {}) } });
  if (res.status !== 201) { io.stderr.write(`braid users add: ${errorText(res)}\n`); return 1; }
  const u = res.body as User;
  io.stdout.write(`created ${u.id} ${u.email} (${u.role})\n`);
  if (given === undefined) io.stdout.write(`password: ${password}   (shown once; change it with PATCH /v1/users/${u.id})\n`);
  return 0;
}

export async function runKeys(client: BraidClient, args: ParsedArgs, io: CliIo): Promise<number> {
  const [, sub, arg] = args.positionals;
  if (sub === 'list') {
    const res = await client.request({ method: 'GET', path: '/v1/api-keys', auth: 'admin' });
    if (res.status !== 200) { io.stderr.write(`braid keys list: ${errorText(res)}\n`); return 1; }
    const lines = ['id                              role      prefix      revoked  name'];
    for (const k of (res.body as { items: Key[] }).items) lines.push(`${k.id.padEnd(32)}${k.role.padEnd(10)}${k.prefix.padEnd(12)}${(k.revokedAt ? 'yes' : 'no').padEnd(9)}${k.name}`);
    io.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
  if (sub === 'revoke' && arg) {
    const res = await client.request({ method: 'DELETE', path: `/v1/api-keys/${encodeURIComponent(arg)}`, auth: 'admin' });
    if (res.status !== 200) { io.stderr.write(`braid keys revoke: ${errorText(res)}\n`); return 1; }
    io.stdout.write(`revoked ${arg}\n`);
    return 0;
  }
  const role = flag(args, 'role');
  if (sub !== 'create' || !arg || !role) { io.stderr.write('Usage: braid keys create NAME --role ROLE|ingest|decide | braid keys list | braid keys revoke ID\n'); return 2; }
  const res = await client.request({ method: 'POST', path: '/v1/api-keys', auth: 'admin', json: { name: arg, role } });
  if (res.status !== 201) { io.stderr.write(`braid keys create: ${errorText(res)}\n`); return 1; }
  const k = res.body as Key;
  io.stdout.write(`created ${k.id} "${k.name}" (${k.role})\nkey: ${k.secret}   (shown once; only its hash is stored)\n`);
  return 0;
}
