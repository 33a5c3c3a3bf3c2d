/**
 * Runs Braid as a real child process (`node --import tsx src/main.ts serve`), as an operator would,
 * for tests that need what an in-process server cannot give: kill -9, restarts on the same data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BraidProcess {
  child: ChildProcess;
  pid: number;
  /** e.g. http://127.0.0.1:41234 (the server picks a free port). */
  url: string;
  /** Resolves with the exit code or signal once the process has exited (and been reaped). */
  exited: Promise<number | NodeJS.Signals>;
}

export interface BraidProcessOptions {
  dataDir: string;
  writeKey: string;
  adminKey: string;
  /** Postgres instead of the embedded database in dataDir. */
  databaseUrl?: string | undefined;
  timeoutMs?: number;
  /** Extra BRAID_* settings (SMTP URL, quiet hours, ...). */
  env?: Record<string, string>;
}

export async function startBraidProcess(opts: BraidProcessOptions): Promise<BraidProcess> {
  // Through bin/tuned, as bin/braid starts it (its process settings; exec keeps Node's pid for kill -9).
  const child = spawn(join(ROOT, 'bin', 'tuned'), [process.execPath, '--import', 'tsx', 'src/main.ts', 'serve', '--port', '0', '--data', opts.dataDir], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH, BRAID_DEMO: 'off', BRAID_WRITE_KEY: opts.writeKey, BRAID_ADMIN_KEY: opts.adminKey, BRAID_LOG_LEVEL: 'warn',
      ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '', err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`Braid did not start within ${timeoutMs} ms. stderr:\n${err}`)); }, timeoutMs);
    // This listener stays attached, so stdout keeps draining and the child never blocks on a full pipe.
    child.stdout!.on('data', (d: Buffer) => {
      if (out.length > 65_536) return;
      out += d.toString();
      const m = /Braid is running at (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    void exited.then((how) => { clearTimeout(timer); reject(new Error(`Braid exited (${how}) before it was ready. stderr:\n${err}`)); });
  });
  return { child, pid: child.pid!, url, exited };
}

/** Stops the process if it is still running: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopBraidProcess(p: BraidProcess | undefined, graceMs = 5000): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/**
 * A database of its own on the test Postgres server (CI's second run) for a child Braid, so it
 * never shares a schema with the in-process tests; undefined on the embedded run.
 */
export async function throwawayDatabase(serverUrl: string | undefined, prefix: string): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  if (!serverUrl) return { url: undefined, drop: async () => undefined };
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const onServer = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try { await c.query(sql); } finally { await c.end(); }
  };
  await onServer(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = '/' + name;
  return { url: u.toString(), drop: () => onServer(`drop database if exists ${name} with (force)`) };
}
