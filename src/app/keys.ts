import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config, Keys } from '../core/index.ts';

/**
 * Keys come from config when set; otherwise they are generated on first start and kept in
 * `<dataDir>/keys.json` (mode 0600) so they survive restarts. `generated` says whether they are new.
 */
export function resolveKeys(config: Config): Keys & { generated: boolean; file: string } {
  const file = join(resolve(config.dataDir), 'keys.json');
  let stored: Partial<Keys> = {};
  if (existsSync(file)) {
    try { stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Keys>; } catch {
      throw new Error(`${file} is not valid JSON; fix or delete it (new keys will then be generated)`);
    }
  }
  const writeKey = config.writeKey ?? stored.writeKey;
  const adminKey = config.adminKey ?? stored.adminKey;
  const decideKey = config.brain.decideKey ?? stored.decideKey;
  if (writeKey && adminKey && decideKey) return { writeKey, adminKey, decideKey, generated: false, file };
  const keys = {
    writeKey: writeKey ?? 'wk_' + randomBytes(18).toString('base64url'),
    adminKey: adminKey ?? 'ak_' + randomBytes(24).toString('base64url'),
    decideKey: decideKey ?? 'dk_' + randomBytes(18).toString('base64url'),
  };
  mkdirSync(resolve(config.dataDir), { recursive: true });
  writeFileSync(file, JSON.stringify({
    writeKey: stored.writeKey ?? keys.writeKey, adminKey: stored.adminKey ?? keys.adminKey, decideKey: stored.decideKey ?? keys.decideKey,
  }, null, 2), { mode: 0o600 });
  return { ...keys, generated: true, file };
}
