/**
 * The CLI as an operator runs it: bin/braid as a child process, against a real Braid over HTTP,
 * and against a data directory it opens itself when nothing is listening.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBraid, TEST_KEYS, unusedPort, type TestBraid } from '../testing/braid.ts';

const BIN = fileURLToPath(new URL('../../bin/braid', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'braid-cli-'));

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs bin/braid with only the variables given (plus a PATH to node), so the caller's BRAID_* never leak in. */
function braid(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd: dir, env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, BRAID_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const FEED = join(dir, 'feed.tsv');
const PRODUCTS = join(dir, 'products.json');
const EVENTS = join(dir, 'events.ndjson');

beforeAll(() => {
  writeFileSync(FEED, [
    'id\ttitle\tprice\tsale_price\tavailability\tbrand\titem_group_id\tsize\tlink\timage_link',
    'TEE-S\tCrew Tee\t25.00 USD\t\tin stock\tKestrel\tTEE\tS\thttps://shop.example.com/tee\thttps://cdn.example.com/tee.jpg',
    'TEE-M\tCrew Tee\t25.00 USD\t19.99 USD\tin stock\tKestrel\tTEE\tM\thttps://shop.example.com/tee\thttps://cdn.example.com/tee.jpg',
    'MUG-1\tStoneware Mug\t18.00 USD\t\tout of stock\tKiln Studio\t\t\thttps://shop.example.com/mug\thttps://cdn.example.com/mug.jpg',
  ].join('\n') + '\n');
  writeFileSync(PRODUCTS, JSON.stringify([
    { id: 'CANDLE', title: 'Soy Candle', brand: 'Oak & Ember', price: 24, currency: 'USD', variants: [{ id: 'CANDLE-CEDAR', price: 24 }, { id: 'CANDLE-CITRUS', price: 24 }] },
    { id: 'CABLE', title: 'USB-C Cable', price: 12.99, currency: 'USD' },
  ]));
  const t = (i: number) => `2025-05-0${1 + i}T10:00:00Z`;
  writeFileSync(EVENTS, [
    JSON.stringify({ type: 'track', event: 'Product Viewed', anonymousId: 'anon-1', messageId: 'cli-1', timestamp: t(0), properties: { product_id: 'MUG-1', price: 18 } }),
    JSON.stringify({ type: 'identify', userId: 'u1', anonymousId: 'anon-1', messageId: 'cli-2', timestamp: t(1), traits: { email: 'u1@example.com', firstName: 'Ada' } }),
    '{"type": "track", oops',
    JSON.stringify({ type: 'track', event: 'Order Completed', userId: 'u1', messageId: 'cli-3', timestamp: t(2), properties: { order_id: 'O-1', revenue: 43, currency: 'USD', products: [{ product_id: 'TEE', sku: 'TEE-M', price: 25, quantity: 1 }, { product_id: 'MUG-1', sku: 'MUG-1', price: 18, quantity: 1 }] } }),
    JSON.stringify({ type: 'track', event: 'No ids at all', messageId: 'cli-4', timestamp: t(3) }),
  ].join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('braid CLI over HTTP (a Braid is running)', () => {
  let t: TestBraid;
  let keyFlags: string[];
  beforeAll(async () => {
    t = await startTestBraid();
    keyFlags = ['--url', t.url, '--write-key', TEST_KEYS.writeKey, '--admin-key', TEST_KEYS.adminKey];
  });
  afterAll(async () => { await t?.close(); });

  it('imports a Merchant Center feed', async () => {
    const r = await braid(['import', 'catalog', FEED, ...keyFlags]);
    expect(r.stderr).toContain(`Using Braid at ${t.url}`);
    expect(r.stderr).toMatch(/Imported 3 feed rows .*2 products created/);
    expect(r.code).toBe(0);
    expect(await t.braid.catalog.countProducts()).toBe(2);
    expect((await t.braid.catalog.getVariant('TEE-M'))?.salePrice).toBe(19.99);
  });

  it('imports JSON products, with keys from the environment and the URL from BRAID_HOST/BRAID_PORT', async () => {
    const port = new URL(t.url).port;
    const r = await braid(['import', 'catalog', PRODUCTS], { BRAID_HOST: '127.0.0.1', BRAID_PORT: port, BRAID_WRITE_KEY: TEST_KEYS.writeKey, BRAID_ADMIN_KEY: TEST_KEYS.adminKey, BRAID_DATA_DIR: join(dir, 'unused') });
    expect(r.stderr).toMatch(/Imported 2 products .*2 created, 0 updated, 3 variants/);
    expect(r.code).toBe(0);
    expect(await t.braid.catalog.countProducts()).toBe(4);
  });

  it('imports events, reporting bad lines by number and keeping the rest', async () => {
    const r = await braid(['import', 'events', EVENTS, ...keyFlags]);
    expect(r.stderr).toContain('line 3: invalid JSON');
    expect(r.stderr).toContain('line 5: userId: userId or anonymousId is required');
    expect(r.stderr).toMatch(/Imported 3 messages .*; 2 bad lines skipped/);
    expect(r.code).toBe(1);
    expect(await t.braid.events.findByMessageId('cli-3')).toMatchObject({ event: 'Order Completed', userId: 'u1' });
    expect(await t.braid.events.headSeq()).toBe(3);
  });

  it('shows a profile as pretty JSON, and says when there is none', async () => {
    const r = await braid(['profile', 'email:u1@example.com', ...keyFlags]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\{\n {2}"id": "prf_/);
    const p = JSON.parse(r.stdout) as { identities: Array<{ type: string; value: string }>; orders: { count: number; revenue: number } };
    expect(p.identities).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'user_id', value: 'u1' }), expect.objectContaining({ type: 'anonymous_id', value: 'anon-1' })]));
    expect(p.orders).toMatchObject({ count: 1, revenue: 43 });
    const missing = await braid(['profile', 'userId:nobody', ...keyFlags]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No profile matches userId:nobody');
  });

  it('applies a YAML worker, lists it, turns it on, and names the field of a bad document', async () => {
    const doc = join(dir, 'worker.yaml');
    writeFileSync(doc, 'id: wkr_cli_hello\nname: Hello from the CLI\ntrigger: { type: event, event: Signed Up }\nsteps:\n  - { id: hi, type: send, channel: email, template: welcome }\n');
    const applied = await braid(['workers', 'apply', doc, ...keyFlags]);
    expect(applied.stdout).toContain('wkr_cli_hello version 1 (off) created');
    expect(applied.code).toBe(0);
    const on = await braid(['workers', 'status', 'wkr_cli_hello', 'on', ...keyFlags]);
    expect(on.stdout).toContain('wkr_cli_hello is on');
    const list = await braid(['workers', 'list', ...keyFlags]);
    expect(list.stdout).toMatch(/wkr_cli_hello\s+on\s+1\s+0\s+0\s+0\s+Hello from the CLI/);
    writeFileSync(doc, 'id: wkr_cli_hello\nname: Hello\ntrigger: { type: event, event: Signed Up }\nsteps:\n  - { id: hi, type: send, channel: fax, template: welcome }\n');
    const bad = await braid(['workers', 'apply', doc, ...keyFlags]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('steps[0].channel');
    expect((await t.braid.workers.get('wkr_cli_hello')).version).toBe(1);
  }, 180_000); // four CLI processes, each starting tsx: ~15 s each on a loaded 2-core machine

  it('refuses a wrong key and an unreachable --url', async () => {
    const bad = await braid(['import', 'events', EVENTS, '--url', t.url, '--write-key', 'wk_wrong_key']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('refused the write key');
    const port = await unusedPort();
    const gone = await braid(['profile', 'userId:u1', '--url', `http://127.0.0.1:${port}`]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`No Braid answers at http://127.0.0.1:${port}`);
  });
});

describe('braid CLI in-process (nothing running: it opens the data directory)', () => {
  let env: Record<string, string>;
  beforeAll(async () => { env = { BRAID_DATA_DIR: join(dir, 'data'), BRAID_PORT: String(await unusedPort()) }; });

  it('imports a catalog and events, then shows the projected profile', async () => {
    const cat = await braid(['import', 'catalog', FEED], env);
    expect(cat.stderr).toContain(`No Braid is running; using ${join(dir, 'data')} directly`);
    expect(cat.stderr).toMatch(/2 products created/);
    expect(cat.code).toBe(0);
    expect(existsSync(join(dir, 'data', 'keys.json'))).toBe(true);

    const ev = await braid(['import', 'events', EVENTS], env);
    expect(ev.stderr).toMatch(/Imported 3 messages/);
    expect(ev.code).toBe(1);

    const again = await braid(['import', 'catalog', FEED], env);
    expect(again.stderr).toMatch(/0 products created, 2 updated/);

    const prof = await braid(['profile', 'userId:u1'], env);
    expect(prof.code).toBe(0);
    expect(JSON.parse(prof.stdout)).toMatchObject({ traits: { email: 'u1@example.com', firstName: 'Ada' }, orders: { count: 1 } });
  }, 180_000); // four commands, each opening the data directory as a whole Braid (6-10 s each idle, far more on a loaded CI machine)

  it('explains usage mistakes', async () => {
    const r = await braid(['import', 'stuff', 'x'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('catalog or events');
    const nofile = await braid(['import', 'events', join(dir, 'nope.ndjson')], env);
    expect(nofile.code).toBe(2);
    expect(nofile.stderr).toContain('No such file');
  });
});
