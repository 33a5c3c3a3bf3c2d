import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isApiPath, staticFileFor } from './app.console.ts';
import { weekEnds } from './app.console-lift.ts';

describe('console serving', () => {
  const root = mkdtempSync(join(tmpdir(), 'braid-console-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<html></html>');
  writeFileSync(join(root, 'assets', 'app-1.js'), '');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves files under the root and nothing outside it', () => {
    expect(staticFileFor(root, '/assets/app-1.js')).toBe(join('assets', 'app-1.js'));
    expect(staticFileFor(root, '/assets/app-1.js?v=2')).toBe(join('assets', 'app-1.js'));
    expect(staticFileFor(root, '/workers/wkr_1')).toBeUndefined();
    expect(staticFileFor(root, '/../../etc/passwd')).toBeUndefined();
    expect(staticFileFor(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeUndefined();
    expect(staticFileFor(root, '/assets')).toBeUndefined();
    expect(staticFileFor(root, '/%E0%A4%A')).toBeUndefined();
  });

  it('leaves API, docs and operations paths to the API', () => {
    for (const p of ['/v1', '/v1/workers', '/docs', '/docs/static/x.js', '/openapi.json', '/healthz', '/metrics']) expect(isApiPath(p)).toBe(true);
    for (const p of ['/', '/workers', '/v1x', '/docsy', '/shoppers/prf_1']) expect(isApiPath(p)).toBe(false);
  });

  it('ends the lift windows a week apart, the last one now', () => {
    expect(weekEnds(100 * 86_400_000, 3)).toEqual([86 * 86_400_000, 93 * 86_400_000, 100 * 86_400_000]);
  });
});
