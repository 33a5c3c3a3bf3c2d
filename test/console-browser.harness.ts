/**
 * A real Braid with a demo store and Debian's Chromium (driven by playwright-core) on one page, for
 * the console's browser tests. The page is watched: a console error, page error, failed request or
 * HTTP error that the step did not announce with `expectErrors` is a problem, and `clean()` fails the
 * step on any. Every step can save a screenshot under .test-data/console/. Without chromium the tests
 * are skipped with a message, except in CI (CI set), where they fail.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { seedDemoIfEmpty } from '../src/app/demo-seed.ts';
import { startTestServer, TEST_KEYS, type TestServer } from '../src/testing/server.ts';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SHOTS = resolve(import.meta.dirname, '../.test-data/console');
export const chromiumPresent = existsSync(CHROMIUM);
/** Run the browser tests: chromium is here, or CI (which must fail rather than skip without it). */
export const runBrowserTests = chromiumPresent || !!process.env.CI;
if (!runBrowserTests) console.warn(`console browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium); CI fails instead of skipping`);

export interface ConsoleHarness {
  s: TestServer;
  page: Page;
  /** Braid's data dir (where `braid simulate` writes its latest result). */
  dataDir: string;
  timings: Record<string, number>;
  /** Fails the step on any problem seen. */
  clean(): void;
  /** The URLs this step answers with an error status on purpose (none by default). */
  expectErrors(...urls: RegExp[]): void;
  /** Waits until no request is in flight (an aborted read is a failed request). */
  idle(): Promise<void>;
  shot(name: string): Promise<void>;
  /** Signs in with the admin key on the sign-in page. */
  signInAsAdmin(): Promise<void>;
  /** A test's beforeEach: resets the watch, and on failure logs the problems and saves a screenshot. */
  resetFor(ctx: { task: { name: string }; onTestFailed: (fn: () => Promise<void>) => void }): void;
  close(): Promise<void>;
}

/** Starts Braid on a fresh data dir with `shoppers` demo shoppers, then Chromium on one page. */
export async function openConsoleHarness(shoppers: number): Promise<ConsoleHarness> {
  if (!chromiumPresent) throw new Error(`${CHROMIUM} is missing: CI must install chromium (apt-get install -y chromium) before the browser tests`);
  // `npm test` builds the console in pretest; a direct vitest run builds it here when stale.
  execFileSync(process.execPath, [resolve(import.meta.dirname, '../console/build.mjs')], { stdio: 'inherit' });
  const timings: Record<string, number> = {};
  let t = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'braid-console-data-'));
  const s = await startTestServer({ config: { logLevel: 'error', dataDir } });
  await seedDemoIfEmpty(s.braid, { shoppers });
  while (!(await s.braid.profiles.waitForProjection(60_000))) { /* catching up */ }
  timings.seedSeconds = (performance.now() - t) / 1000;

  mkdirSync(SHOTS, { recursive: true });
  const profileDir = mkdtempSync(join(tmpdir(), 'braid-chromium-'));
  t = performance.now();
  const context: BrowserContext = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1366, height: 900 } });
  timings.launchSeconds = (performance.now() - t) / 1000;
  const page = context.pages()[0] ?? await context.newPage();
  const watch = { problems: [] as string[], expected: [] as RegExp[], inflight: 0 };
  const announced = (url: string) => watch.expected.some((re) => re.test(url));
  page.on('console', (m) => { if (m.type() === 'error' && !announced(m.location().url)) watch.problems.push(`console: ${m.text()} (${m.location().url})`); });
  page.on('pageerror', (e) => watch.problems.push(`page error: ${e.message}`));
  page.on('request', () => { watch.inflight++; });
  page.on('requestfinished', () => { watch.inflight--; });
  page.on('requestfailed', (r) => { watch.inflight--; watch.problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`); });
  page.on('response', (r) => { if (r.status() >= 400 && !announced(r.url())) watch.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`); });

  const shot = async (name: string) => { await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }); };
  return {
    s, page, dataDir, timings, shot,
    clean: () => expect(watch.problems, watch.problems.join('\n')).toEqual([]),
    expectErrors: (...urls) => { watch.expected = urls; },
    idle: async () => { await expect.poll(() => watch.inflight, { timeout: 30_000 }).toBe(0); },
    async signInAsAdmin() {
      await page.getByRole('textbox', { name: 'Admin key' }).fill(TEST_KEYS.adminKey);
      await page.getByRole('button', { name: 'Sign in with the admin key' }).click();
      await page.getByTestId('me').waitFor();
    },
    resetFor({ task, onTestFailed }) {
      watch.problems = []; watch.expected = [];
      onTestFailed(async () => {
        console.error(`console browser test "${task.name}" failed at ${page.url()}; problems seen:\n${watch.problems.join('\n')}`);
        await page.screenshot({ path: join(SHOTS, `failed-${task.name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => undefined);
      });
    },
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
      await s.close();
      rmSync(dataDir, { recursive: true, force: true });
      console.log(JSON.stringify({ consoleBrowser: timings, screenshots: SHOTS }));
    },
  };
}
