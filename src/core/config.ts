/**
 * Configuration is parsed once, at start, from the environment into a typed object that is passed
 * down. Nothing else reads process.env. Unknown BRAID_* variables and malformed values stop the
 * start with a message that names the variable, because a typo silently ignored is worse than a crash.
 */
import { BRAIN_KEYS, parseBrainConfig, type BrainConfig } from './config.brain.ts';
import { MUSCLE_KEYS, parseMuscleConfig, type MuscleConfig } from './config.muscle.ts';
import { GOVERNANCE_KEYS, parseGovernanceConfig, type GovernanceConfig } from './config.governance.ts';
import { ACCESS_KEYS, parseAccessConfig, type AccessConfig } from './config.access.ts';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  writeKey: string | undefined;
  adminKey: string | undefined;
  demo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Default region for phone numbers written without a country code (ISO 3166 alpha-2). */
  defaultPhoneRegion: string;
  /** Trait keys whose values are external ids, e.g. `loyaltyId` -> type `loyalty_id`. */
  externalIdTraits: Record<string, string>;
  /** The decision engine's operator settings (config.brain.ts). */
  brain: BrainConfig;
  /** BRAID_PREFERENCES: the shopper preference variables (traits module); undefined = its default list. */
  preferences: PreferenceSpec[] | undefined;
  /** BRAID_RECS_RETRAIN_MINUTES: retrain recommendation models this often (0 = only on start and on demand). */
  recsRetrainMinutes: number;
  /** BRAID_RECS_HISTORY_DAYS: orders and views older than this do not train recommendations. */
  recsHistoryDays: number;
  /** BRAID_REPORT_REFRESH_SECONDS: serve report snapshots up to this old, refreshed in the background (0 = always live). */
  reportRefreshSeconds: number;
  /** Channels, workers' guardrails and content generation (config.muscle.ts). */
  muscle: MuscleConfig;
  /** Risk tiers and approvals (config.governance.ts). */
  governance: GovernanceConfig;
  /** Users, sessions and the bootstrap admin user (config.access.ts). */
  access: AccessConfig;
  /**
   * BRAID_CLOCK: `system` (default) or `manual`, the simulation mode: Braid's clock stands still
   * until `POST /v1/clock/advance` moves it (the shopper simulator runs 90 days in minutes).
   */
  clockMode: 'system' | 'manual';
  /** BRAID_CLOCK_START (ISO 8601): where the manual clock starts; default the wall clock at start. */
  clockStartMs: number | undefined;
}

/** One preference variable: a built-in by name, or a custom one with its kind (and options for a choice). */
export interface PreferenceSpec { name: string; kind?: 'scale' | 'boolean' | 'choice'; options?: string[] }

/** `name` | `name:scale` | `name:boolean` | `name:choice(a|b|c)`, comma-separated. */
export function parsePreferenceSpecs(raw: string, problems: string[]): PreferenceSpec[] {
  const out: PreferenceSpec[] = [];
  for (const part of raw.split(',')) {
    const m = /^\s*([a-z][a-z0-9_]{1,63})(?::(scale|boolean|choice\(([a-z0-9_|-]+)\)))?\s*$/.exec(part);
    if (!m) { problems.push(`BRAID_PREFERENCES must look like "deal_seeking,eco_score:scale,fit:choice(slim|regular)", bad part "${part}"`); continue; }
    if (out.some((s) => s.name === m[1])) { problems.push(`BRAID_PREFERENCES names ${m[1]} twice`); continue; }
    const kind = m[2]?.startsWith('choice') ? 'choice' : (m[2] as PreferenceSpec['kind']);
    out.push({ name: m[1]!, ...(kind ? { kind } : {}), ...(m[3] ? { options: m[3].split('|').filter((o) => o !== '') } : {}) });
  }
  return out;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const KNOWN = [
  'BRAID_PORT', 'BRAID_HOST', 'BRAID_DATA_DIR', 'BRAID_WRITE_KEY', 'BRAID_ADMIN_KEY', 'BRAID_DEMO',
  'BRAID_LOG_LEVEL', 'BRAID_DEFAULT_PHONE_REGION', 'BRAID_EXTERNAL_ID_TRAITS', 'BRAID_PREFERENCES',
  'BRAID_RECS_RETRAIN_MINUTES', 'BRAID_RECS_HISTORY_DAYS', 'BRAID_REPORT_REFRESH_SECONDS', 'BRAID_CLOCK', 'BRAID_CLOCK_START',
  ...BRAIN_KEYS,
  ...MUSCLE_KEYS,
  ...GOVERNANCE_KEYS,
  ...ACCESS_KEYS,
  // read by the test harness and benches, not by the service
  'BRAID_TEST_DATABASE_URL', 'BRAID_SHARED_DATA',
] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const DEFAULT_EXTERNAL_ID_TRAITS: Record<string, string> = {
  loyaltyId: 'loyalty_id',
  loyalty_id: 'loyalty_id',
  loyaltyCardId: 'loyalty_id',
  posCustomerId: 'pos_customer_id',
  pos_customer_id: 'pos_customer_id',
};

export function parseConfig(env: Record<string, string | undefined>, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  for (const key of Object.keys(env)) {
    if (key.startsWith('BRAID_') && !(KNOWN as readonly string[]).includes(key)) {
      problems.push(`${key} is not a known setting (known: ${KNOWN.filter((k) => !k.startsWith('BRAID_TEST') && k !== 'BRAID_SHARED_DATA').join(', ')}, DATABASE_URL)`);
    }
  }
  const str = (k: string): string | undefined => {
    const v = env[k];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };

  let port = 8080;
  const rawPort = str('BRAID_PORT');
  if (rawPort !== undefined) {
    const n = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || n < 1 || n > 65535) problems.push(`BRAID_PORT must be an integer from 1 to 65535, got "${rawPort}"`);
    else port = n;
  }

  let demo = true;
  const rawDemo = str('BRAID_DEMO');
  if (rawDemo !== undefined) {
    const v = rawDemo.toLowerCase();
    if (['1', 'true', 'on', 'yes'].includes(v)) demo = true;
    else if (['0', 'false', 'off', 'no'].includes(v)) demo = false;
    else problems.push(`BRAID_DEMO must be on/off (or true/false, 1/0), got "${rawDemo}"`);
  }

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(`DATABASE_URL must be a postgres:// or postgresql:// URL, got "${databaseUrl}"`);
  }

  const logLevel = (str('BRAID_LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`BRAID_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  for (const k of ['BRAID_WRITE_KEY', 'BRAID_ADMIN_KEY']) {
    const v = str(k);
    if (v !== undefined && (v.length < 8 || /[\s:]/.test(v))) problems.push(`${k} must be at least 8 characters with no spaces or colons`);
  }

  const region = (str('BRAID_DEFAULT_PHONE_REGION') ?? 'US').toUpperCase();
  if (!/^[A-Z]{2}$/.test(region)) problems.push(`BRAID_DEFAULT_PHONE_REGION must be a two-letter country code, got "${region}"`);

  let externalIdTraits = DEFAULT_EXTERNAL_ID_TRAITS;
  const rawExt = str('BRAID_EXTERNAL_ID_TRAITS');
  if (rawExt !== undefined) {
    // format: traitName=idType,traitName=idType
    const map: Record<string, string> = {};
    for (const part of rawExt.split(',')) {
      const m = /^\s*([A-Za-z_][\w]*)\s*=\s*([a-z][a-z0-9_]*)\s*$/.exec(part);
      if (!m) { problems.push(`BRAID_EXTERNAL_ID_TRAITS must look like "loyaltyId=loyalty_id,posId=pos_customer_id", bad part "${part}"`); continue; }
      map[m[1]!] = m[2]!;
    }
    externalIdTraits = map;
  }

  const brain = parseBrainConfig(str, problems);
  const rawPrefs = str('BRAID_PREFERENCES');
  const preferences = rawPrefs === undefined ? undefined : parsePreferenceSpecs(rawPrefs, problems);
  const int = (k: string, def: number, min: number, max: number): number => {
    const raw = str(k);
    if (raw === undefined) return def;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) { problems.push(`${k} must be an integer from ${min} to ${max}, got "${raw}"`); return def; }
    return Number(raw);
  };
  const recsRetrainMinutes = int('BRAID_RECS_RETRAIN_MINUTES', 60, 0, 10_080);
  const recsHistoryDays = int('BRAID_RECS_HISTORY_DAYS', 365, 1, 3_650);
  const reportRefreshSeconds = int('BRAID_REPORT_REFRESH_SECONDS', 300, 0, 86_400);
  const host = str('BRAID_HOST') ?? '127.0.0.1';
  const muscle = parseMuscleConfig(str, problems, { host, port });
  const governance = parseGovernanceConfig(str, problems);
  const access = parseAccessConfig(str, problems);
  const clockMode = (str('BRAID_CLOCK') ?? 'system').toLowerCase();
  if (clockMode !== 'system' && clockMode !== 'manual') problems.push(`BRAID_CLOCK must be system or manual, got "${clockMode}"`);
  const rawStart = str('BRAID_CLOCK_START');
  const clockStartMs = rawStart === undefined ? undefined : Date.parse(rawStart);
  if (clockStartMs !== undefined && (!Number.isFinite(clockStartMs) || !/^\d{4}-\d{2}-\d{2}/.test(rawStart!))) problems.push(`BRAID_CLOCK_START must be an ISO 8601 time such as 2026-01-01T00:00:00Z, got "${rawStart}"`);
  if (clockStartMs !== undefined && clockMode !== 'manual') problems.push('BRAID_CLOCK_START needs BRAID_CLOCK=manual');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    dataDir: str('BRAID_DATA_DIR') ?? './.braid',
    databaseUrl,
    writeKey: str('BRAID_WRITE_KEY'),
    adminKey: str('BRAID_ADMIN_KEY'),
    demo,
    logLevel,
    defaultPhoneRegion: region,
    externalIdTraits,
    brain,
    preferences,
    recsRetrainMinutes,
    recsHistoryDays,
    reportRefreshSeconds,
    muscle,
    governance,
    access,
    clockMode: clockMode === 'manual' ? 'manual' : 'system',
    clockStartMs,
    ...overrides,
  };
}

/** The process environment: the only place it is read. Pass the result to parseConfig. */
export function readProcessEnv(): Record<string, string | undefined> {
  return process.env;
}
