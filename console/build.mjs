// Builds the console (Vite) into console/dist when the build is missing or older than any source.
// Run by `npm start` and `npm test` (prestart/pretest) and `npm run build:console` (--force).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const built = join(root, 'dist', 'index.html');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, f) => Math.max(m, newest(join(path, f))), s.mtimeMs);
}

const sources = ['index.html', 'src', 'build.mjs'].map((f) => join(root, f));
const force = process.argv.includes('--force');
if (!force && existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newest))) {
  console.log('console: build is up to date (console/dist)');
} else {
  const { build } = await import('vite');
  const started = performance.now();
  await build({
    configFile: false, root, logLevel: 'warn', base: '/',
    esbuild: { jsx: 'automatic' },
    build: { outDir: join(root, 'dist'), emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1000 },
  });
  console.log(`console: built console/dist in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
