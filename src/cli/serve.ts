import { ConfigError, parseConfig, type Config } from '../core/index.ts';
import { createBraid, type Braid } from '../app/app.ts';
import { resolveKeys } from '../app/keys.ts';
import type { ParsedArgs } from './args.ts';

export function configFromArgs(args: ParsedArgs, env: Record<string, string | undefined>): Config {
  const overrides: Partial<Config> = {};
  if (typeof args.flags.port === 'string') {
    const p = Number(args.flags.port);
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new ConfigError([`--port must be an integer from 0 to 65535, got "${args.flags.port}"`]);
    overrides.port = p;
  }
  if (typeof args.flags.data === 'string') overrides.dataDir = args.flags.data;
  return parseConfig(env, overrides);
}

/** Demo mode: create the demo users on an instance without users, and say how to sign in as them. */
async function demoSignIns(braid: Braid): Promise<string[]> {
  const { DEMO_PASSWORD, DEMO_USERS, seedDemoUsers } = await import('../app/demo-seed.ts');
  await seedDemoUsers(braid);
  const have = new Set((await braid.access.listUsers()).map((u) => u.email));
  const demo = DEMO_USERS.filter((u) => have.has(u.email));
  if (demo.length === 0) return [];
  return [`  Demo users: ${demo.map((u) => u.email).join(', ')}   (password: ${DEMO_PASSWORD}; POST /v1/auth/login)`];
}

export async function serve(args: ParsedArgs, env: Record<string, string | undefined>): Promise<number | undefined> {
  const config = configFromArgs(args, env);
  const keys = resolveKeys(config);
  const braid = await createBraid({ config, keys });
  const log = braid.http.log;
  if (config.demo) {
    const { seedDemoIfEmpty } = await import('../app/demo-seed.ts');
    const seeded = await seedDemoIfEmpty(braid);
    if (seeded) log.info(seeded, 'seeded the demo store');
  }
  const demoUsers = config.demo ? await demoSignIns(braid) : [];
  braid.startBackground();
  const address = await braid.http.listen({ port: config.port, host: config.host });
  const where = config.databaseUrl ? 'Postgres (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  process.stdout.write([
    '',
    `  Braid is running at ${address}  (database: ${where})`,
    `  API docs:   ${address}/docs`,
    `  Write key:  ${keys.writeKey}   (Segment-style: HTTP Basic username)`,
    `  Admin key:  ${keys.adminKey}   (Authorization: Bearer ...)`,
    `  Decide key: ${keys.decideKey}   (POST /v1/decide only: safe to embed in a storefront)`,
    keys.generated ? `  Keys were generated and saved to ${keys.file}` : `  Keys from ${config.writeKey && config.adminKey ? 'the environment' : keys.file}`,
    ...demoUsers,
    '',
  ].join('\n') + '\n');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await braid.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return undefined;
}
